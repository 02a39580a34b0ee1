// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace switchyard {

// A decoded query string ("a=1&b=x%20y"): '+' is a space, %XX is a byte.
// Parameters keep their order; a name may repeat.
class ApiQuery
{
public:
    // Fails on a malformed escape ("%G1", "%4") with the offending text.
    static Result<ApiQuery> parse(std::string_view query);
    // Percent-decoding alone ('+' stays '+'), as for a path segment.
    static Result<std::string> decodeSegment(std::string_view segment);
    // Escapes everything but RFC 3986 unreserved characters.
    static std::string encode(std::string_view text);

    const std::vector<std::pair<std::string, std::string>> &items() const { return m_items; }
    // The last value given for `name`, if any.
    std::optional<std::string> value(std::string_view name) const;

private:
    std::vector<std::pair<std::string, std::string>> m_items;
};

} // namespace switchyard
