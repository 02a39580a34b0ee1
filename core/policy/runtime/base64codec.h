// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace switchyard {

// Strict Base64 (RFC 4648) for credentials, signatures and tokens: one
// alphabet per call, no whitespace, and non-zero bits left over in the last
// character are refused, so every byte string has exactly one accepted text.
class Base64Codec
{
public:
    // Standard alphabet with '=' padding.
    static std::string encode(std::string_view data);
    // URL-safe alphabet without padding (JWS, RFC 7515 §2).
    static std::string encodeUrl(std::string_view data);

    // Standard alphabet; padding required (RFC 4648 §4).
    static std::optional<std::string> decode(std::string_view text);
    // URL-safe alphabet; padding refused (RFC 7515 base64url).
    static std::optional<std::string> decodeUrl(std::string_view text);
};

} // namespace switchyard
