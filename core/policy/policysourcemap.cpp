// SPDX-License-Identifier: Apache-2.0
#include "policy/policysourcemap.h"

#include "policy/policynode.h"

#include <cstdlib>

namespace switchyard {

PolicySourceMap::PolicySourceMap(std::string text, int firstLine, int firstColumn)
    : m_text(std::move(text)), m_firstLine(firstLine < 1 ? 1 : firstLine),
      m_firstColumn(firstColumn < 1 ? 1 : firstColumn)
{
}

SourcePosition PolicySourceMap::fromLocal(int line0, int column0, int length) const
{
    if (line0 < 0 || column0 < 0)
        return {};
    return SourcePosition{m_firstLine + line0, m_firstColumn + column0, length};
}

SourcePosition PolicySourceMap::localOf(int offset) const
{
    int line = 0;
    int column = 0;
    const int end = std::min<int>(offset, static_cast<int>(m_text.size()));
    for (int i = 0; i < end; ++i) {
        if (m_text[static_cast<std::size_t>(i)] == '\n') {
            ++line;
            column = 0;
        } else {
            ++column;
        }
    }
    return SourcePosition{line, column, 0};
}

SourcePosition PolicySourceMap::locate(const PolicyNode &scalar, int column) const
{
    if (scalar.offset < 0 || scalar.offset > static_cast<int>(m_text.size()) || column < 1)
        return scalar.position;
    const int index = column - 1;
    if (scalar.style == PolicyNode::ScalarStyle::Literal || scalar.style == PolicyNode::ScalarStyle::Folded)
        return locateBlock(scalar, index);
    return locateFlow(scalar, index);
}

// Plain and quoted scalars: walk the raw text one decoded character at a
// time. A line break inside the scalar folds (with the next line's leading
// blanks) into one decoded character.
SourcePosition PolicySourceMap::locateFlow(const PolicyNode &scalar, int index) const
{
    const std::string &t = m_text;
    std::size_t p = static_cast<std::size_t>(scalar.offset);
    const bool dq = scalar.style == PolicyNode::ScalarStyle::DoubleQuoted;
    const bool sq = scalar.style == PolicyNode::ScalarStyle::SingleQuoted;
    if (dq || sq)
        ++p;
    // Counts decoded bytes, as expression columns do: an escape such as
    // \u00e9 yields as many bytes as its UTF-8 encoding.
    for (int produced = 0; produced < index && p < t.size();) {
        const char c = t[p];
        if (c == '\n') {
            ++p;
            while (p < t.size() && (t[p] == ' ' || t[p] == '\t'))
                ++p;
            ++produced;
        } else if (dq && c == '\\' && p + 1 < t.size()) {
            const char e = t[p + 1];
            const std::size_t digits = e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 0;
            if (digits > 0) {
                const unsigned long code = std::strtoul(t.substr(p + 2, digits).c_str(), nullptr, 16);
                produced += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
            } else {
                produced += e == 'N' || e == '_' ? 2 : e == 'L' || e == 'P' ? 3 : 1;
            }
            p += 2 + digits;
        } else if (sq && c == '\'' && p + 1 < t.size() && t[p + 1] == '\'') {
            p += 2;
            ++produced;
        } else {
            ++p;
            ++produced;
        }
    }
    const SourcePosition local = localOf(static_cast<int>(std::min(p, t.size())));
    return fromLocal(local.line, local.column, 1);
}

// Block scalars: content starts on the line after the indicator, indented
// by the first non-empty line's indentation; each content line contributes
// its text plus one line-break (or folding space) character.
SourcePosition PolicySourceMap::locateBlock(const PolicyNode &scalar, int index) const
{
    const std::string &t = m_text;
    std::size_t p = t.find('\n', static_cast<std::size_t>(scalar.offset));
    if (p == std::string::npos)
        return scalar.position;
    ++p;
    std::size_t indent = std::string::npos;
    for (std::size_t q = p; q < t.size();) {
        std::size_t end = t.find('\n', q);
        if (end == std::string::npos)
            end = t.size();
        const std::size_t spaces = t.find_first_not_of(' ', q);
        if (spaces != std::string::npos && spaces < end) {
            indent = spaces - q;
            break;
        }
        q = end + 1;
    }
    if (indent == std::string::npos)
        return scalar.position;
    int remaining = index;
    while (p < t.size()) {
        std::size_t end = t.find('\n', p);
        if (end == std::string::npos)
            end = t.size();
        const int lineLength = static_cast<int>(end - p);
        const int contentLength = std::max(0, lineLength - static_cast<int>(indent));
        if (remaining <= contentLength) {
            const SourcePosition local = localOf(static_cast<int>(p));
            return fromLocal(local.line, static_cast<int>(indent) + remaining, 1);
        }
        remaining -= contentLength + 1;
        p = end + 1;
    }
    return scalar.position;
}

} // namespace switchyard
