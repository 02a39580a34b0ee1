// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string_view>
#include <vector>

namespace switchyard {

// YAML forbids tabs in indentation, and the parser's own message for them
// ("found character that cannot start any token") does not say so. Finds
// each line whose indentation holds a tab, skipping comment lines and the
// text of block scalars (`key: |`), where tabs are content. Positions are 0-based (line, column of the tab).
struct YamlTabs
{
    struct Position
    {
        int line = 0;
        int column = 0;
    };
    static constexpr const char *Message = "tab character in indentation; YAML must be indented with spaces";

    static std::vector<Position> find(std::string_view text);
};

} // namespace switchyard
