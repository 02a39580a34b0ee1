// SPDX-License-Identifier: Apache-2.0
#include "policy/cel/evalnodes.h"

#include <cmath>

namespace switchyard::cel {

namespace {

// Up to this many arguments are evaluated into a stack buffer.
constexpr std::size_t kInlineArgs = 4;

Value noSuchKey(const Value &key)
{
    return Value::error("no such key: " + (key.isString() ? std::string(key.stringValue()) : key.debugString()));
}

} // namespace

[[gnu::cold, gnu::noinline]] Value Node::located(Value error) const
{
    error.markErrorOffset(m_offset);
    return error;
}

Value VariableNode::eval(const Activation &act, EvalContext &ctx) const
{
    Value tmp;
    return evalRef(act, ctx, tmp);
}

const Value &VariableNode::evalRef(const Activation &act, EvalContext &, Value &tmp) const
{
    if (const Value *v = act.find(m_slot, m_name))
        return *v;
    tmp = located(Value::error("no value for variable '" + m_name + "'"));
    return tmp;
}

Value SelectNode::eval(const Activation &act, EvalContext &ctx) const
{
    Value tmp;
    return evalRef(act, ctx, tmp);
}

const Value &SelectNode::evalRef(const Activation &act, EvalContext &ctx, Value &tmp) const
{
    Value inner;
    const Value &operand = m_operand->evalRef(act, ctx, inner);
    if (operand.kind() == ValueKind::Map) {
        const Value *v = operand.mapValue().find(std::string_view(m_field));
        if (m_testOnly) {
            tmp = Value::boolean(v != nullptr);
            return tmp;
        }
        if (!v) {
            tmp = located(noSuchKey(Value::string(m_field)));
            return tmp;
        }
        // An entry of a temporary map must be copied out before it dies.
        if (&operand == &inner) {
            tmp = *v;
            return tmp;
        }
        return *v;
    }
    if (operand.isError())
        tmp = operand;
    else
        tmp = located(Value::error("type '" + std::string(operand.typeName()) + "' does not support field selection"));
    return tmp;
}

Value BinaryPredicateNode::eval(const Activation &act, EvalContext &ctx) const
{
    Value ta, tb;
    const Value &a = m_a->evalRef(act, ctx, ta);
    if (a.isError())
        return a;
    const Value &b = m_b->evalRef(act, ctx, tb);
    if (b.isError())
        return b;
    switch (m_op) {
    case Op::Equal: return Value::boolean(valuesEqual(a, b));
    case Op::NotEqual: return Value::boolean(!valuesEqual(a, b));
    default: break;
    }
    if (!a.isString() || !b.isString()) {
        const Value pair[2] = {a, b};
        return located(noOverload(m_fn->name, pair, 2));
    }
    const std::string_view x = a.stringValue(), y = b.stringValue();
    switch (m_op) {
    case Op::StartsWith: return Value::boolean(x.starts_with(y));
    case Op::EndsWith: return Value::boolean(x.ends_with(y));
    default: return Value::boolean(x.find(y) != std::string_view::npos);
    }
}

Value CallNode::eval(const Activation &act, EvalContext &ctx) const
{
    const std::size_t n = m_args.size();
    if (n <= kInlineArgs) {
        Value args[kInlineArgs];
        for (std::size_t i = 0; i < n; ++i) {
            args[i] = m_args[i]->eval(act, ctx);
            if (args[i].isError())
                return args[i];
        }
        Value result = m_fn->impl(args, n, ctx);
        return result.isError() ? located(std::move(result)) : result;
    }
    std::vector<Value> args(n);
    for (std::size_t i = 0; i < n; ++i) {
        args[i] = m_args[i]->eval(act, ctx);
        if (args[i].isError())
            return args[i];
    }
    Value result = m_fn->impl(args.data(), n, ctx);
    return result.isError() ? located(std::move(result)) : result;
}

Value CidrMatchNode::eval(const Activation &act, EvalContext &ctx) const
{
    Value tmp;
    const Value &ip = m_ip->evalRef(act, ctx, tmp);
    if (ip.isError())
        return ip;
    if (!ip.isString())
        return Value::error("no matching overload for '" + std::string(m_fn->name) + "' applied to '("
                            + std::string(ip.typeName()) + ", ...)'");
    const auto address = IpAddress::parse(ip.stringValue());
    if (!address)
        return Value::boolean(false);
    for (const CidrRange &r : m_ranges)
        if (r.contains(*address))
            return Value::boolean(true);
    return Value::boolean(false);
}

Value MatchesNode::eval(const Activation &act, EvalContext &ctx) const
{
    Value tmp;
    const Value &text = m_text->evalRef(act, ctx, tmp);
    if (text.isError())
        return text;
    if (!text.isString())
        return Value::error("no matching overload for 'matches' applied to '(" + std::string(text.typeName())
                            + ", string)'");
    return Value::boolean(m_re->search(text.stringValue()));
}

Value LogicNode::eval(const Activation &act, EvalContext &ctx) const
{
    // Commutative: a decisive operand (false for &&, true for ||) wins over
    // an error or non-bool operand on either side.
    const bool decisive = !m_isAnd;
    Value a = m_a->eval(act, ctx);
    if (a.isBool() && a.boolValue() == decisive)
        return a;
    Value b = m_b->eval(act, ctx);
    if (b.isBool() && b.boolValue() == decisive)
        return b;
    if (a.isBool() && b.isBool())
        return Value::boolean(!decisive);
    if (a.isError())
        return a;
    if (b.isError())
        return b;
    const Value pair[2] = {a, b};
    return noOverload(m_isAnd ? "_&&_" : "_||_", pair, 2);
}

Value TernaryNode::eval(const Activation &act, EvalContext &ctx) const
{
    Value c = m_cond->eval(act, ctx);
    if (c.isBool())
        return c.boolValue() ? m_a->eval(act, ctx) : m_b->eval(act, ctx);
    if (c.isError())
        return c;
    return Value::error("no matching overload for '_?_:_' applied to '(" + std::string(c.typeName()) + ", ...)'");
}

Value IndexNode::eval(const Activation &act, EvalContext &ctx) const
{
    Value tmp;
    return evalRef(act, ctx, tmp);
}

const Value &IndexNode::evalRef(const Activation &act, EvalContext &ctx, Value &tmp) const
{
    Value inner, indexTmp;
    const Value &operand = m_operand->evalRef(act, ctx, inner);
    if (operand.isError())
        return tmp = operand;
    const Value &index = m_index->evalRef(act, ctx, indexTmp);
    if (index.isError())
        return tmp = index;
    if (operand.kind() == ValueKind::Map) {
        const ValueKind k = index.kind();
        if (k != ValueKind::String && k != ValueKind::Int && k != ValueKind::Uint && k != ValueKind::Bool
            && k != ValueKind::Double)
            return tmp = located(Value::error("unsupported map key type '" + std::string(index.typeName()) + "'"));
        const Value *v = operand.mapValue().find(index);
        if (!v)
            return tmp = located(noSuchKey(index));
        return &operand == &inner ? (tmp = *v) : *v;
    }
    if (operand.kind() == ValueKind::List) {
        std::int64_t i;
        switch (index.kind()) {
        case ValueKind::Int: i = index.intValue(); break;
        case ValueKind::Uint:
            i = index.uintValue() > static_cast<std::uint64_t>(INT64_MAX) ? -1
                                                                            : static_cast<std::int64_t>(index.uintValue());
            break;
        case ValueKind::Double: {
            const double d = index.doubleValue();
            if (std::trunc(d) != d || !(d > -9.3e18 && d < 9.3e18))
                return tmp = located(Value::error("invalid list index " + index.debugString()));
            i = static_cast<std::int64_t>(d);
            break;
        }
        default:
            return tmp = located(Value::error("no matching overload for '_[_]' applied to '(list, " + std::string(index.typeName())
                                + ")'"));
        }
        const ListValue &l = operand.listValue();
        if (i < 0 || static_cast<std::uint64_t>(i) >= l.size())
            return tmp = located(Value::error("index out of range: " + std::to_string(i) + " (list size "
                                + std::to_string(l.size()) + ")"));
        const Value &element = l.at(static_cast<std::size_t>(i));
        return &operand == &inner ? (tmp = element) : element;
    }
    return tmp = located(Value::error("no matching overload for '_[_]' applied to '(" + std::string(operand.typeName()) + ", "
                        + std::string(index.typeName()) + ")'"));
}

Value InNode::eval(const Activation &act, EvalContext &ctx) const
{
    Value te, tc;
    const Value &element = m_element->evalRef(act, ctx, te);
    if (element.isError())
        return element;
    const Value &container = m_container->evalRef(act, ctx, tc);
    if (container.isError())
        return container;
    if (container.kind() == ValueKind::List) {
        const ListValue &l = container.listValue();
        if (!ctx.charge(l.size() / 16))
            return costLimitError();
        for (const Value &v : l)
            if (valuesEqual(element, v))
                return Value::boolean(true);
        return Value::boolean(false);
    }
    if (container.kind() == ValueKind::Map)
        return Value::boolean(container.mapValue().find(element) != nullptr);
    const Value pair[2] = {element, container};
    return noOverload("@in", pair, 2);
}

Value ListNode::eval(const Activation &act, EvalContext &ctx) const
{
    std::vector<Value> out;
    out.reserve(m_elements.size());
    for (const auto &e : m_elements) {
        Value v = e->eval(act, ctx);
        if (v.isError())
            return v;
        out.push_back(std::move(v));
    }
    return Value::list(std::move(out));
}

Value MapNode::eval(const Activation &act, EvalContext &ctx) const
{
    std::vector<MapValue::Entry> entries;
    entries.reserve(m_items.size() / 2);
    for (std::size_t i = 0; i + 1 < m_items.size(); i += 2) {
        Value k = m_items[i]->eval(act, ctx);
        if (k.isError())
            return k;
        Value v = m_items[i + 1]->eval(act, ctx);
        if (v.isError())
            return v;
        entries.emplace_back(std::move(k), std::move(v));
    }
    return MapValue::make(std::move(entries));
}

Value ComprehensionNode::eval(const Activation &act, EvalContext &ctx) const
{
    Value range = m_range->eval(act, ctx);
    if (range.isError())
        return range;
    std::vector<Value> keys;
    const std::vector<Value> *items = nullptr;
    if (range.kind() == ValueKind::List) {
        items = &range.listValue().elements();
    } else if (range.kind() == ValueKind::Map) {
        keys.reserve(range.mapValue().size());
        for (const auto &e : range.mapValue().entries())
            keys.push_back(e.first);
        items = &keys;
    } else {
        return Value::error("expression of type '" + std::string(range.typeName())
                            + "' cannot be the range of a comprehension");
    }

    Value firstError;
    bool sawError = false;
    std::int64_t count = 0;
    std::vector<Value> out;
    Value &local = ctx.locals[m_local];
    for (const Value &item : *items) {
        if (!ctx.charge(1))
            return costLimitError();
        local = item;
        Value p = m_first->eval(act, ctx);
        switch (m_macro) {
        case MacroKind::All:
        case MacroKind::Exists: {
            const bool decisive = m_macro == MacroKind::Exists;
            if (p.isBool()) {
                if (p.boolValue() == decisive)
                    return p;
            } else if (!sawError) {
                sawError = true;
                firstError = p.isError() ? p : noOverload(m_macro == MacroKind::All ? "_&&_" : "_||_", &p, 1);
            }
            break;
        }
        case MacroKind::ExistsOne:
            if (!p.isBool())
                return p.isError() ? p : noOverload("exists_one", &p, 1);
            count += p.boolValue() ? 1 : 0;
            break;
        case MacroKind::Map:
            if (p.isError())
                return p;
            out.push_back(p);
            break;
        case MacroKind::MapFilter:
        case MacroKind::Filter:
            if (!p.isBool())
                return p.isError() ? p : noOverload(macroName(m_macro), &p, 1);
            if (p.boolValue()) {
                if (m_macro == MacroKind::Filter) {
                    out.push_back(item);
                } else {
                    Value t = m_second->eval(act, ctx);
                    if (t.isError())
                        return t;
                    out.push_back(std::move(t));
                }
            }
            break;
        case MacroKind::None:
            break;
        }
        if (out.size() > ctx.limits->maxListSize)
            return Value::error("list size limit exceeded (" + std::to_string(ctx.limits->maxListSize) + " elements)");
    }
    switch (m_macro) {
    case MacroKind::All:
    case MacroKind::Exists:
        return sawError ? firstError : Value::boolean(m_macro == MacroKind::All);
    case MacroKind::ExistsOne: return Value::boolean(count == 1);
    default: return Value::list(std::move(out));
    }
}

} // namespace switchyard::cel
