// SPDX-License-Identifier: Apache-2.0
#include "common/yamldocument.h"

#include "common/utf8.h"
#include "common/yamltabs.h"

#include <yaml.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

namespace switchyard {

namespace {

constexpr const char *NullTag = "tag:yaml.org,2002:null";

std::string joinKey(const std::string &parent, const std::string &key)
{
    return parent.empty() ? key : parent + "." + key;
}

bool isNullText(const std::string &text)
{
    return text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL";
}

// libyaml counts marks in characters; diagnostics count bytes. Maps a
// character index to a byte offset, and byte offsets to lines and columns.
class TextIndex
{
public:
    explicit TextIndex(std::string_view text) : m_text(text)
    {
        // libyaml skips a byte order mark before it starts counting.
        if (text.starts_with("\xEF\xBB\xBF"))
            m_base = 3;
        const bool ascii = std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
        if (!ascii) {
            for (std::size_t i = m_base; i < text.size(); ++i) {
                if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80)
                    m_charStarts.push_back(static_cast<int>(i));
            }
            m_charStarts.push_back(static_cast<int>(text.size()));
        }
        m_lineStarts.push_back(0);
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text[i] == '\n')
                m_lineStarts.push_back(static_cast<int>(i) + 1);
        }
    }

    int byteOffset(std::size_t charIndex) const
    {
        if (m_charStarts.empty())
            return static_cast<int>(std::min(m_base + charIndex, m_text.size()));
        return m_charStarts[std::min(charIndex, m_charStarts.size() - 1)];
    }

    YamlNode::Mark markAtByte(int offset) const
    {
        offset = std::clamp(offset, 0, static_cast<int>(m_text.size()));
        const auto next = std::upper_bound(m_lineStarts.begin(), m_lineStarts.end(), offset);
        const int lineStart = *(next - 1);
        return YamlNode::Mark{static_cast<int>(next - m_lineStarts.begin()), offset - lineStart + 1, offset};
    }

    YamlNode::Mark mark(const yaml_mark_t &m) const { return markAtByte(byteOffset(m.index)); }

private:
    std::string_view m_text;
    std::size_t m_base = 0;
    std::vector<int> m_charStarts;
    std::vector<int> m_lineStarts;
};

SourcePosition toPosition(const YamlNode::Mark &mark, int length = 0)
{
    return SourcePosition{mark.line, mark.column, length};
}

std::string syntaxMessage(const yaml_parser_t &parser, const TextIndex &index, int lineOffset)
{
    std::string message = "YAML syntax error: ";
    message += parser.problem ? parser.problem : "cannot parse the text";
    if (parser.context && (parser.error == YAML_SCANNER_ERROR || parser.error == YAML_PARSER_ERROR)) {
        const YamlNode::Mark where = index.mark(parser.context_mark);
        if (where.line != index.mark(parser.problem_mark).line)
            message += std::string(" (") + parser.context + " that starts on line " + std::to_string(where.line + lineOffset) + ")";
    }
    return message;
}

} // namespace

// Turns libyaml's events into a YamlNode tree, one open collection per
// stack frame (no recursion, so deep input cannot exhaust the C++ stack).
class YamlTreeBuilder
{
public:
    YamlTreeBuilder(const TextIndex &index, const YamlDocument::Options &options, DiagnosticList &diagnostics)
        : m_index(index), m_options(options), m_diagnostics(diagnostics)
    {}

    // false: stop parsing (a limit was hit; the reason is reported).
    bool onEvent(const yaml_event_t &event);
    bool done() const { return m_done; }
    bool severalDocuments() const { return m_severalDocuments; }
    std::optional<YamlNode> takeRoot() { return std::move(m_root); }

private:
    struct Frame
    {
        YamlNode node;
        std::string anchor;
        std::string path;
        bool haveKey = false;
        YamlNode key;
        std::unordered_map<std::string, int> keyLines; // scalar key -> line
    };

