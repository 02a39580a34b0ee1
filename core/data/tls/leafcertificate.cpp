// SPDX-License-Identifier: Apache-2.0
#include "data/tls/leafcertificate.h"

#include "data/tls/opensslptr.h"
#include "data/tls/x509util.h"

namespace switchyard {

LeafCertificate::LeafCertificate(std::string hostname, x509_st *certificate, evp_pkey_st *privateKey)
    : m_hostname(std::move(hostname)),
      m_certificate(certificate),
      m_privateKey(privateKey),
      m_notBefore(X509Util::notBefore(certificate)),
      m_notAfter(X509Util::notAfter(certificate))
{
}

LeafCertificate::~LeafCertificate()
{
    X509_free(m_certificate);
    EVP_PKEY_free(m_privateKey);
}

std::string LeafCertificate::certificatePem() const
{
    auto pem = X509Util::certificateToPem(m_certificate);
    return pem ? std::move(*pem) : std::string();
}

std::string LeafCertificate::bundlePem() const
{
    auto key = X509Util::privateKeyToPem(m_privateKey);
    if (!key)
        return {};
    return *key + certificatePem();
}

} // namespace switchyard
