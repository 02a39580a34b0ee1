// SPDX-License-Identifier: Apache-2.0
#include "policy/runtime/base64codec.h"

#include <array>
#include <cstdint>

namespace switchyard {

namespace {

constexpr std::string_view StandardAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view UrlAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

using DecodeTable = std::array<std::int8_t, 256>;

constexpr DecodeTable makeTable(std::string_view alphabet)
{
    DecodeTable table{};
    for (auto &v : table)
        v = -1;
    for (std::size_t i = 0; i < alphabet.size(); ++i)
        table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
    return table;
}

constexpr DecodeTable StandardTable = makeTable(StandardAlphabet);
constexpr DecodeTable UrlTable = makeTable(UrlAlphabet);

std::string encodeWith(std::string_view data, std::string_view alphabet, bool pad)
{
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    std::size_t i = 0;
    auto byte = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(data[k])); };
    for (; i + 2 < data.size(); i += 3) {
        const std::uint32_t n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        out += alphabet[(n >> 6) & 63];
        out += alphabet[n & 63];
    }
    const std::size_t rest = data.size() - i;
    if (rest > 0) {
        std::uint32_t n = byte(i) << 16;
        if (rest == 2)
            n |= byte(i + 1) << 8;
        out += alphabet[(n >> 18) & 63];
        out += alphabet[(n >> 12) & 63];
        if (rest == 2)
            out += alphabet[(n >> 6) & 63];
        if (pad)
            out.append(rest == 2 ? 1 : 2, '=');
    }
    return out;
}

// Decodes unpadded text; a length of 1 mod 4, unknown characters or
// non-zero trailing bits are refused.
std::optional<std::string> decodeWith(std::string_view text, const DecodeTable &table)
{
    if (text.size() % 4 == 1)
        return std::nullopt;
    std::string out;
    out.reserve(text.size() / 4 * 3 + 2);
    std::uint32_t acc = 0;
    int bits = 0;
    for (const char c : text) {
        const int v = table[static_cast<unsigned char>(c)];
        if (v < 0)
            return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xFF);
        }
    }
    if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
        return std::nullopt;
    return out;
}

} // namespace

std::string Base64Codec::encode(std::string_view data)
{
    return encodeWith(data, StandardAlphabet, true);
}

std::string Base64Codec::encodeUrl(std::string_view data)
{
    return encodeWith(data, UrlAlphabet, false);
}

std::optional<std::string> Base64Codec::decode(std::string_view text)
{
    if (text.size() % 4 != 0)
        return std::nullopt;
    std::size_t body = text.size();
    if (body > 0 && text[body - 1] == '=')
        --body;
    if (body > 0 && text[body - 1] == '=')
        --body;
    return decodeWith(text.substr(0, body), StandardTable);
}

std::optional<std::string> Base64Codec::decodeUrl(std::string_view text)
{
    return decodeWith(text, UrlTable);
}

} // namespace switchyard
