// SPDX-License-Identifier: Apache-2.0
#include "data/tls/tlsservercontext.h"

#include "data/tls/opensslptr.h"

namespace switchyard {

struct TlsServerContextState
{
    std::shared_ptr<CertificateCache> cache;
    TlsServerOptions options;
    std::string alpnWire; // length-prefixed protocol list
    SslCtxPtr ctx;
};

namespace {

// Mozilla "intermediate" TLS 1.2 suites; TLS 1.3 keeps OpenSSL's defaults.
constexpr const char *Tls12Ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                                     "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                                     "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

bool useLeaf(SSL *ssl, const CertificateCache::LeafPtr &leaf)
{
    // SSL_use_cert_and_key takes its own references, so the connection
    // keeps working if the cache renews the leaf meanwhile.
    return leaf && SSL_use_cert_and_key(ssl, leaf->certificateHandle(), leaf->privateKeyHandle(), nullptr, 1) == 1;
}

// Runs during ClientHello processing, before OpenSSL picks a certificate.
int onServerName(SSL *ssl, int *alert, void *arg)
{
    auto *state = static_cast<TlsServerContextState *>(arg);
    const char *sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    const std::string_view name = sni != nullptr ? std::string_view(sni) : std::string_view();

    if (!name.empty()) {
        auto host = CertificateCache::canonicalHost(name);
        // SNI never legitimately carries a wildcard.
        if (host && host->front() != '*' && (!state->options.acceptHost || state->options.acceptHost(*host))) {
            auto leaf = state->cache->leafFor(*host);
            if (leaf && useLeaf(ssl, *leaf))
                return SSL_TLSEXT_ERR_OK;
            ERR_clear_error();
            *alert = SSL_AD_INTERNAL_ERROR;
            return SSL_TLSEXT_ERR_ALERT_FATAL;
        }
    }
    if (state->options.fallbackCertificate && useLeaf(ssl, state->options.fallbackCertificate(name)))
        return SSL_TLSEXT_ERR_OK;
    *alert = name.empty() ? SSL_AD_HANDSHAKE_FAILURE : SSL_AD_UNRECOGNIZED_NAME;
    return SSL_TLSEXT_ERR_ALERT_FATAL;
}

int onAlpn(SSL *, const unsigned char **out, unsigned char *outLength, const unsigned char *in,
           unsigned int inLength, void *arg)
{
    auto *state = static_cast<TlsServerContextState *>(arg);
    if (state->alpnWire.empty())
        return SSL_TLSEXT_ERR_NOACK;
    unsigned char *selected = nullptr;
    const int r = SSL_select_next_proto(&selected, outLength,
                                        reinterpret_cast<const unsigned char *>(state->alpnWire.data()),
                                        static_cast<unsigned>(state->alpnWire.size()), in, inLength);
    if (r != OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_NOACK;
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
}

} // namespace

Result<TlsServerContext> TlsServerContext::create(std::shared_ptr<CertificateCache> cache, TlsServerOptions options)
{
    if (!cache)
        return makeError("a TLS server context needs a certificate cache");
    auto state = std::make_shared<TlsServerContextState>();
    state->cache = std::move(cache);
    state->options = std::move(options);
    for (const std::string &protocol : state->options.alpn) {
        if (protocol.empty() || protocol.size() > 255)
            return makeError("ALPN protocol name '" + protocol + "' must be 1 to 255 bytes long");
        state->alpnWire += static_cast<char>(protocol.size());
        state->alpnWire += protocol;
    }

    state->ctx.reset(SSL_CTX_new(TLS_server_method()));
    SSL_CTX *ctx = state->ctx.get();
    if (ctx == nullptr)
        return makeError("cannot create a TLS server context: " + takeOpenSslErrors());
    if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1
        || SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1
        || SSL_CTX_set_cipher_list(ctx, Tls12Ciphers) != 1)
        return makeError("cannot configure the TLS server context: " + takeOpenSslErrors());
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);

    // The SSL_CTX_set_tlsext_servername_* macros use C-style casts, which
    // -Wold-style-cast rejects; these are the calls they expand to.
    SSL_CTX_callback_ctrl(ctx, SSL_CTRL_SET_TLSEXT_SERVERNAME_CB, reinterpret_cast<void (*)()>(&onServerName));
    SSL_CTX_ctrl(ctx, SSL_CTRL_SET_TLSEXT_SERVERNAME_ARG, 0, state.get());
    SSL_CTX_set_alpn_select_cb(ctx, &onAlpn, state.get());
    return TlsServerContext(std::move(state));
}

TlsServerContext::TlsServerContext(std::shared_ptr<TlsServerContextState> state) : m_state(std::move(state)) {}

ssl_ctx_st *TlsServerContext::nativeHandle() const
{
    return m_state->ctx.get();
}

CertificateCache &TlsServerContext::certificates() const
{
    return *m_state->cache;
}

} // namespace switchyard
