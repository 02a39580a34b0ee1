// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <string>

struct x509_st;
struct evp_pkey_st;

namespace switchyard {

// A server certificate for one hostname and its private key, as minted by
// CertificateMinter. Immutable; shared between threads and connections via
// std::shared_ptr<const LeafCertificate>.
class LeafCertificate
{
public:
    using TimePoint = std::chrono::system_clock::time_point;

    // Takes ownership of one reference to each handle.
    LeafCertificate(std::string hostname, x509_st *certificate, evp_pkey_st *privateKey);
    ~LeafCertificate();
    LeafCertificate(const LeafCertificate &) = delete;
    LeafCertificate &operator=(const LeafCertificate &) = delete;

    // The canonical hostname the certificate was minted for (its only SAN).
    const std::string &hostname() const { return m_hostname; }
    TimePoint notBefore() const { return m_notBefore; }
    TimePoint notAfter() const { return m_notAfter; }
    std::string certificatePem() const;
    // Key then certificate, as stored in DATA_DIR/ca/leaves/<host>.pem.
    std::string bundlePem() const;

    // Borrowed handles, valid for the lifetime of this object.
    x509_st *certificateHandle() const { return m_certificate; }
    evp_pkey_st *privateKeyHandle() const { return m_privateKey; }

private:
    std::string m_hostname;
    x509_st *m_certificate;
    evp_pkey_st *m_privateKey;
    TimePoint m_notBefore;
    TimePoint m_notAfter;
};

} // namespace switchyard
