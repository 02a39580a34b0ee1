// SPDX-License-Identifier: Apache-2.0
#include "policy/policyyamlreader.h"

#include "common/utf8.h"
#include "common/yamltabs.h"

#include "policy/jsonsyntaxchecker.h"

// GCC 12 flags yaml-cpp 0.7's node headers with a false -Wdangling-pointer.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#endif
#include <yaml-cpp/yaml.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include <cstdio>
#include <map>

namespace switchyard {

namespace {

std::string childPath(const std::string &parent, const std::string &key)
{
    return parent.empty() ? key : parent + "." + key;
}

// YAML forbids tabs in indentation, and yaml-cpp's complaint about them
// ("illegal block entry") does not say so. Blank lines may hold tabs.
bool reportTabs(const PolicySourceMap &source, DiagnosticList &diagnostics)
{
    const auto tabs = YamlTabs::find(source.text());
    for (const YamlTabs::Position &tab : tabs)
        diagnostics.error(YamlTabs::Message, source.fromLocal(tab.line, tab.column, 1));
    return !tabs.empty();
}

// yaml-cpp recurses per flow level; refuse absurd nesting before it does.
std::optional<int> tooDeepFlowAt(std::string_view t, int maxDepth)
{
    int depth = 0;
    char quote = 0;
    bool comment = false;
    for (std::size_t i = 0; i < t.size(); ++i) {
        const char c = t[i];
        if (comment) {
            comment = c != '\n';
            continue;
        }
        if (quote) {
            if (c == '\\' && quote == '"')
                ++i;
            else if (c == quote)
                quote = 0;
            continue;
        }
        if (c == '"' || c == '\'')
            quote = c;
        else if (c == '#' && (i == 0 || t[i - 1] == ' ' || t[i - 1] == '\n' || t[i - 1] == '\t'))
            comment = true;
        else if (c == '[' || c == '{') {
            if (++depth > maxDepth)
                return static_cast<int>(i);
        } else if ((c == ']' || c == '}') && depth > 0)
            --depth;
    }
    return std::nullopt;
}

bool onlyCommentsAndSpace(std::string_view t)
{
    bool comment = false;
    for (char c : t) {
        if (comment) {
            comment = c != '\n';
            continue;
        }
        if (c == '#')
            comment = true;
        else if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            return false;
    }
    return true;
}

class Converter
{
public:
    Converter(const PolicySourceMap &source, DiagnosticList &diagnostics) : m_source(source), m_diagnostics(diagnostics) {}

    bool convert(const YAML::Node &node, PolicyNode &out, int depth)
    {
        if (depth > PolicyYamlReader::MaxDepth) {
            m_diagnostics.error("the policy nests more than " + std::to_string(PolicyYamlReader::MaxDepth)
                                    + " levels deep",
                                out.position, out.path);
            return false;
        }
        // Aliases share nodes in yaml-cpp but are copied here, so a few
        // anchors can expand exponentially ("billion laughs").
        if (++m_nodes > PolicyYamlReader::MaxNodes) {
            m_diagnostics.error("the policy has more than " + std::to_string(PolicyYamlReader::MaxNodes)
                                    + " values (are aliases expanding it?)",
                                out.position, out.path);
            return false;
        }
        const YAML::Mark mark = node.Mark();
        if (mark.pos >= 0 && !out.position.known()) {
            out.position = m_source.fromLocal(mark.line, mark.column);
            out.offset = mark.pos;
        }
        switch (node.Type()) {
        case YAML::NodeType::Undefined:
        case YAML::NodeType::Null: out.kind = PolicyNode::Kind::Null; return true;
        case YAML::NodeType::Scalar: convertScalar(node, out); return true;
        case YAML::NodeType::Sequence: {
            out.kind = PolicyNode::Kind::Sequence;
            int index = 0;
            for (const YAML::Node &item : node) {
                PolicyNode child;
                child.path = out.path + "[" + std::to_string(index++) + "]";
                // An empty item's mark points at the next token, often on a
                // later line; the list itself is the better place to point at.
                if (item.IsNull())
                    child.position = out.position;
                if (!convert(item, child, depth + 1))
                    return false;
                out.children.push_back(std::move(child));
            }
            return true;
        }
        case YAML::NodeType::Map: return convertMap(node, out, depth);
        }
        return true;
    }

private:
    void convertScalar(const YAML::Node &node, PolicyNode &out)
    {
        out.kind = PolicyNode::Kind::Scalar;
        out.scalar = node.Scalar();
        if (node.Tag() != "?" && out.offset >= 0 && out.offset < static_cast<int>(m_source.text().size())) {
            switch (m_source.text()[static_cast<std::size_t>(out.offset)]) {
            case '"': out.style = PolicyNode::ScalarStyle::DoubleQuoted; break;
            case '\'': out.style = PolicyNode::ScalarStyle::SingleQuoted; break;
            case '|': out.style = PolicyNode::ScalarStyle::Literal; break;
            case '>': out.style = PolicyNode::ScalarStyle::Folded; break;
            default: out.style = PolicyNode::ScalarStyle::DoubleQuoted; break; // explicitly tagged: a string
            }
        }
        const bool quoted = out.style == PolicyNode::ScalarStyle::DoubleQuoted
                            || out.style == PolicyNode::ScalarStyle::SingleQuoted;
        if (out.scalar.find('\n') == std::string::npos)
            out.position.length = static_cast<int>(out.scalar.size()) + (quoted ? 2 : 0);
    }

