// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"

#include <memory>
#include <string>
#include <vector>

struct ssl_ctx_st;
struct ssl_st;

namespace switchyard {

struct TlsClientContextState;

struct TlsClientOptions
{
    // Like the ngrok agent (--upstream-tls-verify), upstream certificates
    // are not checked unless asked for: local services often use
    // self-signed certificates.
    bool verify = false;
    // PEM file of trusted CAs when verifying; the system store when empty.
    std::string caFile;
    // Offered to the upstream, e.g. {"http/1.1"}; nothing when empty.
    std::vector<std::string> alpn;
};

// An OpenSSL client context for connections to https:// and tls://
// upstreams: TLS 1.2 and 1.3, no compression or renegotiation.
// Create on the core thread; share the native context between I/O threads.
class TlsClientContext
{
public:
    static Result<TlsClientContext> create(TlsClientOptions options = {});

    // Borrowed; valid while any copy of this TlsClientContext lives.
    ssl_ctx_st *nativeHandle() const;
    bool verifies() const;

    // Prepares one connection (an SSL made from nativeHandle()) to `host`:
    // sends it as SNI unless it is an IP literal (RFC 6066 forbids that) and,
    // when verifying, requires the certificate to name it.
    Result<void> prepareConnection(ssl_st *ssl, const std::string &host) const;

private:
    explicit TlsClientContext(std::shared_ptr<TlsClientContextState> state);
    std::shared_ptr<TlsClientContextState> m_state;
};

} // namespace switchyard
