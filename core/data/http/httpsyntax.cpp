// SPDX-License-Identifier: Apache-2.0
#include "data/http/httpsyntax.h"

#include <array>
#include <limits>

namespace switchyard::httpsyntax {

namespace {

constexpr std::array<bool, 256> makeTcharTable()
{
    std::array<bool, 256> table{};
    for (int c = '0'; c <= '9'; ++c)
        table[static_cast<std::size_t>(c)] = true;
    for (int c = 'a'; c <= 'z'; ++c)
        table[static_cast<std::size_t>(c)] = true;
    for (int c = 'A'; c <= 'Z'; ++c)
        table[static_cast<std::size_t>(c)] = true;
    for (char c : std::string_view("!#$%&'*+-.^_`|~"))
        table[static_cast<unsigned char>(c)] = true;
    return table;
}

constexpr std::array<bool, 256> TcharTable = makeTcharTable();

} // namespace

bool isTchar(unsigned char c)
{
    return TcharTable[c];
}

bool isToken(std::string_view s)
{
    if (s.empty())
        return false;
    for (char c : s) {
        if (!TcharTable[static_cast<unsigned char>(c)])
            return false;
    }
    return true;
}

std::string_view trimOws(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

bool parseVersion(std::string_view text, HttpVersion &version, int &status)
{
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (text.size() != 8 || text.substr(0, 5) != "HTTP/" || !digit(text[5]) || text[6] != '.'
        || !digit(text[7])) {
        status = 400;
        return false;
    }
    if (text[5] == '1' && (text[7] == '0' || text[7] == '1')) {
        version = text[7] == '0' ? HttpVersion::Http10 : HttpVersion::Http11;
        return true;
    }
    status = 505;
    return false;
}

std::optional<std::uint64_t> parseContentLength(std::string_view text)
{
    if (text.empty())
        return std::nullopt;
    std::uint64_t value = 0;
    constexpr auto max = std::numeric_limits<std::uint64_t>::max();
    for (char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        const auto d = static_cast<std::uint64_t>(c - '0');
        if (value > (max - d) / 10)
            return std::nullopt;
        value = value * 10 + d;
    }
    return value;
}

} // namespace switchyard::httpsyntax

namespace switchyard::httpsyntax {

TransferEncoding readTransferEncoding(const HttpHeaders &headers)
{
    const auto lines = headers.values("transfer-encoding");
    if (lines.empty())
        return TransferEncoding::Absent;
    if (lines.size() > 1)
        return TransferEncoding::Repeated;
    std::string_view list = lines.front();
    int chunkedCount = 0;
    int otherCount = 0;
    bool lastIsChunked = false;
    bool any = false;
    while (true) {
        const auto comma = list.find(',');
        const std::string_view element = trimOws(list.substr(0, comma));
        if (!element.empty()) {
            any = true;
            const auto semi = element.find(';');
            const std::string_view coding = trimOws(element.substr(0, semi));
            if (!isToken(coding))
                return TransferEncoding::Malformed;
            lastIsChunked = HttpHeaders::equalsIgnoreCase(coding, "chunked");
            if (lastIsChunked) {
                if (semi != std::string_view::npos)
                    return TransferEncoding::Malformed;
                ++chunkedCount;
            } else {
                ++otherCount;
            }
        }
        if (comma == std::string_view::npos)
            break;
        list.remove_prefix(comma + 1);
    }
    if (!any || chunkedCount > 1)
        return TransferEncoding::Malformed;
    if (!lastIsChunked)
        return TransferEncoding::NotFinalChunked;
    return otherCount > 0 ? TransferEncoding::OtherCodings : TransferEncoding::Chunked;
}

ContentLengthState readContentLength(const HttpHeaders &headers, std::uint64_t &value)
{
    const HttpHeaderField *line = nullptr;
    for (const HttpHeaderField &field : headers.fields()) {
        if (field.lowerName != "content-length")
            continue;
        // Identical duplicates are refused too (§11 row 7, nginx's choice):
        // merging them would be one more place where two parsers could differ.
        if (line)
            return ContentLengthState::Repeated;
        line = &field;
    }
    if (!line)
        return ContentLengthState::Absent;
    const auto parsed = parseContentLength(line->value);
    if (!parsed)
        return ContentLengthState::Invalid;
    value = *parsed;
    return ContentLengthState::Valid;
}

} // namespace switchyard::httpsyntax