    bool convertMap(const YAML::Node &node, PolicyNode &out, int depth)
    {
        out.kind = PolicyNode::Kind::Map;
        // yaml-cpp 0.7 keeps both entries of a duplicated key when iterating.
        std::map<std::string, SourcePosition> seen;
        for (auto it = node.begin(); it != node.end(); ++it) {
            const YAML::Node keyNode = it->first; // a copy: it-> yields a temporary proxy
            const YAML::Mark keyMark = keyNode.Mark();
            const SourcePosition keyPos = m_source.fromLocal(keyMark.line, keyMark.column);
            if (!keyNode.IsScalar()) {
                m_diagnostics.error("keys must be plain strings, not " + std::string(keyNode.IsMap() ? "maps" : keyNode.IsSequence() ? "lists" : "empty"),
                                    keyPos.known() ? keyPos : out.position, out.path);
                continue;
            }
            const std::string key = keyNode.Scalar();
            PolicyNode child;
            child.key = key;
            child.keyPosition = keyPos;
            child.keyPosition.length = static_cast<int>(key.size());
            child.path = childPath(out.path, key);
            const auto [previous, inserted] = seen.emplace(key, keyPos);
            if (!inserted) {
                m_diagnostics.error("duplicate key '" + key + "'; it is already set on line "
                                        + std::to_string(previous->second.line),
                                    child.keyPosition, child.path);
                continue;
            }
            if (it->second.IsNull())
                child.position = keyPos; // as for list items: the key, not the next token
            if (!convert(it->second, child, depth + 1))
                return false;
            out.children.push_back(std::move(child));
        }
        return true;
    }

    const PolicySourceMap &m_source;
    DiagnosticList &m_diagnostics;
    int m_nodes = 0;
};

} // namespace

std::optional<PolicyNode> PolicyYamlReader::read(const PolicySourceMap &source, const std::string &pathPrefix,
                                                 DiagnosticList &diagnostics)
{
    const std::string &text = source.text();
    PolicyNode root;
    root.path = pathPrefix;
    // yaml-cpp 0.7 can loop forever on a NUL byte (found by the fuzzer); no
    // policy text has one.
    if (const std::size_t nul = text.find('\0'); nul != std::string::npos) {
        const SourcePosition local = source.localOf(static_cast<int>(nul));
        diagnostics.error("the policy contains a NUL byte; is it a binary file?",
                          source.fromLocal(local.line, local.column, 1), pathPrefix);
        return std::nullopt;
    }
    // YAML text must be Unicode; yaml-cpp would take invalid bytes silently.
    if (const auto invalid = Utf8::firstInvalid(text)) {
        const SourcePosition local = source.localOf(static_cast<int>(*invalid));
        char byte[8];
        std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[*invalid]));
        diagnostics.error(std::string("the policy is not valid UTF-8 (byte ") + byte + "); save it as UTF-8",
                          source.fromLocal(local.line, local.column, 1), pathPrefix);
        return std::nullopt;
    }
    if (onlyCommentsAndSpace(text))
        return root;

    if (JsonSyntaxChecker::looksLikeJson(text)) {
        if (auto problem = JsonSyntaxChecker::check(text)) {
            const SourcePosition local = source.localOf(static_cast<int>(problem->offset));
            diagnostics.error("JSON syntax error: " + problem->message, source.fromLocal(local.line, local.column, 1),
                              pathPrefix);
            return std::nullopt;
        }
    } else {
        const bool tabs = reportTabs(source, diagnostics);
        if (auto deep = tooDeepFlowAt(text, MaxDepth)) {
            const SourcePosition local = source.localOf(*deep);
            diagnostics.error("the policy nests more than " + std::to_string(MaxDepth) + " levels deep",
                              source.fromLocal(local.line, local.column, 1), pathPrefix);
            return std::nullopt;
        }
        if (tabs) {
            // Tabs usually break the structure: only go on if the YAML still parses.
            try {
                (void)YAML::Load(text);
            } catch (const std::exception &) {
                return std::nullopt;
            }
        }
    }

    if (const auto comma = YamlTabs::findStrayComma(text)) {
        diagnostics.error(YamlTabs::StrayCommaMessage, source.fromLocal(comma->line, comma->column, 1), pathPrefix);
        return std::nullopt;
    }
    std::vector<YAML::Node> documents;
    try {
        documents = YAML::LoadAll(text);
    } catch (const YAML::Exception &e) {
        diagnostics.error("YAML syntax error: " + e.msg, source.fromLocal(e.mark.line, e.mark.column, 1), pathPrefix);
        return std::nullopt;
    } catch (const std::exception &e) {
        diagnostics.error(std::string("cannot read the policy: ") + e.what(), source.fromLocal(0, 0), pathPrefix);
        return std::nullopt;
    }
    if (documents.empty())
        return root;
    if (documents.size() > 1) {
        const YAML::Mark mark = documents[1].Mark();
        diagnostics.error("a policy is a single YAML document; remove the second document after '---'",
                          mark.pos >= 0 ? source.fromLocal(mark.line, mark.column) : source.fromLocal(0, 0), pathPrefix);
        return std::nullopt;
    }
    try {
        Converter converter(source, diagnostics);
        if (!converter.convert(documents.front(), root, 0))
            return std::nullopt;
    } catch (const std::exception &e) {
        diagnostics.error(std::string("cannot read the policy: ") + e.what(), source.fromLocal(0, 0), pathPrefix);
        return std::nullopt;
    }
    return root;
}

} // namespace switchyard
