// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "data/tls/certificatecache.h"

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct ssl_ctx_st;

namespace switchyard {

struct TlsServerContextState;

struct TlsServerOptions
{
    // Decides whether a leaf may be minted for this (canonical) SNI name,
    // typically "an https/tls endpoint serves it". Without it every valid
    // hostname gets a certificate; the engine should set it so that random
    // SNI values cannot make the cache mint without bound.
    std::function<bool(std::string_view host)> acceptHost;
    // Called when there is no SNI, an invalid one, or acceptHost refused it:
    // a certificate to present anyway (e.g. for clients that connect by IP),
    // or nullptr to fail the handshake. Empty = fail.
    std::function<CertificateCache::LeafPtr(std::string_view sni)> fallbackCertificate;
    // Offered in server preference order; a client offering none of them
    // continues without ALPN.
    std::vector<std::string> alpn = {"http/1.1"};
};

// An OpenSSL server context for terminating TLS at the edge: TLS 1.2 and
// 1.3 only, forward-secret AEAD ciphers, no compression, no renegotiation,
// ALPN selection, and a certificate chosen per connection from the SNI name
// via the CertificateCache (minting on first use, inside the handshake).
// An unknown or missing SNI ends the handshake with an unrecognized_name
// (or handshake_failure without SNI) alert unless a fallback is set.
//
// Create on the core thread; the native context is then shared by all I/O
// threads (OpenSSL contexts are thread-safe once configured).
class TlsServerContext
{
public:
    static Result<TlsServerContext> create(std::shared_ptr<CertificateCache> cache, TlsServerOptions options = {});

    // Borrowed; valid while any copy of this TlsServerContext lives. The
    // engine creates one SSL per connection from it.
    ssl_ctx_st *nativeHandle() const;
    CertificateCache &certificates() const;

private:
    explicit TlsServerContext(std::shared_ptr<TlsServerContextState> state);
    std::shared_ptr<TlsServerContextState> m_state;
};

} // namespace switchyard