    bool count(int nodes, std::size_t bytes, const YamlNode::Mark &at);
    bool startCollection(YamlNode::Kind kind, YamlNode::Style style, const char *anchor, const char *tag,
                         const yaml_mark_t &start);
    bool finishCollection(const yaml_mark_t &end);
    bool add(YamlNode node, const std::string &anchor);
    std::string childPath() const;
    void fail(std::string message, const YamlNode::Mark &at)
    {
        m_diagnostics.error(std::move(message), toPosition(at, 1), childPath());
    }

    const TextIndex &m_index;
    const YamlDocument::Options &m_options;
    DiagnosticList &m_diagnostics;
    std::vector<Frame> m_stack;
    std::map<std::string, YamlNode> m_anchors;
    std::optional<YamlNode> m_root;
    int m_documents = 0;
    int m_nodes = 0;
    std::size_t m_bytes = 0;
    bool m_done = false;
    bool m_severalDocuments = false;
};

std::string YamlTreeBuilder::childPath() const
{
    if (m_stack.empty())
        return m_options.pathPrefix;
    const Frame &top = m_stack.back();
    if (top.node.isSequence())
        return top.path + "[" + std::to_string(top.node.size()) + "]";
    if (!top.haveKey)
        return top.path;
    return joinKey(top.path, top.key.isScalar() ? top.key.scalar() : std::string("?"));
}

bool YamlTreeBuilder::count(int nodes, std::size_t bytes, const YamlNode::Mark &at)
{
    m_nodes += nodes;
    m_bytes += bytes;
    if (m_nodes > m_options.maxNodes) {
        fail(m_options.subject + " has more than " + std::to_string(m_options.maxNodes)
                 + " values (are aliases expanding it?)",
             at);
        return false;
    }
    if (m_bytes > m_options.maxExpandedBytes) {
        fail(m_options.subject + " expands to more than " + std::to_string(m_options.maxExpandedBytes)
                 + " bytes of text (are aliases expanding it?)",
             at);
        return false;
    }
    return true;
}

bool YamlTreeBuilder::startCollection(YamlNode::Kind kind, YamlNode::Style style, const char *anchor, const char *tag,
                                      const yaml_mark_t &start)
{
    if (static_cast<int>(m_stack.size()) > m_options.maxDepth) {
        fail(m_options.subject + " nests more than " + std::to_string(m_options.maxDepth) + " levels deep",
             m_index.mark(start));
        return false;
    }
    if (!count(1, 0, m_index.mark(start)))
        return false;
    Frame frame;
    frame.node.m_kind = kind;
    frame.node.m_style = style;
    frame.node.m_tag = tag ? tag : "";
    frame.node.m_start = m_index.mark(start);
    frame.anchor = anchor ? anchor : "";
    frame.path = childPath();
    m_stack.push_back(std::move(frame));
    return true;
}

bool YamlTreeBuilder::finishCollection(const yaml_mark_t &end)
{
    Frame frame = std::move(m_stack.back());
    m_stack.pop_back();
    frame.node.m_end = m_index.mark(end);
    for (const YamlNode &key : frame.node.m_keys) {
        frame.node.m_nodeCount += key.m_nodeCount;
        frame.node.m_textBytes += key.m_textBytes;
    }
    for (const YamlNode &child : frame.node.m_children) {
        frame.node.m_nodeCount += child.m_nodeCount;
        frame.node.m_textBytes += child.m_textBytes;
    }
    return add(std::move(frame.node), frame.anchor);
}

bool YamlTreeBuilder::add(YamlNode node, const std::string &anchor)
{
    if (!anchor.empty()) {
        // The copy kept for aliases counts too: nested anchors would
        // otherwise copy a large subtree once per level.
        if (!count(node.m_nodeCount, node.m_textBytes, node.m_start))
            return false;
        m_anchors.insert_or_assign(anchor, node);
    }
    if (m_stack.empty()) {
        m_root = std::move(node);
        return true;
    }
    Frame &top = m_stack.back();
    if (top.node.isSequence()) {
        top.node.m_children.push_back(std::move(node));
        return true;
    }
    if (!top.haveKey) {
        top.key = std::move(node);
        top.haveKey = true;
        return true;
    }
    top.haveKey = false;
    if (top.key.isScalar()) {
        const auto [previous, inserted] = top.keyLines.emplace(top.key.scalar(), top.key.start().line);
        if (!inserted) {
            m_diagnostics.error("duplicate key '" + top.key.scalar() + "'; it is already set on line "
                                    + std::to_string(previous->second + m_options.lineOffset),
                                top.key.position(), joinKey(top.path, top.key.scalar()));
            return true;
        }
    }
    top.node.m_keys.push_back(std::move(top.key));
    top.node.m_children.push_back(std::move(node));
    return true;
}

