// SPDX-License-Identifier: Apache-2.0
// Internal to core/data/tls: certificate building and inspection shared by
// LocalCa and CertificateMinter. Not a public header (names OpenSSL types).
#pragma once

#include "common/result.h"
#include "data/tls/opensslptr.h"

#include <chrono>
#include <string>
#include <vector>

namespace switchyard {

struct X509Util
{
    using TimePoint = std::chrono::system_clock::time_point;

    static Result<EvpPkeyPtr> generateP256Key();
    // A new v3 certificate with a random positive 128-bit serial, the key's
    // public half and the given validity.
    static Result<X509Ptr> newCertificate(EVP_PKEY *publicKey, TimePoint notBefore, TimePoint notAfter);
    static Result<void> setCommonName(X509_NAME *name, const std::string &organization, const std::string &commonName);
    // Adds an extension written in OpenSSL's config syntax
    // ("critical,CA:TRUE,pathlen:0"); issuer may equal subject.
    static Result<void> addExtension(X509 *subject, X509 *issuer, int nid, const std::string &value);
    // subjectAltName with one entry: IP for an IPv4/IPv6 literal, DNS otherwise.
    static Result<void> addSubjectAltName(X509 *cert, const std::string &host, bool isIp);

    static Result<std::string> privateKeyToPem(EVP_PKEY *key);
    static Result<std::string> certificateToPem(X509 *cert);
    static Result<EvpPkeyPtr> privateKeyFromPem(const std::string &pem);
    static Result<X509Ptr> certificateFromPem(const std::string &pem);

    static TimePoint notBefore(const X509 *cert);
    static TimePoint notAfter(const X509 *cert);
    // The DNS and IP (printed canonically) subjectAltName entries.
    static std::vector<std::string> subjectAltNames(X509 *cert);
    // True when `cert` names `issuer` as issuer and carries its valid signature.
    static bool isSignedBy(X509 *cert, X509 *issuer);
};

} // namespace switchyard
