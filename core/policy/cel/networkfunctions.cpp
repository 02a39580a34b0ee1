// SPDX-License-Identifier: Apache-2.0
// inCidrRange / inCidrRanges for IPv4 and IPv6 (ngrok traffic-policy macros).
#include "policy/cel/functionregistry.h"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <cstring>
#include <optional>

namespace switchyard::cel {

namespace {

struct Address
{
    std::array<unsigned char, 16> bytes{};
    int bits = 0; // 32 or 128
};

std::optional<Address> parseAddress(std::string_view text)
{
    if (text.empty() || text.size() > 45)
        return std::nullopt;
    char buf[64];
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = '\0';
    Address a;
    if (text.find(':') == std::string_view::npos) {
        if (inet_pton(AF_INET, buf, a.bytes.data()) != 1)
            return std::nullopt;
        a.bits = 32;
    } else {
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
    }
    return a;
}

// nullopt for an invalid CIDR; a bare address counts as a single-host range.
std::optional<std::pair<Address, int>> parseCidr(std::string_view text)
{
    const std::size_t slash = text.find('/');
    auto addr = parseAddress(text.substr(0, slash));
    if (!addr)
        return std::nullopt;
    int prefix = addr->bits;
    if (slash != std::string_view::npos) {
        const std::string_view p = text.substr(slash + 1);
        auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), prefix);
        if (ec != std::errc() || end != p.data() + p.size() || p.empty() || prefix < 0 || prefix > addr->bits)
            return std::nullopt;
    }
    return std::make_pair(*addr, prefix);
}

bool contains(const Address &ip, const std::pair<Address, int> &cidr)
{
    if (ip.bits != cidr.first.bits)
        return false;
    const int prefix = cidr.second;
    const int whole = prefix / 8;
    if (std::memcmp(ip.bytes.data(), cidr.first.bytes.data(), static_cast<std::size_t>(whole)) != 0)
        return false;
    if (const int rest = prefix % 8) {
        const auto mask = static_cast<unsigned char>(0xFF << (8 - rest));
        if ((ip.bytes[static_cast<std::size_t>(whole)] & mask)
            != (cidr.first.bytes[static_cast<std::size_t>(whole)] & mask))
            return false;
    }
    return true;
}

Value inCidrRange(const Value *a, std::size_t n, EvalContext &)
{
    if (!a[0].isString() || !a[1].isString())
        return noOverload("inCidrRange", a, n);
    const auto ip = parseAddress(a[0].stringValue());
    const auto cidr = parseCidr(a[1].stringValue());
    return Value::boolean(ip && cidr && contains(*ip, *cidr));
}

Value inCidrRanges(const Value *a, std::size_t n, EvalContext &)
{
    if (!a[0].isString() || a[1].kind() != ValueKind::List)
        return noOverload("inCidrRanges", a, n);
    const auto ip = parseAddress(a[0].stringValue());
    if (!ip)
        return Value::boolean(false);
    for (const Value &c : a[1].listValue()) {
        if (!c.isString())
            continue;
        if (const auto cidr = parseCidr(c.stringValue()); cidr && contains(*ip, *cidr))
            return Value::boolean(true);
    }
    return Value::boolean(false);
}

} // namespace

void registerNetworkFunctions(std::vector<FunctionInfo> &out)
{
    out.push_back({"inCidrRange", inCidrRange, 2, 2, false, true, {}});
    out.push_back({"inCidrRanges", inCidrRanges, 2, 2, false, true, {}});
}

} // namespace switchyard::cel
