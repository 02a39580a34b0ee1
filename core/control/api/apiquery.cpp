// SPDX-License-Identifier: Apache-2.0
#include "control/api/apiquery.h"

#include <charconv>

namespace switchyard {

namespace {

Result<std::string> decode(std::string_view text, bool plusIsSpace)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '+' && plusIsSpace) {
            out += ' ';
        } else if (c == '%') {
            const std::string_view hex = text.substr(i + 1, 2);
            unsigned value = 0;
            const auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), value, 16);
            // Both characters must be hex digits (from_chars stops at the first that is not).
            if (hex.size() != 2 || ec != std::errc() || end != hex.data() + 2)
                return makeError("malformed percent-escape '" + std::string(text.substr(i, 3)) + "'");
            out += static_cast<char>(value);
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

} // namespace

Result<ApiQuery> ApiQuery::parse(std::string_view query)
{
    ApiQuery result;
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view item = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (item.empty())
            continue;
        const auto eq = item.find('=');
        auto name = decode(item.substr(0, eq), true);
        if (!name)
            return name.error();
        auto value = decode(eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1), true);
        if (!value)
            return value.error();
        result.m_items.emplace_back(std::move(*name), std::move(*value));
    }
    return result;
}

Result<std::string> ApiQuery::decodeSegment(std::string_view segment)
{
    return decode(segment, false);
}

std::string ApiQuery::encode(std::string_view text)
{
    static constexpr std::string_view Hex = "0123456789ABCDEF";
    std::string out;
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                                || c == '-' || c == '.' || c == '_' || c == '~';
        if (unreserved) {
            out += c;
        } else {
            out += '%';
            out += Hex[u >> 4];
            out += Hex[u & 0x0f];
        }
    }
    return out;
}

std::optional<std::string> ApiQuery::value(std::string_view name) const
{
    std::optional<std::string> found;
    for (const auto &[key, value] : m_items)
        if (key == name)
            found = value;
    return found;
}

} // namespace switchyard
