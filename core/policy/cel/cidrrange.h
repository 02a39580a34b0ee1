// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace switchyard::cel {

// An IPv4 or IPv6 address; IPv4-mapped IPv6 addresses are stored as IPv4.
struct IpAddress
{
    std::array<unsigned char, 16> bytes{};
    int bits = 0; // 32 or 128

    static std::optional<IpAddress> parse(std::string_view text);
};

// A CIDR block ("10.0.0.0/8", "2001:db8::/32"); a bare address is a
// single-host block.
class CidrRange
{
public:
    static std::optional<CidrRange> parse(std::string_view text);
    bool contains(const IpAddress &ip) const;

private:
    IpAddress m_base;
    int m_prefix = 0;
};

} // namespace switchyard::cel
