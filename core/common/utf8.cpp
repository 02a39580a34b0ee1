// SPDX-License-Identifier: Apache-2.0
#include "common/utf8.h"

namespace switchyard {

std::optional<std::size_t> Utf8::firstInvalid(std::string_view text)
{
    const auto *s = reinterpret_cast<const unsigned char *>(text.data());
    const std::size_t n = text.size();
    std::size_t i = 0;
    auto continuation = [&](std::size_t at) { return at < n && (s[at] & 0xC0) == 0x80; };
    while (i < n) {
        const unsigned char c = s[i];
        if (c < 0x80) {
            ++i;
        } else if (c >= 0xC2 && c <= 0xDF) {
            if (!continuation(i + 1))
                return i;
            i += 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            if (!continuation(i + 1) || !continuation(i + 2))
                return i;
            // E0 needs A0..BF (no overlongs); ED needs 80..9F (no surrogates).
            if ((c == 0xE0 && s[i + 1] < 0xA0) || (c == 0xED && s[i + 1] > 0x9F))
                return i;
            i += 3;
        } else if (c >= 0xF0 && c <= 0xF4) {
            if (!continuation(i + 1) || !continuation(i + 2) || !continuation(i + 3))
                return i;
            // F0 needs 90..BF (no overlongs); F4 needs 80..8F (≤ U+10FFFF).
            if ((c == 0xF0 && s[i + 1] < 0x90) || (c == 0xF4 && s[i + 1] > 0x8F))
                return i;
            i += 4;
        } else {
            return i; // 80..C1 or F5..FF never start a sequence
        }
    }
    return std::nullopt;
}

} // namespace switchyard
