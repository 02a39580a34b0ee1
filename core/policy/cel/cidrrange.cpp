// SPDX-License-Identifier: Apache-2.0
#include "policy/cel/cidrrange.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace switchyard::cel {

std::optional<IpAddress> IpAddress::parse(std::string_view text)
{
    if (text.empty() || text.size() > 45)
        return std::nullopt;
    char buf[64];
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = '\0';
    IpAddress a;
    if (text.find(':') == std::string_view::npos) {
        if (inet_pton(AF_INET, buf, a.bytes.data()) != 1)
            return std::nullopt;
        a.bits = 32;
        return a;
    }
    if (inet_pton(AF_INET6, buf, a.bytes.data()) != 1)
        return std::nullopt;
    a.bits = 128;
    // An IPv4-mapped IPv6 address matches IPv4 ranges.
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(a.bytes.data(), mapped, 12) == 0) {
        std::memmove(a.bytes.data(), a.bytes.data() + 12, 4);
        std::memset(a.bytes.data() + 4, 0, 12);
        a.bits = 32;
    }
    return a;
}

std::optional<CidrRange> CidrRange::parse(std::string_view text)
{
    const std::size_t slash = text.find('/');
    auto addr = IpAddress::parse(text.substr(0, slash));
    if (!addr)
        return std::nullopt;
    CidrRange r;
    r.m_base = *addr;
    r.m_prefix = addr->bits;
    if (slash != std::string_view::npos) {
        const std::string_view p = text.substr(slash + 1);
        auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), r.m_prefix);
        if (ec != std::errc() || end != p.data() + p.size() || p.empty() || r.m_prefix < 0
            || r.m_prefix > addr->bits)
            return std::nullopt;
    }
    return r;
}

bool CidrRange::contains(const IpAddress &ip) const
{
    if (ip.bits != m_base.bits)
        return false;
    const auto whole = static_cast<std::size_t>(m_prefix / 8);
    if (std::memcmp(ip.bytes.data(), m_base.bytes.data(), whole) != 0)
        return false;
    if (const int rest = m_prefix % 8) {
        const auto mask = static_cast<unsigned char>(0xFF << (8 - rest));
        if ((ip.bytes[whole] & mask) != (m_base.bytes[whole] & mask))
            return false;
    }
    return true;
}

} // namespace switchyard::cel
