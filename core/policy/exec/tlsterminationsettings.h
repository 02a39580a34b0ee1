// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <vector>

namespace switchyard {

// What a `terminate-tls` action (on_tcp_connect) asks of the engine, its
// CEL values already rendered. The engine builds a server context from it;
// empty certificate fields mean "a leaf from the local CA for the SNI".
struct TlsTerminationSettings
{
    enum class ClientAuth {
        RequireAndVerify, // a client certificate signed by one of mutualTlsCas
        RequireAny,       // any client certificate, not checked
        Request,          // asked for; the handshake goes on without one
    };

    std::string minVersion = "1.2"; // "1.2" | "1.3"
    std::string maxVersion = "1.3";
    std::string serverCertificatePem; // set together with serverPrivateKeyPem
    std::string serverPrivateKeyPem;
    // PEM blocks (several certificates per item allowed). Empty: no client
    // certificate is asked for, whatever the strategy says.
    std::vector<std::string> mutualTlsCas;
    ClientAuth clientAuth = ClientAuth::RequireAndVerify;

    // One string that differs whenever the settings do: the key under which
    // a built server context is cached.
    std::string cacheKey() const
    {
        std::string key = minVersion + '\n' + maxVersion + '\n' + std::to_string(static_cast<int>(clientAuth)) + '\n'
                          + serverCertificatePem + '\0' + serverPrivateKeyPem;
        for (const std::string &ca : mutualTlsCas)
            key += '\0' + ca;
        return key;
    }

    friend bool operator==(const TlsTerminationSettings &, const TlsTerminationSettings &) = default;
};

} // namespace switchyard
