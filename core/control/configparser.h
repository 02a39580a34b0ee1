// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/diagnostic.h"

#include "common/yamldocument.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchyard {

// The YAML layer of the config loader: text in, a YamlNode tree plus the
// problems YAML itself has (tab indentation, syntax errors, several
// documents, duplicate keys, keys that are not names) out. Keeps the text so later steps can cut a
// node's own source text out of it.
class ConfigParser
{
public:
    explicit ConfigParser(std::string text);
    // m_lines points into m_text.
    ConfigParser(const ConfigParser &) = delete;
    ConfigParser &operator=(const ConfigParser &) = delete;

    // Beyond this the tree is not a config file.
    static constexpr int MaxDepth = 256;
    static constexpr int MaxNodes = 200000;

    // Parses the one document of the text and reports every YAML-level
    // problem. Returns nullptr when there is no usable tree (syntax error,
    // tab indentation); a Null node for an empty file. Duplicate keys do not
    // stop parsing: the first occurrence is the one the tree holds. The tree
    // lives as long as the parser.
    const YamlNode *parse(DiagnosticList &diagnostics);

    // The file's own text of a block mapping or list, dedented to the node's
    // column, so that line L / column C of the result is line
    // mark.line + L - 1 / column C + mark.column - 1 of the file. Comment
    // lines left of the node become empty lines. nullopt for flow nodes or
    // when the cut-out text would not load as the same kind of node.
    std::optional<std::string> blockText(const YamlNode &node) const;

    // Where the `-` of an empty list item is. libyaml marks an empty node
    // after it; unknown when the dash cannot be found.
    SourcePosition emptyItemPosition(const YamlNode &node) const;

    // The options config text is parsed with.
    static YamlDocument::Options yamlOptions();

private:
    void checkKeys(const YamlNode &node, const std::string &path, DiagnosticList &diagnostics);

    std::string m_text;
    std::vector<std::string_view> m_lines;
    std::optional<YamlDocument> m_document;
    std::vector<std::pair<int, int>> m_reportedKeys;
};

} // namespace switchyard
