// SPDX-License-Identifier: Apache-2.0
#pragma once

// The compiled, evaluable form of a CEL expression: a tree of nodes with
// identifiers resolved to slots and functions resolved to implementations.
// Internal to the engine; Program is the public face.

#include "policy/cel/activation.h"
#include "policy/cel/ast.h"
#include "policy/cel/cidrrange.h"
#include "policy/cel/functionregistry.h"
#include "policy/cel/regex.h"

#include <memory>
#include <string>
#include <vector>

namespace switchyard::cel {

class Node
{
public:
    virtual ~Node() = default;
    virtual Value eval(const Activation &act, EvalContext &ctx) const = 0;
    // Like eval(), but may return a reference to a value that already exists
    // (a constant, a variable, an entry of a map it holds) instead of a copy,
    // which saves reference-count traffic on the hot path. Otherwise the
    // result is stored in `tmp`, which must outlive the reference.
    virtual const Value &evalRef(const Activation &act, EvalContext &ctx, Value &tmp) const
    {
        tmp = eval(act, ctx);
        return tmp;
    }
    // Byte offset of the sub-expression in the source, stamped on the
    // run-time errors this node raises.
    void setOffset(int offset) { m_offset = offset; }

protected:
    // Out of line and cold: only failing evaluations get here.
    Value located(Value error) const;
    int m_offset = 0;
};
using NodePtr = std::unique_ptr<Node>;

class ConstNode : public Node
{
public:
    explicit ConstNode(Value v) : m_value(std::move(v)) {}
    Value eval(const Activation &, EvalContext &) const override { return m_value; }
    const Value &evalRef(const Activation &, EvalContext &, Value &) const override { return m_value; }
    const Value &value() const { return m_value; }

private:
    Value m_value;
};

class VariableNode : public Node
{
public:
    VariableNode(int slot, std::string name) : m_slot(slot), m_name(std::move(name)) {}
    Value eval(const Activation &act, EvalContext &ctx) const override;
    const Value &evalRef(const Activation &act, EvalContext &ctx, Value &tmp) const override;

private:
    int m_slot;
    std::string m_name;
};

class LocalNode : public Node
{
public:
    explicit LocalNode(std::size_t index) : m_index(index) {}
    Value eval(const Activation &, EvalContext &ctx) const override { return ctx.locals[m_index]; }
    const Value &evalRef(const Activation &, EvalContext &ctx, Value &) const override { return ctx.locals[m_index]; }

private:
    std::size_t m_index;
};

class SelectNode : public Node
{
public:
    SelectNode(NodePtr operand, std::string field, bool testOnly)
        : m_operand(std::move(operand)), m_field(std::move(field)), m_testOnly(testOnly) {}
    Value eval(const Activation &act, EvalContext &ctx) const override;
    const Value &evalRef(const Activation &act, EvalContext &ctx, Value &tmp) const override;

private:
    NodePtr m_operand;
    std::string m_field;
    bool m_testOnly;
};

class CallNode : public Node
{
public:
    CallNode(const FunctionInfo *fn, std::vector<NodePtr> args) : m_fn(fn), m_args(std::move(args)) {}
    Value eval(const Activation &act, EvalContext &ctx) const override;

private:
    const FunctionInfo *m_fn;
    std::vector<NodePtr> m_args;
};

// ==, != and the string predicates (startsWith, endsWith, contains): the
// most common policy operations, evaluated without copying their operands.
class BinaryPredicateNode : public Node
{
public:
    enum class Op { Equal, NotEqual, StartsWith, EndsWith, Contains };
    BinaryPredicateNode(Op op, const FunctionInfo *fn, NodePtr a, NodePtr b)
        : m_op(op), m_fn(fn), m_a(std::move(a)), m_b(std::move(b)) {}
    Value eval(const Activation &act, EvalContext &ctx) const override;

private:
    Op m_op;
    const FunctionInfo *m_fn;
    NodePtr m_a, m_b;
};

// inCidrRange / inCidrRanges with constant ranges, parsed once at compile
// time (invalid ones dropped, as the functions ignore them).
class CidrMatchNode : public Node
{
public:
    CidrMatchNode(const FunctionInfo *fn, NodePtr ip, std::vector<CidrRange> ranges)
        : m_fn(fn), m_ip(std::move(ip)), m_ranges(std::move(ranges)) {}
    Value eval(const Activation &act, EvalContext &ctx) const override;

private:
    const FunctionInfo *m_fn;
    NodePtr m_ip;
    std::vector<CidrRange> m_ranges;
};

class MatchesNode : public Node
{
public:
    MatchesNode(NodePtr text, std::unique_ptr<Regex> re) : m_text(std::move(text)), m_re(std::move(re)) {}
    Value eval(const Activation &act, EvalContext &ctx) const override;

private:
    NodePtr m_text;
    std::unique_ptr<Regex> m_re;
};

class LogicNode : public Node
{
public:
    LogicNode(bool isAnd, NodePtr a, NodePtr b) : m_isAnd(isAnd), m_a(std::move(a)), m_b(std::move(b)) {}
    Value eval(const Activation &act, EvalContext &ctx) const override;

private:
    bool m_isAnd;
    NodePtr m_a, m_b;
};

class TernaryNode : public Node
{
public:
    TernaryNode(NodePtr c, NodePtr a, NodePtr b) : m_cond(std::move(c)), m_a(std::move(a)), m_b(std::move(b)) {}
    Value eval(const Activation &act, EvalContext &ctx) const override;

private:
    NodePtr m_cond, m_a, m_b;
};

class IndexNode : public Node
{
public:
    IndexNode(NodePtr operand, NodePtr index) : m_operand(std::move(operand)), m_index(std::move(index)) {}
    Value eval(const Activation &act, EvalContext &ctx) const override;
    const Value &evalRef(const Activation &act, EvalContext &ctx, Value &tmp) const override;

private:
    NodePtr m_operand, m_index;
};

class InNode : public Node
{
public:
    InNode(NodePtr element, NodePtr container) : m_element(std::move(element)), m_container(std::move(container)) {}
    Value eval(const Activation &act, EvalContext &ctx) const override;

private:
    NodePtr m_element, m_container;
};

class ListNode : public Node
{
public:
    explicit ListNode(std::vector<NodePtr> elements) : m_elements(std::move(elements)) {}
    Value eval(const Activation &act, EvalContext &ctx) const override;

private:
    std::vector<NodePtr> m_elements;
};

class MapNode : public Node
{
public:
    explicit MapNode(std::vector<NodePtr> keysAndValues) : m_items(std::move(keysAndValues)) {}
    Value eval(const Activation &act, EvalContext &ctx) const override;

private:
    std::vector<NodePtr> m_items;
};

class ComprehensionNode : public Node
{
public:
    ComprehensionNode(MacroKind macro, std::size_t local, NodePtr range, NodePtr first, NodePtr second)
        : m_macro(macro), m_local(local), m_range(std::move(range)), m_first(std::move(first)),
          m_second(std::move(second)) {}
    Value eval(const Activation &act, EvalContext &ctx) const override;

private:
    MacroKind m_macro;
    std::size_t m_local;
    NodePtr m_range, m_first, m_second;
};

} // namespace switchyard::cel
