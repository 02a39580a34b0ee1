// SPDX-License-Identifier: Apache-2.0
#include "data/tls/certificateminter.h"

#include "data/tls/opensslptr.h"
#include "data/tls/x509util.h"
#include "model/hostname.h"

namespace switchyard {

CertificateMinter::CertificateMinter(LocalCa ca) : m_ca(std::move(ca)) {}

Result<std::shared_ptr<const LeafCertificate>> CertificateMinter::mint(const std::string &host,
                                                                       std::chrono::system_clock::time_point now,
                                                                       std::chrono::seconds lifetime,
                                                                       std::chrono::seconds backdate) const
{
    auto fail = [&host](const std::string &why) {
        return makeError("cannot mint a certificate for '" + host + "': " + why);
    };
    auto key = X509Util::generateP256Key();
    if (!key)
        return fail(key.message());
    auto cert = X509Util::newCertificate(key->get(), now - backdate, now + lifetime);
    if (!cert)
        return fail(cert.message());
    X509 *x = cert->get();
    X509 *issuer = m_ca.certificateHandle();

    const bool isIp = Hostname::isIpv4Literal(host) || Hostname::isIpv6Literal(host);
    // CN is limited to 64 characters (RFC 5280 ub-common-name); clients
    // match on the SAN anyway, so a longer name simply has no CN.
    const std::string commonName = host.size() <= 64 ? host : std::string();
    if (auto r = X509Util::setCommonName(X509_get_subject_name(x), "Switchyard", commonName); !r)
        return fail(r.message());
    if (X509_set_issuer_name(x, X509_get_subject_name(issuer)) != 1)
        return fail("cannot set the issuer name: " + takeOpenSslErrors());
    if (auto r = X509Util::addSubjectAltName(x, host, isIp); !r)
        return fail(r.message());
    for (const auto &[nid, value] : {std::pair{NID_basic_constraints, "critical,CA:FALSE"},
                                     std::pair{NID_key_usage, "critical,digitalSignature"},
                                     std::pair{NID_ext_key_usage, "serverAuth"},
                                     std::pair{NID_subject_key_identifier, "hash"},
                                     std::pair{NID_authority_key_identifier, "keyid:always"}}) {
        if (auto r = X509Util::addExtension(x, issuer, nid, value); !r)
            return fail(r.message());
    }
    if (X509_sign(x, m_ca.privateKeyHandle(), EVP_sha256()) == 0)
        return fail("signing failed: " + takeOpenSslErrors());
    return std::make_shared<const LeafCertificate>(host, cert->release(), key->release());
}

} // namespace switchyard
