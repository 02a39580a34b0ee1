// SPDX-License-Identifier: Apache-2.0
#include "data/engine/tlsterminationcontexts.h"

#include "data/tls/certificatecache.h"
#include "data/tls/opensslptr.h"

#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <vector>

namespace switchyard {

namespace {

// The same suites as the edge's own server context (TlsServerContext).
constexpr const char *Tls12Ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                                     "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                                     "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

int protocolVersion(const std::string &version)
{
    return version == "1.3" ? TLS1_3_VERSION : TLS1_2_VERSION;
}

std::vector<X509Ptr> certificatesFromPem(const std::string &pem)
{
    std::vector<X509Ptr> out;
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio)
        return out;
    while (X509 *cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr))
        out.emplace_back(cert);
    ERR_clear_error(); // the loop ends on "no start line"
    return out;
}

// require-any and request accept whatever certificate comes (Go's
// RequireAnyClientCert / RequestClientCert, which ngrok's names follow).
int acceptAnyCertificate(int, X509_STORE_CTX *)
{
    return 1;
}

Result<void> useOwnCertificate(SSL_CTX *ctx, const TlsTerminationSettings &settings)
{
    std::vector<X509Ptr> chain = certificatesFromPem(settings.serverCertificatePem);
    if (chain.empty())
        return makeError("server_certificate holds no PEM certificate");
    BioPtr bio(BIO_new_mem_buf(settings.serverPrivateKeyPem.data(), static_cast<int>(settings.serverPrivateKeyPem.size())));
    EvpPkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!key)
        return makeError("server_private_key holds no PEM private key");
    if (SSL_CTX_use_certificate(ctx, chain.front().get()) != 1)
        return makeError("server_certificate: " + takeOpenSslErrors());
    for (std::size_t i = 1; i < chain.size(); ++i)
        SSL_CTX_add1_chain_cert(ctx, chain[i].get());
    if (SSL_CTX_use_PrivateKey(ctx, key.get()) != 1 || SSL_CTX_check_private_key(ctx) != 1)
        return makeError("server_private_key does not match server_certificate");
    return {};
}

Result<void> useLocalLeaf(SSL_CTX *ctx, const std::string &serverName, CertificateCache *leaves)
{
    if (!leaves)
        return makeError("no local CA to mint a certificate (the engine has no data directory)");
    if (serverName.empty())
        return makeError("the client sent no SNI name to mint a certificate for");
    auto leaf = leaves->leafFor(serverName);
    if (!leaf)
        return makeError(leaf.message());
    if (SSL_CTX_use_certificate((ctx), (*leaf)->certificateHandle()) != 1
        || SSL_CTX_use_PrivateKey(ctx, (*leaf)->privateKeyHandle()) != 1)
        return makeError("local CA leaf: " + takeOpenSslErrors());
    return {};
}

Result<void> useClientAuthentication(SSL_CTX *ctx, const TlsTerminationSettings &settings)
{
    if (settings.mutualTlsCas.empty())
        return {};
    X509_STORE *store = X509_STORE_new();
    if (!store)
        return makeError("out of memory");
    SSL_CTX_set_cert_store(ctx, store); // the context owns it from here
    STACK_OF(X509_NAME) *names = sk_X509_NAME_new_null();
    for (const std::string &pem : settings.mutualTlsCas) {
        const std::vector<X509Ptr> cas = certificatesFromPem(pem);
        if (cas.empty()) {
            sk_X509_NAME_pop_free(names, X509_NAME_free);
            return makeError("mutual_tls_certificate_authorities holds an entry without a PEM certificate");
        }
        for (const X509Ptr &ca : cas) {
            X509_STORE_add_cert(store, ca.get());
            if (names)
                sk_X509_NAME_push(names, X509_NAME_dup(X509_get_subject_name(ca.get())));
        }
    }
    if (names)
        SSL_CTX_set_client_CA_list(ctx, names);
    using Strategy = TlsTerminationSettings::ClientAuth;
    switch (settings.clientAuth) {
    case Strategy::RequireAndVerify:
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
        break;
    case Strategy::RequireAny:
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, &acceptAnyCertificate);
        break;
    case Strategy::Request: SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, &acceptAnyCertificate); break;
    }
    return {};
}

} // namespace

Result<TlsTerminationContexts::ContextPtr> TlsTerminationContexts::build(const TlsTerminationSettings &settings,
                                                                         const std::string &serverName,
                                                                         CertificateCache *leaves)
{
    ContextPtr ctx(SSL_CTX_new(TLS_server_method()), &SSL_CTX_free);
    if (!ctx)
        return makeError("cannot create a TLS context: " + takeOpenSslErrors());
    if (SSL_CTX_set_min_proto_version(ctx.get(), protocolVersion(settings.minVersion)) != 1
        || SSL_CTX_set_max_proto_version(ctx.get(), protocolVersion(settings.maxVersion)) != 1
        || SSL_CTX_set_cipher_list(ctx.get(), Tls12Ciphers) != 1)
        return makeError("cannot configure the TLS context: " + takeOpenSslErrors());
    SSL_CTX_set_options(ctx.get(), SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_mode(ctx.get(), SSL_MODE_RELEASE_BUFFERS);
    // Client certificates make session resumption per-context; one id is enough.
    static constexpr unsigned char SessionContext[] = "switchyard-terminate-tls";
    SSL_CTX_set_session_id_context(ctx.get(), SessionContext, sizeof SessionContext - 1);
    auto certificate = settings.serverCertificatePem.empty() ? useLocalLeaf(ctx.get(), serverName, leaves)
                                                             : useOwnCertificate(ctx.get(), settings);
    if (!certificate)
        return certificate.error();
    if (auto mutual = useClientAuthentication(ctx.get(), settings); !mutual)
        return mutual.error();
    return ctx;
}

Result<TlsTerminationContexts::ContextPtr> TlsTerminationContexts::contextFor(const TlsTerminationSettings &settings,
                                                                              const std::string &serverName)
{
    std::string key = settings.cacheKey();
    if (settings.serverCertificatePem.empty())
        key += '\0' + serverName;
    {
        std::lock_guard lock(m_mutex);
        if (const auto it = m_contexts.find(key); it != m_contexts.end())
            return it->second;
    }
    auto built = build(settings, serverName, m_leaves);
    if (!built)
        return built;
    std::lock_guard lock(m_mutex);
    // Settings rendered from CEL can vary per connection; a bound keeps
    // that from growing without limit (leaves renew, so start afresh).
    if (m_contexts.size() >= MaxCached)
        m_contexts.clear();
    m_contexts.emplace(std::move(key), *built);
    return built;
}

} // namespace switchyard
