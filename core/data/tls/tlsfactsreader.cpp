// SPDX-License-Identifier: Apache-2.0
#include "data/tls/tlsfactsreader.h"

#include "data/tls/opensslptr.h"
#include "data/tls/x509util.h"

#include <arpa/inet.h>

namespace switchyard {

namespace {

std::string nameText(const X509_NAME *name)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0)
        return {};
    char *data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    return length > 0 ? std::string(data, static_cast<std::size_t>(length)) : std::string();
}

std::string serialText(const X509 *cert)
{
    BignumPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
    char *hex = bn ? BN_bn2hex(bn.get()) : nullptr;
    if (!hex)
        return {};
    std::string out(hex);
    OPENSSL_free(hex);
    return out;
}

void addSubjectAltNames(X509 *cert, TlsCertificateFacts &facts)
{
    GeneralNamesPtr names(static_cast<GENERAL_NAMES *>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
    if (!names)
        return;
    for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
        int type = 0;
        const auto *value = static_cast<const ASN1_STRING *>(GENERAL_NAME_get0_value(sk_GENERAL_NAME_value(names.get(), i), &type));
        const auto *bytes = ASN1_STRING_get0_data(value);
        const auto length = static_cast<std::size_t>(ASN1_STRING_length(value));
        const std::string text(reinterpret_cast<const char *>(bytes), length);
        if (type == GEN_DNS) {
            facts.dnsNames.push_back(text);
        } else if (type == GEN_EMAIL) {
            facts.emailAddresses.push_back(text);
        } else if (type == GEN_URI) {
            facts.uris.push_back(text);
        } else if (type == GEN_IPADD && (length == 4 || length == 16)) {
            char address[INET6_ADDRSTRLEN] = {};
            if (inet_ntop(length == 4 ? AF_INET : AF_INET6, bytes, address, sizeof address) != nullptr)
                facts.ipAddresses.emplace_back(address);
        }
    }
}

// Holds a reference to the certificate until a policy asks for it.
TlsFacts::CertificateLoader loaderFor(X509 *owned, bool withPem)
{
    if (!owned)
        return {};
    std::shared_ptr<X509> cert(owned, &X509_free);
    return [cert, withPem]() -> std::optional<TlsCertificateFacts> {
        TlsCertificateFacts facts;
        facts.subject = nameText(X509_get_subject_name(cert.get()));
        facts.issuer = nameText(X509_get_issuer_name(cert.get()));
        facts.serialNumber = serialText(cert.get());
        if (const char *algorithm = OBJ_nid2ln(X509_get_signature_nid(cert.get())))
            facts.signatureAlgorithm = algorithm;
        addSubjectAltNames(cert.get(), facts);
        facts.notBefore = X509Util::notBefore(cert.get());
        facts.notAfter = X509Util::notAfter(cert.get());
        if (withPem)
            if (auto pem = X509Util::certificateToPem(cert.get()))
                facts.pem = std::move(*pem);
        ERR_clear_error();
        return facts;
    };
}

} // namespace

std::shared_ptr<const TlsFacts> TlsFactsReader::read(ssl_st *ssl, std::string sni, bool byAction)
{
    auto facts = std::make_shared<TlsFacts>();
    facts->version = SSL_get_version(ssl);
    if (const SSL_CIPHER *cipher = SSL_get_current_cipher(ssl))
        if (const char *name = SSL_CIPHER_standard_name(cipher))
            facts->cipherSuite = name;
    facts->sni = std::move(sni);
    const unsigned char *alpn = nullptr;
    unsigned int alpnLength = 0;
    SSL_get0_alpn_selected(ssl, &alpn, &alpnLength);
    if (alpn)
        facts->alpn.assign(reinterpret_cast<const char *>(alpn), alpnLength);
    facts->sessionResumed = SSL_session_reused(ssl) == 1;
    facts->terminatedByAction = byAction;
    X509 *server = SSL_get_certificate(ssl);
    if (server)
        X509_up_ref(server);
    facts->serverCertificate = loaderFor(server, false);
    facts->clientCertificate = loaderFor(SSL_get1_peer_certificate(ssl), true);
    return facts;
}

} // namespace switchyard
