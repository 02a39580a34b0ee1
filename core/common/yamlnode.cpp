// SPDX-License-Identifier: Apache-2.0
#include "common/yamlnode.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>

namespace switchyard {

namespace {

bool isSafePlainChar(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '/' || c == '+' || c == '-';
}

// Text that reads back as the same plain scalar in flow context.
bool safeAsPlain(const std::string &text)
{
    if (text.empty() || !std::all_of(text.begin(), text.end(), isSafePlainChar))
        return false;
    return text.front() != '-' || text.size() > 1;
}

// A quoted string may be written plain only when plain text would still
// read as a string, not as null, a boolean or a number.
bool readsAsString(const std::string &text)
{
    if (!std::isalpha(static_cast<unsigned char>(text.front())))
        return false;
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    constexpr std::array<std::string_view, 12> Special{"null", "true",  "false", "yes", "no",   "on",
                                                       "off",  "y",     "n",     ".inf", ".nan", "nan"};
    return std::find(Special.begin(), Special.end(), lower) == Special.end();
}

void appendDoubleQuoted(const std::string &text, std::string &out)
{
    out += '"';
    for (const char c : text) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
                char escaped[8];
                std::snprintf(escaped, sizeof escaped, "\\x%02X", static_cast<unsigned char>(c));
                out += escaped;
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

} // namespace

SourcePosition YamlNode::position() const
{
    if (!m_start.known())
        return {};
    SourcePosition pos{m_start.line, m_start.column, 0};
    if (m_kind == Kind::Scalar && m_scalar.find('\n') == std::string::npos)
        pos.length = static_cast<int>(m_scalar.size()) + (isQuoted() ? 2 : 0);
    return pos;
}

const YamlNode *YamlNode::find(std::string_view key) const
{
    for (std::size_t i = 0; i < m_keys.size(); ++i) {
        if (m_keys[i].isScalar() && m_keys[i].m_scalar == key)
            return &m_children[i];
    }
    return nullptr;
}

std::string YamlNode::toFlowText() const
{
    std::string out;
    appendFlowText(out);
    return out;
}

void YamlNode::appendFlowText(std::string &out) const
{
    switch (m_kind) {
    case Kind::Null: out += "null"; return;
    case Kind::Scalar: {
        const bool plain = m_style == Style::Plain && m_tag.empty();
        if (safeAsPlain(m_scalar) && (plain || readsAsString(m_scalar)))
            out += m_scalar;
        else
            appendDoubleQuoted(m_scalar, out);
        return;
    }
    case Kind::Sequence:
        out += '[';
        for (std::size_t i = 0; i < m_children.size(); ++i) {
            if (i > 0)
                out += ", ";
            m_children[i].appendFlowText(out);
        }
        out += ']';
        return;
    case Kind::Mapping:
        out += '{';
        for (std::size_t i = 0; i < m_children.size(); ++i) {
            if (i > 0)
                out += ", ";
            m_keys[i].appendFlowText(out);
            out += ": ";
            m_children[i].appendFlowText(out);
        }
        out += '}';
        return;
    }
}

} // namespace switchyard
