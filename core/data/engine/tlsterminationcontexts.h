// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "policy/exec/tlsterminationsettings.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>

struct ssl_ctx_st;

namespace switchyard {

class CertificateCache;

// Server contexts for terminate-tls, built from the action's settings and
// kept by them (and by the SNI name when the leaf comes from the local CA),
// so connections with the same settings share one. Each context has fixed
// protocol versions, one certificate, the client-certificate mode and no
// ALPN (the decrypted bytes are an opaque stream). Thread-safe.
class TlsTerminationContexts
{
public:
    using ContextPtr = std::shared_ptr<ssl_ctx_st>;

    // `leaves` (may be null: no data dir) mints the leaf when the settings
    // carry no certificate of their own.
    explicit TlsTerminationContexts(CertificateCache *leaves) : m_leaves(leaves) {}

    // An error says what is wrong with the settings (bad PEM, a key that
    // does not match, no SNI name to mint for).
    Result<ContextPtr> contextFor(const TlsTerminationSettings &settings, const std::string &serverName);

    static Result<ContextPtr> build(const TlsTerminationSettings &settings, const std::string &serverName,
                                    CertificateCache *leaves);

private:
    static constexpr std::size_t MaxCached = 256;

    CertificateCache *m_leaves;
    std::mutex m_mutex;
    std::map<std::string, ContextPtr> m_contexts;
};

} // namespace switchyard
