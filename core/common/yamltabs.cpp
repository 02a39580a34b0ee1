// SPDX-License-Identifier: Apache-2.0
#include "common/yamltabs.h"


namespace switchyard {

namespace {

std::size_t leadingSpaces(std::string_view line)
{
    const std::size_t n = line.find_first_not_of(' ');
    return n == std::string_view::npos ? line.size() : n;
}

bool isBlank(std::string_view line)
{
    return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

// A line that ends in a block scalar indicator (`key: |`, `- >-`): the lines
// after it that are indented deeper are text.
// Written out rather than as a std::regex: libstdc++'s regex recurses per
// character and overflows the stack on long lines of untrusted input.
bool startsBlockScalar(std::string_view line)
{
    if (line.ends_with('\r'))
        line.remove_suffix(1);
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] != '|' && line[i] != '>')
            continue;
        if (i > 0 && std::string_view(" \t:-").find(line[i - 1]) == std::string_view::npos)
            continue;
        std::size_t j = i + 1;
        for (int n = 0; n < 2 && j < line.size() && std::string_view("0123456789+-").find(line[j]) != std::string_view::npos; ++n)
            ++j;
        while (j < line.size() && (line[j] == ' ' || line[j] == '\t'))
            ++j;
        if (j == line.size() || line[j] == '#')
            return true;
    }
    return false;
}

} // namespace

std::vector<YamlTabs::Position> YamlTabs::find(std::string_view text)
{
    std::vector<Position> found;
    int blockParentIndent = -1; // >= 0 inside a block scalar
    int lineNo = 0;
    for (std::size_t start = 0; start <= text.size(); ++lineNo) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos)
            end = text.size();
        const std::string_view line = text.substr(start, end - start);
        start = end + 1;

        const std::size_t spaces = leadingSpaces(line);
        if (blockParentIndent >= 0) {
            if (isBlank(line) || spaces > static_cast<std::size_t>(blockParentIndent))
                continue;
            blockParentIndent = -1;
        }
        const std::size_t content = line.find_first_not_of(" \t");
        if (content == std::string_view::npos || line[content] == '#' || line[content] == '\r')
            continue;
        if (const std::size_t tab = line.substr(0, content).find('\t'); tab != std::string_view::npos)
            found.push_back({lineNo, static_cast<int>(tab)});
        if (startsBlockScalar(line))
            blockParentIndent = static_cast<int>(spaces);
    }
    return found;
}

} // namespace switchyard
