// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace switchyard {

// Base16 for signatures and digests: lower-case out, either case in.
class HexCodec
{
public:
    static std::string encode(std::string_view bytes);
    // nullopt for an odd length or a non-hex character.
    static std::optional<std::string> decode(std::string_view text);
    // 0–15, or -1 for a character that is not a hex digit.
    static int digitValue(char c);
};

} // namespace switchyard
