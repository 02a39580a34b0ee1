// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "data/tls/certificateminter.h"
#include "data/tls/leafcertificate.h"
#include "data/tls/localca.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace switchyard {

struct CertificateCacheOptions
{
    std::chrono::seconds lifetime = std::chrono::days(30);
    // notBefore lies this far in the past, for clients whose clock is behind.
    std::chrono::seconds backdate = std::chrono::hours(1);
    // Injected for tests of expiry and renewal; system_clock::now when empty.
    std::function<std::chrono::system_clock::time_point()> clock;
    // Keep leaves in DATA_DIR/ca/leaves/ so a restart does not re-mint them.
    bool persist = true;
};

// Leaf certificates by hostname, minted on first request and then served
// from memory (and from disk across restarts).
//
// A leaf is minted for the exact name asked for; SNI never carries a
// wildcard, so a request for `a.foo.internal` gets a certificate for
// `a.foo.internal` even when the endpoint is `*.foo.internal`. That is
// always valid (a `*.foo.internal` certificate would not cover
// `a.b.foo.internal`, and some clients refuse wildcards right under a
// special-use name such as `*.localhost`). A wildcard name passed
// explicitly gets a wildcard leaf.
//
// A leaf is renewed once less than a third of its lifetime remains. Leaves
// on disk (key + certificate, 0600) are reused on first request after a
// restart when they are signed by the current CA, name the host and are not
// due for renewal; anything else there is silently replaced (it is a cache).
//
// Any thread. Minting for one host happens once even when several threads
// ask at the same time; different hosts mint in parallel.
class CertificateCache
{
public:
    using LeafPtr = std::shared_ptr<const LeafCertificate>;

    explicit CertificateCache(LocalCa ca, CertificateCacheOptions options = {});

    // Lower-cases and checks a hostname (RFC 1123 labels, optional leading
    // `*.` wildcard, or an IPv4/IPv6 literal, printed canonically). The
    // result is safe to use as a file name: it contains no '/' and no "..".
    static Result<std::string> canonicalHost(std::string_view host);

    Result<LeafPtr> leafFor(std::string_view hostname);

    // Where the leaf of a canonical host is stored.
    std::string leafPath(const std::string &canonicalHost) const;
    const LocalCa &ca() const { return m_minter.ca(); }
    // How many leaves this cache has minted (not loaded); for tests and stats.
    std::size_t mintCount() const { return m_mintCount.load(); }

private:
    struct Slot
    {
        std::mutex mutex;
        LeafPtr leaf;
        bool diskChecked = false;
    };

    std::shared_ptr<Slot> slotFor(const std::string &host);
    std::chrono::system_clock::time_point now() const;
    bool isFresh(const LeafCertificate &leaf, std::chrono::system_clock::time_point at) const;
    LeafPtr loadFromDisk(const std::string &host, std::chrono::system_clock::time_point at) const;
    void saveToDisk(const LeafCertificate &leaf) const;

    CertificateMinter m_minter;
    CertificateCacheOptions m_options;
    std::string m_leavesDirectory;
    std::mutex m_slotsMutex;
    std::map<std::string, std::shared_ptr<Slot>, std::less<>> m_slots;
    std::atomic<std::size_t> m_mintCount{0};
};

} // namespace switchyard
