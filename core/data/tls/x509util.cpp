// SPDX-License-Identifier: Apache-2.0
#include "data/tls/x509util.h"

#include <openssl/pem.h>
#include <openssl/rand.h>

#include <arpa/inet.h>

#include <ctime>

namespace switchyard {

namespace {

X509Util::TimePoint fromAsn1Time(const ASN1_TIME *time)
{
    std::tm tm{};
    if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1)
        return {};
    return std::chrono::system_clock::from_time_t(timegm(&tm));
}

Error openSslError(const std::string &what)
{
    return makeError(what + ": " + takeOpenSslErrors());
}

} // namespace

Result<EvpPkeyPtr> X509Util::generateP256Key()
{
    EvpPkeyPtr key(EVP_EC_gen("P-256"));
    if (!key)
        return openSslError("cannot generate an EC P-256 key");
    return key;
}

Result<X509Ptr> X509Util::newCertificate(EVP_PKEY *publicKey, TimePoint notBefore, TimePoint notAfter)
{
    X509Ptr cert(X509_new());
    if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1)
        return openSslError("cannot create a certificate");

    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1)
        return openSslError("cannot draw a random serial number");
    serial[0] &= 0x7f; // DER INTEGER must stay positive
    serial[0] |= 0x40; // and keep all 16 bytes significant (never zero)
    BignumPtr bn(BN_bin2bn(serial, sizeof serial, nullptr));
    if (!bn || BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get())) == nullptr)
        return openSslError("cannot set the serial number");

    const std::time_t from = std::chrono::system_clock::to_time_t(notBefore);
    const std::time_t until = std::chrono::system_clock::to_time_t(notAfter);
    if (ASN1_TIME_set(X509_getm_notBefore(cert.get()), from) == nullptr
        || ASN1_TIME_set(X509_getm_notAfter(cert.get()), until) == nullptr)
        return openSslError("cannot set the validity period");
    if (X509_set_pubkey(cert.get(), publicKey) != 1)
        return openSslError("cannot set the public key");
    return cert;
}

Result<void> X509Util::setCommonName(X509_NAME *name, const std::string &organization, const std::string &commonName)
{
    auto add = [name](const char *field, const std::string &value) {
        return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                          reinterpret_cast<const unsigned char *>(value.c_str()),
                                          static_cast<int>(value.size()), -1, 0)
            == 1;
    };
    if (!organization.empty() && !add("O", organization))
        return openSslError("cannot set the organization name");
    if (!commonName.empty() && !add("CN", commonName))
        return openSslError("cannot set the common name");
    return {};
}

Result<void> X509Util::addExtension(X509 *subject, X509 *issuer, int nid, const std::string &value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, subject, nullptr, nullptr, 0);
    X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
    if (!ext || X509_add_ext(subject, ext.get(), -1) != 1)
        return openSslError(std::string("cannot add extension ") + OBJ_nid2sn(nid) + " = " + value);
    return {};
}

Result<void> X509Util::addSubjectAltName(X509 *cert, const std::string &host, bool isIp)
{
    GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
    GENERAL_NAME *name = GENERAL_NAME_new();
    if (!names || name == nullptr)
        return openSslError("cannot allocate subjectAltName");
    if (isIp) {
        ASN1_OCTET_STRING *ip = a2i_IPADDRESS(host.c_str());
        if (ip == nullptr) {
            GENERAL_NAME_free(name);
            return openSslError("cannot encode IP address '" + host + "'");
        }
        GENERAL_NAME_set0_value(name, GEN_IPADD, ip);
    } else {
        ASN1_IA5STRING *dns = ASN1_IA5STRING_new();
        if (dns == nullptr || ASN1_STRING_set(dns, host.data(), static_cast<int>(host.size())) != 1) {
            ASN1_IA5STRING_free(dns);
            GENERAL_NAME_free(name);
            return openSslError("cannot encode DNS name '" + host + "'");
        }
        GENERAL_NAME_set0_value(name, GEN_DNS, dns);
    }
    if (sk_GENERAL_NAME_push(names.get(), name) == 0) {
        GENERAL_NAME_free(name);
        return openSslError("cannot build subjectAltName");
    }
    if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1)
        return openSslError("cannot add subjectAltName");
    return {};
}

Result<std::string> X509Util::privateKeyToPem(EVP_PKEY *key)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return openSslError("cannot encode the private key");
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

Result<std::string> X509Util::certificateToPem(X509 *cert)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1)
        return openSslError("cannot encode the certificate");
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

Result<EvpPkeyPtr> X509Util::privateKeyFromPem(const std::string &pem)
{
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    // An empty passphrase callback result makes an encrypted key fail
    // instead of prompting on the terminal.
    auto noPassphrase = [](char *, int, int, void *) { return 0; };
    EvpPkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, noPassphrase, nullptr) : nullptr);
    if (!key)
        return openSslError("not a PEM private key");
    return key;
}

Result<X509Ptr> X509Util::certificateFromPem(const std::string &pem)
{
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!cert)
        return openSslError("not a PEM certificate");
    return cert;
}

X509Util::TimePoint X509Util::notBefore(const X509 *cert)
{
    return fromAsn1Time(X509_get0_notBefore(cert));
}

X509Util::TimePoint X509Util::notAfter(const X509 *cert)
{
    return fromAsn1Time(X509_get0_notAfter(cert));
}

std::vector<std::string> X509Util::subjectAltNames(X509 *cert)
{
    std::vector<std::string> out;
    GeneralNamesPtr names(static_cast<GENERAL_NAMES *>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
    if (!names)
        return out;
    for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
        const GENERAL_NAME *name = sk_GENERAL_NAME_value(names.get(), i);
        int type = 0;
        const void *value = GENERAL_NAME_get0_value(name, &type);
        const auto *str = static_cast<const ASN1_STRING *>(value);
        const unsigned char *bytes = ASN1_STRING_get0_data(str);
        const int length = ASN1_STRING_length(str);
        if (type == GEN_DNS) {
            out.emplace_back(reinterpret_cast<const char *>(bytes), static_cast<std::size_t>(length));
        } else if (type == GEN_IPADD && (length == 4 || length == 16)) {
            char text[INET6_ADDRSTRLEN] = {};
            if (inet_ntop(length == 4 ? AF_INET : AF_INET6, bytes, text, sizeof text) != nullptr)
                out.emplace_back(text);
        }
    }
    return out;
}

bool X509Util::isSignedBy(X509 *cert, X509 *issuer)
{
    if (X509_check_issued(issuer, cert) != X509_V_OK)
        return false;
    EVP_PKEY *issuerKey = X509_get0_pubkey(issuer);
    const bool ok = issuerKey != nullptr && X509_verify(cert, issuerKey) == 1;
    ERR_clear_error();
    return ok;
}

} // namespace switchyard
