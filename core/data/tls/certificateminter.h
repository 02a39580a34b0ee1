// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "data/tls/leafcertificate.h"
#include "data/tls/localca.h"

#include <chrono>
#include <memory>
#include <string>

namespace switchyard {

// Signs server certificates with the local CA. Stateless apart from the CA;
// any thread.
class CertificateMinter
{
public:
    explicit CertificateMinter(LocalCa ca);

    // Mints a fresh EC P-256 leaf for `host`, which must already be
    // canonical (CertificateCache::canonicalHost): SAN DNS:host (or IP:host
    // for an address literal, `*.x` for a wildcard name), keyUsage
    // digitalSignature, extendedKeyUsage serverAuth, authority and subject
    // key identifiers, a random 128-bit serial, valid from now - backdate
    // (clients with a slow clock) to now + lifetime.
    Result<std::shared_ptr<const LeafCertificate>> mint(const std::string &host,
                                                        std::chrono::system_clock::time_point now,
                                                        std::chrono::seconds lifetime,
                                                        std::chrono::seconds backdate) const;

    const LocalCa &ca() const { return m_ca; }

private:
    LocalCa m_ca;
};

} // namespace switchyard