bool YamlTreeBuilder::onEvent(const yaml_event_t &event)
{
    switch (event.type) {
    case YAML_STREAM_END_EVENT: m_done = true; return true;
    case YAML_DOCUMENT_START_EVENT: ++m_documents; return true;
    case YAML_STREAM_START_EVENT:
    case YAML_DOCUMENT_END_EVENT:
    case YAML_NO_EVENT: return true;
    default: break;
    }
    if (m_documents > 1) {
        // The root of the second document: say where it starts and stop.
        m_severalDocuments = true;
        m_diagnostics.error(m_options.severalDocumentsMessage, toPosition(m_index.mark(event.start_mark)),
                            m_options.pathPrefix);
        m_done = true;
        return false;
    }
    switch (event.type) {
    case YAML_SCALAR_EVENT: {
        const auto &s = event.data.scalar;
        YamlNode node;
        node.m_scalar.assign(reinterpret_cast<const char *>(s.value), s.length);
        node.m_tag = s.tag ? reinterpret_cast<const char *>(s.tag) : "";
        switch (s.style) {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: node.m_style = YamlNode::Style::SingleQuoted; break;
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: node.m_style = YamlNode::Style::DoubleQuoted; break;
        case YAML_LITERAL_SCALAR_STYLE: node.m_style = YamlNode::Style::Literal; break;
        case YAML_FOLDED_SCALAR_STYLE: node.m_style = YamlNode::Style::Folded; break;
        default: node.m_style = YamlNode::Style::Plain; break;
        }
        const bool plainNull = node.m_tag.empty() && node.m_style == YamlNode::Style::Plain && isNullText(node.m_scalar);
        node.m_kind = plainNull || node.m_tag == NullTag ? YamlNode::Kind::Null : YamlNode::Kind::Scalar;
        node.m_start = m_index.mark(event.start_mark);
        node.m_end = m_index.mark(event.end_mark);
        node.m_textBytes = node.m_scalar.size();
        if (!count(1, node.m_textBytes, node.m_start))
            return false;
        return add(std::move(node), s.anchor ? reinterpret_cast<const char *>(s.anchor) : "");
    }
    case YAML_ALIAS_EVENT: {
        const std::string name = reinterpret_cast<const char *>(event.data.alias.anchor);
        const auto found = m_anchors.find(name);
        if (found == m_anchors.end()) {
            fail("YAML syntax error: alias '*" + name + "' has no anchor '&" + name + "' before it",
                 m_index.mark(event.start_mark));
            return false;
        }
        if (!count(found->second.m_nodeCount, found->second.m_textBytes, m_index.mark(event.start_mark)))
            return false;
        return add(found->second, {});
    }
    case YAML_SEQUENCE_START_EVENT: {
        const auto &s = event.data.sequence_start;
        return startCollection(YamlNode::Kind::Sequence,
                               s.style == YAML_FLOW_SEQUENCE_STYLE ? YamlNode::Style::Flow : YamlNode::Style::Block,
                               reinterpret_cast<const char *>(s.anchor), reinterpret_cast<const char *>(s.tag),
                               event.start_mark);
    }
    case YAML_MAPPING_START_EVENT: {
        const auto &m = event.data.mapping_start;
        return startCollection(YamlNode::Kind::Mapping,
                               m.style == YAML_FLOW_MAPPING_STYLE ? YamlNode::Style::Flow : YamlNode::Style::Block,
                               reinterpret_cast<const char *>(m.anchor), reinterpret_cast<const char *>(m.tag),
                               event.start_mark);
    }
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        if (m_stack.empty())
            return false;
        return finishCollection(event.end_mark);
    default: return true;
    }
}

