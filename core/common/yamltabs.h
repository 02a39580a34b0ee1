// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace switchyard {

// YAML forbids tabs in indentation, and yaml-cpp's own message for them is
// confusing or absent. Finds each line whose indentation holds a tab,
// skipping comment lines and the text of block scalars (`key: |`), where
// tabs are content. Positions are 0-based (line, column of the tab).
struct YamlTabs
{
    struct Position
    {
        int line = 0;
        int column = 0;
    };
    static constexpr const char *Message = "tab character in indentation; YAML must be indented with spaces";

    static std::vector<Position> find(std::string_view text);

    // yaml-cpp 0.7 loops forever on a ',' that opens a node in block context
    // (a document that is just ",", "- a\n,", "!tag ,"; found by the policy
    // fuzzer). Such a comma is always a syntax error, so parsers look for it
    // first. Returns the comma's 0-based position, skipping flow collections,
    // quoted strings, comments and block scalar text.
    static std::optional<Position> findStrayComma(std::string_view text);
    static constexpr const char *StrayCommaMessage =
        "YAML syntax error: unexpected ','; a comma only separates items inside [ ] or { }";
};

} // namespace switchyard
