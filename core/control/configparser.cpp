// SPDX-License-Identifier: Apache-2.0
#include "control/configparser.h"

#include "control/configyamlnode.h"

#include <algorithm>

namespace switchyard {

namespace {

bool isBlank(std::string_view line)
{
    return line.find_first_not_of(" \t") == std::string_view::npos;
}

std::size_t leadingSpaces(std::string_view line)
{
    const std::size_t n = line.find_first_not_of(' ');
    return n == std::string_view::npos ? line.size() : n;
}

} // namespace

ConfigParser::ConfigParser(std::string text)
    : m_text(std::move(text))
{
    std::string_view rest = m_text;
    while (!rest.empty()) {
        const std::size_t nl = rest.find('\n');
        std::string_view line = rest.substr(0, nl);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        m_lines.push_back(line);
        if (nl == std::string_view::npos)
            break;
        rest.remove_prefix(nl + 1);
    }
}

YamlDocument::Options ConfigParser::yamlOptions()
{
    YamlDocument::Options options;
    options.subject = "the file";
    options.severalDocumentsMessage = "the config file holds more than one YAML document; keep everything in the first";
    options.maxDepth = MaxDepth;
    options.maxNodes = MaxNodes;
    return options;
}

const YamlNode *ConfigParser::parse(DiagnosticList &diagnostics)
{
    m_document.emplace(m_text, yamlOptions());
    diagnostics.append(m_document->diagnostics());
    // Tabs usually break the structure even where the parser got past them.
    if (!m_document->root() || m_document->hasTabs())
        return nullptr;
    m_reportedKeys.clear();
    checkKeys(*m_document->root(), {}, diagnostics);
    return &*m_document->root();
}

void ConfigParser::checkKeys(const YamlNode &node, const std::string &path, DiagnosticList &diagnostics)
{
    if (node.isSequence()) {
        for (std::size_t i = 0; i < node.size(); ++i)
            checkKeys(node.item(i), path + "[" + std::to_string(i) + "]", diagnostics);
        return;
    }
    if (!node.isMapping())
        return;
    for (std::size_t i = 0; i < node.size(); ++i) {
        const YamlNode &key = node.key(i);
        if (key.isScalar()) {
            checkKeys(node.value(i), joinPath(path, key.scalar()), diagnostics);
            continue;
        }
        // An alias repeats a node; report each problem once.
        const SourcePosition keyPos = key.position();
        const std::pair<int, int> at{keyPos.line, keyPos.column};
        if (keyPos.known() && std::find(m_reportedKeys.begin(), m_reportedKeys.end(), at) != m_reportedKeys.end())
            continue;
        diagnostics.error("a key must be a plain name, not " + describeNode(key), keyPos, path);
        m_reportedKeys.push_back(at);
    }
}

std::optional<std::string> ConfigParser::blockText(const YamlNode &node) const
{
    if (!(node.isMapping() || node.isSequence()) || node.style() != YamlNode::Style::Block)
        return std::nullopt;
    const YamlNode::Mark &mark = node.start();
    if (!mark.known() || static_cast<std::size_t>(mark.line) > m_lines.size())
        return std::nullopt;
    const std::size_t first = static_cast<std::size_t>(mark.line) - 1;
    const std::size_t column = static_cast<std::size_t>(mark.column) - 1;
    const std::string_view firstLine = m_lines[first];
    if (firstLine.size() < column || leadingSpaces(firstLine) < column)
        return std::nullopt;

    std::vector<std::string_view> kept{firstLine.substr(column)};
    for (std::size_t i = first + 1; i < m_lines.size(); ++i) {
        const std::string_view line = m_lines[i];
        const std::size_t indent = leadingSpaces(line);
        if (isBlank(line)) {
            kept.emplace_back();
        } else if (indent >= column) {
            kept.push_back(line.substr(column));
        } else if (line[line.find_first_not_of(" \t")] == '#') {
            kept.emplace_back(); // a comment further left: keep the line count
        } else {
            break;
        }
    }
    // Trailing blank and comment lines belong to whatever follows.
    while (kept.size() > 1) {
        const std::string_view last = kept.back();
        const std::size_t c = last.find_first_not_of(" \t");
        if (c != std::string_view::npos && last[c] != '#')
            break;
        kept.pop_back();
    }

    std::string out;
    for (std::string_view line : kept) {
        out += line;
        out += '\n';
    }
    const YamlDocument reloaded(out, yamlOptions());
    if (!reloaded.root() || reloaded.root()->kind() != node.kind())
        return std::nullopt;
    return out;
}

SourcePosition ConfigParser::emptyItemPosition(const YamlNode &node) const
{
    const YamlNode::Mark &mark = node.start();
    if (!mark.known())
        return {};
    std::size_t line = static_cast<std::size_t>(mark.line) - 1;
    std::size_t column = static_cast<std::size_t>(mark.column) - 1;
    if (line >= m_lines.size()) {
        if (m_lines.empty())
            return {};
        line = m_lines.size() - 1;
        column = m_lines[line].size();
    }
    // Walk back over whitespace and line breaks to the dash.
    for (;;) {
        const std::string_view text = m_lines[line];
        column = std::min(column, text.size());
        while (column > 0 && (text[column - 1] == ' ' || text[column - 1] == '\t'))
            --column;
        if (column > 0) {
            if (text[column - 1] != '-')
                return {};
            return SourcePosition{static_cast<int>(line) + 1, static_cast<int>(column), 1};
        }
        if (line == 0)
            return {};
        --line;
        column = m_lines[line].size();
    }
}

} // namespace switchyard
