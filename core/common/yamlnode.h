// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/diagnostic.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace switchyard {

// One node of a parsed YAML document (YamlDocument builds them). Immutable
// once built. Aliases are already expanded into copies of their anchored
// node, so a tree is plain data with no sharing. Every node knows where it
// starts and ends in the parsed text.
class YamlNode
{
public:
    enum class Kind { Null, Scalar, Sequence, Mapping };
    // Scalars: Plain, SingleQuoted, DoubleQuoted, Literal, Folded.
    // Collections: Block or Flow.
    enum class Style { Plain, SingleQuoted, DoubleQuoted, Literal, Folded, Block, Flow };

    // 1-based line and column (columns count bytes, as SourcePosition does)
    // plus the 0-based byte offset in the text; offset -1 = unknown.
    struct Mark
    {
        int line = 0;
        int column = 0;
        int offset = -1;

        bool known() const { return offset >= 0; }
    };

    Kind kind() const { return m_kind; }
    Style style() const { return m_style; }
    bool isNull() const { return m_kind == Kind::Null; }
    bool isScalar() const { return m_kind == Kind::Scalar; }
    bool isSequence() const { return m_kind == Kind::Sequence; }
    bool isMapping() const { return m_kind == Kind::Mapping; }
    bool isQuoted() const { return m_style == Style::SingleQuoted || m_style == Style::DoubleQuoted; }

    // The resolved tag as written ("tag:yaml.org,2002:str" for `!!str`),
    // empty when the node has none.
    const std::string &tag() const { return m_tag; }
    // Decoded text of a scalar; also the text of a Null written as `~` or `null`.
    const std::string &scalar() const { return m_scalar; }

    // First character of the node (its anchor or tag when it has one, the
    // quote of a quoted scalar, the `|` of a block scalar), and just past it.
    const Mark &start() const { return m_start; }
    const Mark &end() const { return m_end; }
    // start() as a diagnostic position; the length covers a one-line scalar.
    SourcePosition position() const;

    // Items of a sequence, or the values of a mapping (keys() holds the
    // matching keys). Empty for scalars and Null.
    std::size_t size() const { return m_children.size(); }
    const std::vector<YamlNode> &items() const { return m_children; }
    const std::vector<YamlNode> &keys() const { return m_keys; }
    const YamlNode &item(std::size_t i) const { return m_children[i]; }
    const YamlNode &key(std::size_t i) const { return m_keys[i]; }
    const YamlNode &value(std::size_t i) const { return m_children[i]; }
    // The value of a mapping's scalar key, or nullptr.
    const YamlNode *find(std::string_view key) const;

    // Nodes in this subtree, this one included, and the bytes of their
    // scalars: what an alias to this node adds to a document.
    int nodeCount() const { return m_nodeCount; }
    std::size_t textBytes() const { return m_textBytes; }

    // The node as one line of flow-style YAML that reads back as the same
    // tree ("{a: [1, 'x y']}"): plain scalars stay plain when that is
    // unambiguous, other strings are double-quoted.
    std::string toFlowText() const;

private:
    friend class YamlTreeBuilder; // builds trees from libyaml's events
    void appendFlowText(std::string &out) const;

    Kind m_kind = Kind::Null;
    Style m_style = Style::Plain;
    std::string m_tag;
    std::string m_scalar;
    Mark m_start;
    Mark m_end;
    std::vector<YamlNode> m_keys;
    std::vector<YamlNode> m_children;
    int m_nodeCount = 1;
    std::size_t m_textBytes = 0;
};

} // namespace switchyard
