// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/cel/value.h"

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace switchyard {

// One certificate of a TLS connection, as conn.tls.server / conn.tls.client
// show it.
struct TlsCertificateFacts
{
    std::string subject;      // RFC 2253: "CN=alice,O=Example"
    std::string issuer;       // RFC 2253
    std::string serialNumber; // upper-case hex, no separators
    std::string signatureAlgorithm;
    std::vector<std::string> dnsNames;
    std::vector<std::string> ipAddresses;
    std::vector<std::string> emailAddresses;
    std::vector<std::string> uris;
    std::chrono::system_clock::time_point notBefore{};
    std::chrono::system_clock::time_point notAfter{};
    std::string pem; // shown for the client certificate only
};

// What a terminated TLS connection settled in its handshake: the conn.tls.*
// variables (and actions.ngrok.terminate_tls.*). Made once per connection
// by the engine; the certificates are described only when a policy first
// reads conn.tls, and the CEL value is built once and then shared by every
// request of the connection. value() is thread-safe.
class TlsFacts
{
public:
    using CertificateLoader = std::function<std::optional<TlsCertificateFacts>()>;

    std::string version;     // "TLSv1.3", "TLSv1.2" (OpenSSL's and the reference's spelling)
    std::string cipherSuite; // IANA name, e.g. "TLS_AES_128_GCM_SHA256"
    std::string sni;         // lower case, no trailing dot; empty without SNI
    std::string alpn;        // negotiated protocol; empty when none
    bool sessionResumed = false;
    // terminate-tls in on_tcp_connect set up this handshake: the HTTP
    // phases also see these facts as actions.ngrok.terminate_tls.
    bool terminatedByAction = false;
    // Called at most once, on first use; empty or nullopt: no such certificate.
    CertificateLoader serverCertificate;
    CertificateLoader clientCertificate;

    // {version, cipher_suite, sni, negotiated_alpn, ja4_fingerprint (always
    // empty), session_resumed, server?, client?}; `server`/`client` are
    // absent (has() is false) when there is no such certificate.
    const cel::Value &value() const;

    static cel::Value certificateValue(const TlsCertificateFacts &certificate, bool withPem);

private:
    mutable std::once_flag m_once;
    mutable cel::Value m_value;
};

} // namespace switchyard
