// SPDX-License-Identifier: Apache-2.0
#include "control/configparser.h"

#include "common/utf8.h"
#include "common/yamltabs.h"

#include "control/configyamlnode.h"

#include <algorithm>
#include <cstdio>
#include <map>

namespace switchyard {

namespace {

// Beyond this the tree is not a config file; yaml-cpp itself stops at a
// similar depth with a syntax error.
constexpr int MaxDepth = 256;

bool isBlank(std::string_view line)
{
    return line.find_first_not_of(" \t") == std::string_view::npos;
}

std::size_t leadingSpaces(std::string_view line)
{
    const std::size_t n = line.find_first_not_of(' ');
    return n == std::string_view::npos ? line.size() : n;
}

std::string syntaxMessage(const std::string &yamlMessage)
{
    // yaml-cpp's wording is terse; the position does most of the work.
    return "YAML syntax error: " + yamlMessage;
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

void ConfigParser::checkTabs(DiagnosticList &diagnostics)
{
    for (const YamlTabs::Position &tab : YamlTabs::find(m_text)) {
        const int lineNo = tab.line + 1;
        diagnostics.error(YamlTabs::Message, SourcePosition{lineNo, tab.column + 1, 1});
        if (m_firstTabLine == 0)
            m_firstTabLine = lineNo;
    }
}

std::optional<YAML::Node> ConfigParser::parse(DiagnosticList &diagnostics)
{
    // yaml-cpp 0.7 can loop forever on a NUL byte, and YAML text must be
    // Unicode: refuse such bytes before it sees them.
    const std::size_t nul = m_text.find('\0');
    const std::optional<std::size_t> invalid = Utf8::firstInvalid(m_text);
    if (nul != std::string::npos || invalid) {
        const std::size_t at = std::min(nul, invalid.value_or(std::string::npos));
        const std::size_t lineStart = m_text.rfind('\n', at == 0 ? 0 : at - 1);
        const int line = static_cast<int>(std::count(m_text.begin(), m_text.begin() + static_cast<long>(at), '\n')) + 1;
        const int column = static_cast<int>(at - (lineStart == std::string::npos || at == 0 ? 0 : lineStart + 1)) + 1;
        char byte[8];
        std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(m_text[at]));
        diagnostics.error(at == nul ? std::string("the file contains a NUL byte; is it a binary file?")
                                    : std::string("the file is not valid UTF-8 (byte ") + byte + "); save it as UTF-8",
                          SourcePosition{line, column, 1});
        return std::nullopt;
    }
    if (const auto comma = YamlTabs::findStrayComma(m_text)) {
        diagnostics.error(YamlTabs::StrayCommaMessage, SourcePosition{comma->line + 1, comma->column + 1, 1});
        return std::nullopt;
    }
    checkTabs(diagnostics);

    std::vector<YAML::Node> documents;
    try {
        documents = YAML::LoadAll(m_text);
    } catch (const YAML::Exception &e) {
        const SourcePosition pos =
            e.mark.is_null() ? SourcePosition{} : SourcePosition{e.mark.line + 1, e.mark.column + 1, 0};
        // A tab in the indentation confuses the parser on that line or
        // later; the tab diagnostic already says what to fix.
        if (m_firstTabLine == 0 || (pos.known() && pos.line < m_firstTabLine))
            diagnostics.error(syntaxMessage(e.msg), pos);
        return std::nullopt;
    } catch (const std::exception &e) {
        diagnostics.error(syntaxMessage(e.what()));
        return std::nullopt;
    }
    if (m_firstTabLine != 0)
        return std::nullopt;
    if (documents.empty())
        return YAML::Node();
    if (documents.size() > 1) {
        SourcePosition pos = nodePosition(documents[1]);
        diagnostics.error("the config file holds more than one YAML document; keep everything in the first", pos);
    }
    checkKeys(documents.front(), {}, 0, diagnostics);
    return documents.front();
}

void ConfigParser::checkKeys(const YAML::Node &node, const std::string &path, int depth, DiagnosticList &diagnostics)
{
    if (depth > MaxDepth)
        return;
    if (node.IsSequence()) {
        std::size_t index = 0;
        for (const YAML::Node &item : node)
            checkKeys(item, path + "[" + std::to_string(index++) + "]", depth + 1, diagnostics);
        return;
    }
    if (!node.IsMap())
        return;

    std::map<std::string, SourcePosition> seen;
    for (const auto &item : node) {
        const SourcePosition keyPos = nodePosition(item.first);
        // An alias repeats a node; report each problem once.
        const std::pair<int, int> at{keyPos.line, keyPos.column};
        const bool reported =
            keyPos.known() && std::find(m_reportedKeys.begin(), m_reportedKeys.end(), at) != m_reportedKeys.end();
        if (!item.first.IsScalar()) {
            if (!reported) {
                diagnostics.error("a key must be a plain name, not " + describeNode(item.first), keyPos, path);
                m_reportedKeys.push_back(at);
            }
            continue;
        }
        const std::string &key = item.first.Scalar();
        const std::string childPath = joinPath(path, key);
        auto [it, inserted] = seen.emplace(key, keyPos);
        if (!inserted) {
            if (!reported) {
                diagnostics.error("duplicate key '" + key + "'; it is already set on line " +
                                      std::to_string(it->second.line),
                                  keyPos, childPath);
                m_reportedKeys.push_back(at);
            }
            continue;
        }
        checkKeys(item.second, childPath, depth + 1, diagnostics);
    }
}

std::optional<std::string> ConfigParser::blockText(const YAML::Node &node) const
{
    if (!(node.IsMap() || node.IsSequence()) || node.Style() != YAML::EmitterStyle::Block)
        return std::nullopt;
    const YAML::Mark mark = node.Mark();
    if (mark.is_null() || mark.line < 0 || static_cast<std::size_t>(mark.line) >= m_lines.size())
        return std::nullopt;
    const std::size_t first = static_cast<std::size_t>(mark.line);
    const std::size_t column = static_cast<std::size_t>(mark.column);
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
    try {
        const YAML::Node reloaded = YAML::Load(out);
        if (reloaded.Type() != node.Type())
            return std::nullopt;
    } catch (const YAML::Exception &) {
        return std::nullopt;
    }
    return out;
}

SourcePosition ConfigParser::emptyItemPosition(const YAML::Node &node) const
{
    const YAML::Mark mark = node.Mark();
    if (mark.is_null() || mark.line < 0)
        return {};
    std::size_t line = static_cast<std::size_t>(mark.line);
    std::size_t column = static_cast<std::size_t>(mark.column);
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
