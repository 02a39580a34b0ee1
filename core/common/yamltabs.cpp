// SPDX-License-Identifier: Apache-2.0
#include "common/yamltabs.h"

#include <regex>

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
bool startsBlockScalar(std::string_view line)
{
    static const std::regex header(R"((^|[\s:-])[|>][0-9+-]{0,2}[ \t]*(#.*)?\r?$)");
    return std::regex_search(line.begin(), line.end(), header);
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

std::optional<YamlTabs::Position> YamlTabs::findStrayComma(std::string_view text)
{
    int flowDepth = 0;
    char quote = 0;
    int blockParentIndent = -1; // >= 0 inside a block scalar
    int lineNo = 0;
    for (std::size_t start = 0; start <= text.size(); ++lineNo) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos)
            end = text.size();
        std::string_view line = text.substr(start, end - start);
        if (start == 0 && line.starts_with("\xEF\xBB\xBF"))
            line.remove_prefix(3); // a byte order mark is not content
        const int bom = static_cast<int>(end - start - line.size());
        start = end + 1;

        if (blockParentIndent >= 0 && quote == 0 && flowDepth == 0) {
            if (isBlank(line) || leadingSpaces(line) > static_cast<std::size_t>(blockParentIndent))
                continue;
            blockParentIndent = -1;
        }
        // At the start of a line in block context, skip node properties
        // (tags and anchors); a comma then opens the node.
        std::size_t i = line.find_first_not_of(" \t");
        if (quote == 0 && flowDepth == 0 && i != std::string_view::npos) {
            while (i < line.size() && (line[i] == '!' || line[i] == '&')) {
                // A tag or anchor ends at a blank or a flow indicator, as in
                // yaml-cpp's scanner ("!," is the tag "!" and then a comma).
                const std::size_t next = line.find_first_of(" \t,[]{}", i + 1);
                i = next == std::string_view::npos ? line.size() : next;
                while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
                    ++i;
            }
            if (i < line.size() && line[i] == ',')
                return Position{lineNo, static_cast<int>(i) + bom};
        }
        // Track quotes and flow brackets through the line. A comma right
        // after a top-level flow collection closes ("{a: 1}, b") also hangs
        // yaml-cpp 0.7.
        bool justClosedTopLevel = false; // only within this line
        for (std::size_t k = 0; k < line.size(); ++k) {
            const char c = line[k];
            if (!quote && justClosedTopLevel && c == ',')
                return Position{lineNo, static_cast<int>(k) + bom};
            if (c != ' ' && c != '\t')
                justClosedTopLevel = false;
            if (quote) {
                if (quote == '"' && c == '\\')
                    ++k;
                else if (c == quote) {
                    if (quote == '\'' && k + 1 < line.size() && line[k + 1] == '\'')
                        ++k; // '' is an escaped quote
                    else {
                        quote = 0;
                        // So does a comma right after a quoted scalar in block context.
                        justClosedTopLevel = flowDepth == 0;
                    }
                }
                continue;
            }
            if (c == '#' && (k == 0 || line[k - 1] == ' ' || line[k - 1] == '\t'))
                break;
            // Quotes open a scalar only where a token starts.
            if ((c == '"' || c == '\'') && (k == 0 || std::string_view(" \t[{,:-").find(line[k - 1]) != std::string_view::npos))
                quote = c;
            else if (c == '[' || c == '{')
                ++flowDepth;
            else if ((c == ']' || c == '}') && flowDepth > 0)
                justClosedTopLevel = --flowDepth == 0;
        }
        if (quote == 0 && flowDepth == 0 && startsBlockScalar(line))
            blockParentIndent = static_cast<int>(leadingSpaces(line));
    }
    return std::nullopt;
}

} // namespace switchyard
