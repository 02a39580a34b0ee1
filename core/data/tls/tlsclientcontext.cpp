// SPDX-License-Identifier: Apache-2.0
#include "data/tls/tlsclientcontext.h"

#include "data/tls/opensslptr.h"
#include "model/hostname.h"

namespace switchyard {

struct TlsClientContextState
{
    TlsClientOptions options;
    SslCtxPtr ctx;
};

Result<TlsClientContext> TlsClientContext::create(TlsClientOptions options)
{
    auto state = std::make_shared<TlsClientContextState>();
    state->options = std::move(options);
    state->ctx.reset(SSL_CTX_new(TLS_client_method()));
    SSL_CTX *ctx = state->ctx.get();
    if (ctx == nullptr)
        return makeError("cannot create a TLS client context: " + takeOpenSslErrors());
    if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1
        || SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1)
        return makeError("cannot configure the TLS client context: " + takeOpenSslErrors());
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);

    if (!state->options.alpn.empty()) {
        std::string wire;
        for (const std::string &protocol : state->options.alpn) {
            if (protocol.empty() || protocol.size() > 255)
                return makeError("ALPN protocol name '" + protocol + "' must be 1 to 255 bytes long");
            wire += static_cast<char>(protocol.size());
            wire += protocol;
        }
        // Unlike most of OpenSSL, this returns 0 on success.
        if (SSL_CTX_set_alpn_protos(ctx, reinterpret_cast<const unsigned char *>(wire.data()),
                                    static_cast<unsigned>(wire.size()))
            != 0)
            return makeError("cannot set ALPN protocols: " + takeOpenSslErrors());
    }

    if (state->options.verify) {
        const bool loaded = state->options.caFile.empty()
            ? SSL_CTX_set_default_verify_paths(ctx) == 1
            : SSL_CTX_load_verify_locations(ctx, state->options.caFile.c_str(), nullptr) == 1;
        if (!loaded)
            return makeError("cannot load trusted CAs"
                             + (state->options.caFile.empty() ? std::string() : " from '" + state->options.caFile + "'")
                             + ": " + takeOpenSslErrors());
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    } else {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
    }
    return TlsClientContext(std::move(state));
}

TlsClientContext::TlsClientContext(std::shared_ptr<TlsClientContextState> state) : m_state(std::move(state)) {}

ssl_ctx_st *TlsClientContext::nativeHandle() const
{
    return m_state->ctx.get();
}

bool TlsClientContext::verifies() const
{
    return m_state->options.verify;
}

Result<void> TlsClientContext::prepareConnection(ssl_st *ssl, const std::string &host) const
{
    const bool isIp = Hostname::isIpv4Literal(host) || Hostname::isIpv6Literal(host);
    if (!isIp && !host.empty()) {
        // SSL_set_tlsext_host_name is a macro with a C-style cast; this is
        // the call it expands to.
        if (SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char *>(host.c_str()))
            != 1)
            return makeError("cannot set SNI '" + host + "': " + takeOpenSslErrors());
    }
    if (m_state->options.verify) {
        const int ok = isIp ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str())
                            : SSL_set1_host(ssl, host.c_str());
        if (ok != 1)
            return makeError("cannot set the expected upstream name '" + host + "': " + takeOpenSslErrors());
    }
    return {};
}

} // namespace switchyard