YamlDocument::YamlDocument(std::string_view text, const Options &options)
{
    DiagnosticList found;
    if (!checkEncoding(text, options, found)) {
        m_diagnostics = relocated(found, options);
        return;
    }
    const int firstTabLine = options.reportTabs ? reportTabs(text, found) : 0;
    m_hasTabs = firstTabLine != 0;

    const TextIndex index(text);
    YamlTreeBuilder builder(index, options, found);
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        found.error("cannot parse " + options.subject + ": out of memory");
        m_diagnostics = relocated(found, options);
        return;
    }
    const std::unique_ptr<yaml_parser_t, void (*)(yaml_parser_t *)> guard(&parser, yaml_parser_delete);
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char *>(text.data()), text.size());
    bool failed = false;
    while (!builder.done()) {
        yaml_event_t event;
        if (!yaml_parser_parse(&parser, &event)) {
            const YamlNode::Mark at = parser.error == YAML_READER_ERROR
                                          ? index.markAtByte(static_cast<int>(parser.problem_offset))
                                          : index.mark(parser.problem_mark);
            // A tab in the indentation confuses the parser on its line or
            // later; the tab diagnostic already says what to fix.
            if (firstTabLine == 0 || at.line < firstTabLine)
                found.error(syntaxMessage(parser, index, options.lineOffset), toPosition(at, 1), options.pathPrefix);
            failed = true;
            break;
        }
        const bool go = builder.onEvent(event);
        yaml_event_delete(&event);
        if (!go) {
            failed = !builder.severalDocuments();
            break;
        }
    }
    m_diagnostics = relocated(found, options);
    m_severalDocuments = builder.severalDocuments();
    if (failed)
        return;
    m_root = builder.takeRoot();
    if (!m_root)
        m_root = YamlNode(); // no document at all: an empty text
}

bool YamlDocument::checkEncoding(std::string_view text, const Options &options, DiagnosticList &diagnostics)
{
    if (text.size() > options.maxBytes) {
        diagnostics.error(options.subject + " is larger than the limit of " + std::to_string(options.maxBytes)
                            + " bytes");
        return false;
    }
    const std::size_t nul = text.find('\0');
    const std::optional<std::size_t> invalid = Utf8::firstInvalid(text);
    if (nul == std::string_view::npos && !invalid)
        return true;
    const std::size_t at = std::min(nul, invalid.value_or(std::string_view::npos));
    SourcePosition pos = positionOf(text, at);
    pos.length = 1;
    if (at == nul) {
        diagnostics.error(options.subject + " contains a NUL byte; is it a binary file?", pos, options.pathPrefix);
    } else {
        char byte[8];
        std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[at]));
        diagnostics.error(options.subject + " is not valid UTF-8 (byte " + byte + "); save it as UTF-8", pos,
                            options.pathPrefix);
    }
    return false;
}

int YamlDocument::reportTabs(std::string_view text, DiagnosticList &diagnostics)
{
    int first = 0;
    for (const YamlTabs::Position &tab : YamlTabs::find(text)) {
        diagnostics.error(YamlTabs::Message, SourcePosition{tab.line + 1, tab.column + 1, 1});
        if (first == 0)
            first = tab.line + 1;
    }
    return first;
}

DiagnosticList YamlDocument::relocated(const DiagnosticList &found, const Options &options)
{
    DiagnosticList out;
    for (Diagnostic d : found) {
        if (d.position.known()) {
            d.position.line += options.lineOffset;
            d.position.column += options.columnOffset;
        }
        out.add(std::move(d));
    }
    return out;
}

SourcePosition YamlDocument::positionOf(std::string_view text, std::size_t offset)
{
    offset = std::min(offset, text.size());
    const std::size_t lineStart = offset == 0 ? std::string_view::npos : text.rfind('\n', offset - 1);
    const int line = static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n')) + 1;
    const std::size_t column = offset - (lineStart == std::string_view::npos ? 0 : lineStart + 1);
    return SourcePosition{line, static_cast<int>(column) + 1, 0};
}

} // namespace switchyard
