// SPDX-License-Identifier: Apache-2.0
#include "data/tls/certificatecache.h"

#include "data/tls/opensslptr.h"
#include "data/tls/privatefile.h"
#include "data/tls/x509util.h"
#include "model/hostname.h"

#include <arpa/inet.h>

namespace switchyard {

namespace {

constexpr std::size_t MaxLeafFileBytes = 64 * 1024;

std::string canonicalIp(const std::string &host, int family)
{
    unsigned char binary[16];
    char text[INET6_ADDRSTRLEN] = {};
    if (inet_pton(family, host.c_str(), binary) != 1 || inet_ntop(family, binary, text, sizeof text) == nullptr)
        return {};
    return text;
}

} // namespace

CertificateCache::CertificateCache(LocalCa ca, CertificateCacheOptions options)
    : m_minter(std::move(ca)), m_options(std::move(options))
{
    m_leavesDirectory = m_minter.ca().directory() + "/leaves";
}

Result<std::string> CertificateCache::canonicalHost(std::string_view host)
{
    const std::string lower = Hostname::toLower(host);
    if (lower.find('\0') != std::string::npos)
        return makeError("hostname contains a NUL byte");
    if (Hostname::isIpv4Literal(lower))
        return canonicalIp(lower, AF_INET);
    if (Hostname::isIpv6Literal(lower))
        return canonicalIp(lower, AF_INET6);
    if (auto r = Hostname::validateDnsName(lower, true); !r)
        return makeError("invalid hostname: " + r.message());
    return lower;
}

std::string CertificateCache::leafPath(const std::string &canonicalHost) const
{
    // '_' never occurs in a valid hostname, so "*.x" and a real host cannot
    // map to the same file.
    std::string name = canonicalHost;
    if (!name.empty() && name.front() == '*')
        name.front() = '_';
    return m_leavesDirectory + "/" + name + ".pem";
}

std::chrono::system_clock::time_point CertificateCache::now() const
{
    return m_options.clock ? m_options.clock() : std::chrono::system_clock::now();
}

bool CertificateCache::isFresh(const LeafCertificate &leaf, std::chrono::system_clock::time_point at) const
{
    return leaf.notBefore() <= at && leaf.notAfter() - at >= m_options.lifetime / 3;
}

std::shared_ptr<CertificateCache::Slot> CertificateCache::slotFor(const std::string &host)
{
    std::lock_guard lock(m_slotsMutex);
    auto &slot = m_slots[host];
    if (!slot)
        slot = std::make_shared<Slot>();
    return slot;
}

Result<CertificateCache::LeafPtr> CertificateCache::leafFor(std::string_view hostname)
{
    auto host = canonicalHost(hostname);
    if (!host)
        return host.error();
    const std::shared_ptr<Slot> slot = slotFor(*host);

    // Held while minting: a second thread asking for the same host waits
    // here and then finds the fresh leaf instead of minting its own.
    std::lock_guard lock(slot->mutex);
    const auto at = now();
    if (slot->leaf && isFresh(*slot->leaf, at))
        return slot->leaf;
    if (!slot->diskChecked && m_options.persist) {
        slot->diskChecked = true;
        if (LeafPtr leaf = loadFromDisk(*host, at)) {
            slot->leaf = leaf;
            return leaf;
        }
    }
    auto leaf = m_minter.mint(*host, at, m_options.lifetime, m_options.backdate);
    if (!leaf)
        return leaf.error();
    ++m_mintCount;
    if (m_options.persist)
        saveToDisk(**leaf);
    slot->leaf = *leaf;
    return slot->leaf;
}

CertificateCache::LeafPtr CertificateCache::loadFromDisk(const std::string &host,
                                                         std::chrono::system_clock::time_point at) const
{
    auto file = PrivateFile::read(leafPath(host), MaxLeafFileBytes);
    if (!file)
        return nullptr;
    auto key = X509Util::privateKeyFromPem(file->data);
    auto cert = X509Util::certificateFromPem(file->data);
    ERR_clear_error();
    if (!key || !cert)
        return nullptr;
    if (X509_check_private_key(cert->get(), key->get()) != 1) {
        ERR_clear_error();
        return nullptr;
    }
    if (!X509Util::isSignedBy(cert->get(), ca().certificateHandle()))
        return nullptr;
    if (X509Util::subjectAltNames(cert->get()) != std::vector<std::string>{host})
        return nullptr;
    auto leaf = std::make_shared<const LeafCertificate>(host, cert->release(), key->release());
    return isFresh(*leaf, at) ? leaf : nullptr;
}

void CertificateCache::saveToDisk(const LeafCertificate &leaf) const
{
    // Best effort and without fsync (this runs inside a TLS handshake): a
    // leaf that cannot be stored, or is lost in a crash, is simply minted
    // again.
    if (!PrivateFile::ensureDirectory(m_leavesDirectory, 0700))
        return;
    const std::string bundle = leaf.bundlePem();
    if (!bundle.empty())
        (void)PrivateFile::writeAtomically(leafPath(leaf.hostname()), bundle, 0600, false);
}

} // namespace switchyard
