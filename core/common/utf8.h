// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string_view>

namespace switchyard {

// Strict UTF-8 validation (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF). YAML text must be Unicode; YamlDocument checks
// its input with this first and says which byte is wrong, in plainer words
// than the parser's own complaint.
struct Utf8
{
    // Byte offset of the first byte that does not start a valid sequence,
    // or nullopt when the whole text is valid.
    static std::optional<std::size_t> firstInvalid(std::string_view text);
};

} // namespace switchyard
