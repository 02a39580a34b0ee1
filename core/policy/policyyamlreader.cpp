// SPDX-License-Identifier: Apache-2.0
#include "policy/policyyamlreader.h"

#include "common/utf8.h"
#include "common/yamldocument.h"

#include "policy/jsonsyntaxchecker.h"

namespace switchyard {

namespace {

std::string childPath(const std::string &parent, const std::string &key)
{
    return parent.empty() ? key : parent + "." + key;
}

class Converter
{
public:
    Converter(const PolicySourceMap &source, DiagnosticList &diagnostics) : m_source(source), m_diagnostics(diagnostics) {}

    // YamlDocument has bounded the depth and size of the tree already.
    void convert(const YamlNode &node, PolicyNode &out)
    {
        if (node.start().known() && !out.position.known()) {
            out.position = local(node.start());
            out.offset = node.start().offset;
        }
        switch (node.kind()) {
        case YamlNode::Kind::Null: out.kind = PolicyNode::Kind::Null; return;
        case YamlNode::Kind::Scalar: convertScalar(node, out); return;
        case YamlNode::Kind::Sequence:
            out.kind = PolicyNode::Kind::Sequence;
            for (const YamlNode &item : node.items()) {
                PolicyNode child;
                child.path = out.path + "[" + std::to_string(out.children.size()) + "]";
                // An empty item's mark points past its dash, often at the
                // next line; the list itself is the better place to point at.
                if (item.isNull())
                    child.position = out.position;
                convert(item, child);
                out.children.push_back(std::move(child));
            }
            return;
        case YamlNode::Kind::Mapping: convertMap(node, out); return;
        }
    }

private:
    SourcePosition local(const YamlNode::Mark &mark, int length = 0) const
    {
        return m_source.fromLocal(mark.line - 1, mark.column - 1, length);
    }

    void convertScalar(const YamlNode &node, PolicyNode &out)
    {
        out.kind = PolicyNode::Kind::Scalar;
        out.scalar = node.scalar();
        switch (node.style()) {
        case YamlNode::Style::SingleQuoted: out.style = PolicyNode::ScalarStyle::SingleQuoted; break;
        case YamlNode::Style::DoubleQuoted: out.style = PolicyNode::ScalarStyle::DoubleQuoted; break;
        case YamlNode::Style::Literal: out.style = PolicyNode::ScalarStyle::Literal; break;
        case YamlNode::Style::Folded: out.style = PolicyNode::ScalarStyle::Folded; break;
        default:
            // An explicitly tagged plain scalar (`!!str 200`) is a string.
            out.style = node.tag().empty() ? PolicyNode::ScalarStyle::Plain : PolicyNode::ScalarStyle::DoubleQuoted;
            break;
        }
        if (out.scalar.find('\n') == std::string::npos)
            out.position.length = static_cast<int>(out.scalar.size()) + (node.isQuoted() ? 2 : 0);
    }

    void convertMap(const YamlNode &node, PolicyNode &out)
    {
        out.kind = PolicyNode::Kind::Map;
        for (std::size_t i = 0; i < node.size(); ++i) {
            const YamlNode &key = node.key(i);
            const SourcePosition keyPos = key.start().known() ? local(key.start()) : out.position;
            if (!key.isScalar()) {
                m_diagnostics.error("keys must be plain strings, not " + std::string(key.isMapping() ? "maps" : key.isSequence() ? "lists" : "empty"),
                                    keyPos, out.path);
                continue;
            }
            PolicyNode child;
            child.key = key.scalar();
            child.keyPosition = keyPos;
            child.keyPosition.length = static_cast<int>(child.key.size());
            child.path = childPath(out.path, child.key);
            if (node.value(i).isNull())
                child.position = keyPos; // as for list items: the key, not the next token
            convert(node.value(i), child);
            out.children.push_back(std::move(child));
        }
    }

    const PolicySourceMap &m_source;
    DiagnosticList &m_diagnostics;
};

} // namespace

std::optional<PolicyNode> PolicyYamlReader::read(const PolicySourceMap &source, const std::string &pathPrefix,
                                                 DiagnosticList &diagnostics)
{
    const std::string &text = source.text();
    const bool json = JsonSyntaxChecker::looksLikeJson(text);
    // JSON gets JSON's own terms for its mistakes (YamlDocument refuses
    // bytes that are no text first).
    if (json && text.find('\0') == std::string::npos && !Utf8::firstInvalid(text)) {
        if (auto problem = JsonSyntaxChecker::check(text)) {
            const SourcePosition local = source.localOf(static_cast<int>(problem->offset));
            diagnostics.error("JSON syntax error: " + problem->message, source.fromLocal(local.line, local.column, 1),
                              pathPrefix);
            return std::nullopt;
        }
    }
    YamlDocument::Options options;
    options.subject = "the policy";
    options.severalDocumentsMessage = "a policy is a single YAML document; remove the second document after '---'";
    options.pathPrefix = pathPrefix;
    options.reportTabs = !json;
    options.maxDepth = MaxDepth;
    options.maxNodes = MaxNodes;
    options.maxBytes = MaxBytes;
    options.maxExpandedBytes = 8 * MaxBytes;
    const SourcePosition origin = source.fromLocal(0, 0);
    options.lineOffset = origin.line - 1;
    options.columnOffset = origin.column - 1;
    const YamlDocument document(text, options);
    diagnostics.append(document.diagnostics());
    if (!document.root() || document.hasSeveralDocuments())
        return std::nullopt;

    PolicyNode root;
    root.path = pathPrefix;
    Converter(source, diagnostics).convert(*document.root(), root);
    return root;
}

} // namespace switchyard
