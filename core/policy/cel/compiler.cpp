// SPDX-License-Identifier: Apache-2.0
#include "policy/cel/compiler.h"

#include "policy/cel/program.h"

#include "common/textdistance.h"

namespace switchyard::cel {

bool isTypeDenotation(std::string_view name)
{
    static const std::string_view names[] = {"int", "uint", "double", "bool", "string", "bytes", "list", "map",
                                             "null_type", "type", "google.protobuf.Timestamp",
                                             "google.protobuf.Duration"};
    for (auto n : names)
        if (n == name)
            return true;
    return false;
}

NodePtr Compiler::fail(int offset, std::string message)
{
    if (m_lenient && m_deferDepth > 0) {
        Value deferred = Value::error(std::move(message));
        deferred.markErrorOffset(offset);
        return std::make_unique<ConstNode>(std::move(deferred));
    }
    m_errors.push_back({std::move(message), offset});
    return std::make_unique<ConstNode>(Value::error("compile error"));
}

std::optional<std::size_t> Compiler::findLocal(std::string_view name) const
{
    for (auto it = m_scopes.rbegin(); it != m_scopes.rend(); ++it)
        if (it->first == name)
            return it->second;
    return std::nullopt;
}

std::optional<std::string> Compiler::qualifiedName(const Expr &e) const
{
    if (e.kind == ExprKind::Ident)
        return findLocal(e.name) ? std::nullopt : std::optional<std::string>(e.name);
    if (e.kind == ExprKind::Select && !e.testOnly)
        if (auto base = qualifiedName(*e.args[0]))
            return *base + "." + e.name;
    return std::nullopt;
}

NodePtr Compiler::compile(const Expr &e)
{
    NodePtr node = compileNode(e);
    if (node)
        node->setOffset(e.offset);
    return node;
}

NodePtr Compiler::compileNode(const Expr &e)
{
    switch (e.kind) {
    case ExprKind::Constant: return std::make_unique<ConstNode>(e.constant);
    case ExprKind::Ident: return compileIdent(e);
    case ExprKind::Select: return compileSelect(e);
    case ExprKind::Call: return compileCall(e);
    case ExprKind::List: {
        std::vector<NodePtr> elems;
        bool allConst = true;
        for (const auto &a : e.args) {
            elems.push_back(compile(*a));
            allConst = allConst && dynamic_cast<const ConstNode *>(elems.back().get());
        }
        if (allConst) {
            std::vector<Value> values;
            for (const auto &n : elems)
                values.push_back(static_cast<const ConstNode *>(n.get())->value());
            return std::make_unique<ConstNode>(Value::list(std::move(values)));
        }
        return std::make_unique<ListNode>(std::move(elems));
    }
    case ExprKind::Map: {
        std::vector<NodePtr> items;
        for (const auto &a : e.args)
            items.push_back(compile(*a));
        auto node = std::make_unique<MapNode>(std::move(items));
        return node;
    }
    case ExprKind::Struct:
        return fail(e.offset, "message construction is not supported ('" + e.name + "{...}')");
    case ExprKind::Comprehension: return compileComprehension(e);
    }
    return fail(e.offset, "unsupported expression");
}

NodePtr Compiler::compileIdent(const Expr &e)
{
    if (auto local = findLocal(e.name))
        return std::make_unique<LocalNode>(*local);
    if (const auto *v = m_env.find(e.name))
        return std::make_unique<VariableNode>(v->slot, v->name);
    if (isTypeDenotation(e.name))
        return std::make_unique<ConstNode>(Value::type(e.name));
    std::string message = "undeclared reference to '" + e.name + "'";
    std::vector<std::string_view> candidates = m_env.names();
    for (const auto &s : m_scopes)
        candidates.push_back(s.first);
    const std::string suggestion = closestMatch(e.name, candidates);
    if (!suggestion.empty())
        message += " (did you mean '" + suggestion + "'?)";
    return fail(e.offset, std::move(message));
}

NodePtr Compiler::compileSelect(const Expr &e)
{
    if (!e.testOnly) {
        if (auto qn = qualifiedName(e)) {
            if (const auto *v = m_env.find(*qn))
                return std::make_unique<VariableNode>(v->slot, v->name);
            if (isTypeDenotation(*qn))
                return std::make_unique<ConstNode>(Value::type(*qn));
        }
    }
    return std::make_unique<SelectNode>(compile(*e.args[0]), e.name, e.testOnly);
}

NodePtr Compiler::compileCall(const Expr &e)
{
    auto arg = [&](std::size_t i) { return compile(*e.args[i]); };
    auto deferred = [&](std::size_t i) {
        ++m_deferDepth;
        NodePtr n = compile(*e.args[i]);
        --m_deferDepth;
        return n;
    };
    if (e.name == "_&&_" || e.name == "_||_") {
        NodePtr a = deferred(0);
        NodePtr b = deferred(1);
        return std::make_unique<LogicNode>(e.name == "_&&_", std::move(a), std::move(b));
    }
    if (e.name == "_?_:_") {
        NodePtr c = arg(0);
        NodePtr a = deferred(1);
        NodePtr b = deferred(2);
        return std::make_unique<TernaryNode>(std::move(c), std::move(a), std::move(b));
    }
    if (e.name == "_[_]")
        return std::make_unique<IndexNode>(arg(0), arg(1));
    if (e.name == "@in")
        return std::make_unique<InNode>(arg(0), arg(1));

    const FunctionInfo *fn = nullptr;
    std::size_t firstArg = 0;
    bool memberStyle = e.receiver;
    if (e.receiver) {
        // `base64.encode(x)` parses as a member call on `base64`; it is a
        // namespaced global unless `base64` is a variable.
        if (auto qn = qualifiedName(*e.args[0])) {
            const std::string full = *qn + "." + e.name;
            const std::string root = qn->substr(0, qn->find('.'));
            if (const FunctionInfo *g = findFunction(full); g && g->global && !m_env.find(root)) {
                fn = g;
                firstArg = 1;
                memberStyle = false;
            }
        }
    }
    if (!fn)
        fn = findFunction(e.name);
    const std::string displayName = fn ? std::string(fn->name) : e.name;
    if (!fn || (memberStyle && !fn->member) || (!memberStyle && !fn->global)) {
        if (fn && memberStyle)
            return fail(e.offset, "function '" + displayName + "' cannot be called as a method");
        if (fn)
            return fail(e.offset, "function '" + displayName + "' must be called as a method, e.g. x."
                                      + displayName + "(...)");
        std::vector<std::string_view> candidates;
        for (const auto &f : allFunctions())
            if (f.name.find('_') == std::string_view::npos && f.name.front() != '@')
                candidates.push_back(f.name);
        std::string message = "undeclared reference to '" + e.name + "'";
        const std::string suggestion = closestMatch(e.name, candidates);
        if (!suggestion.empty())
            message += " (did you mean '" + suggestion + "'?)";
        return fail(e.offset, std::move(message));
    }
    const auto argc = static_cast<int>(e.args.size() - firstArg);
    if (argc < fn->minArgs || argc > fn->maxArgs) {
        const int shown = memberStyle ? argc - 1 : argc;
        return fail(e.offset, "function '" + displayName + "' does not take " + std::to_string(shown)
                                  + (shown == 1 ? " argument" : " arguments"));
    }

    std::vector<NodePtr> args;
    if (!fn->implicitVariable.empty()) {
        const auto *v = m_env.find(fn->implicitVariable);
        if (!v)
            return fail(e.offset, "'" + displayName + "' needs the '" + std::string(fn->implicitVariable)
                                      + "' variable, which is not available here");
        args.push_back(std::make_unique<VariableNode>(v->slot, v->name));
    }
    for (std::size_t i = firstArg; i < e.args.size(); ++i)
        args.push_back(compile(*e.args[i]));

    if (fn->name == "matches" && args.size() == 2) {
        if (const auto *c = dynamic_cast<const ConstNode *>(args[1].get()); c && c->value().isString()) {
            std::string error;
            auto re = Regex::compile(c->value().stringValue(), error);
            if (!re)
                return fail(e.args[firstArg + 1]->offset, error);
            return std::make_unique<MatchesNode>(std::move(args[0]), std::move(re));
        }
    }

    // Fold calls on constants (timestamp('...'), size('abc')...) unless
    // they fail: errors must surface at run time, where && / || may absorb them.
    bool allConst = fn->implicitVariable.empty() && foldable(*fn);
    for (const auto &a : args)
        allConst = allConst && dynamic_cast<const ConstNode *>(a.get());
    if (allConst) {
        std::vector<Value> values;
        for (const auto &a : args)
            values.push_back(static_cast<const ConstNode *>(a.get())->value());
        EvalContext ctx;
        ctx.limits = &m_limits;
        bool anyError = false;
        for (const auto &v : values)
            anyError = anyError || v.isError();
        if (!anyError) {
            Value folded = fn->impl(values.data(), values.size(), ctx);
            if (!folded.isError())
                return std::make_unique<ConstNode>(std::move(folded));
        }
    }
    if ((fn->name == "inCidrRange" || fn->name == "inCidrRanges") && args.size() == 2) {
        if (const auto *c = dynamic_cast<const ConstNode *>(args[1].get())) {
            std::vector<CidrRange> ranges;
            auto add = [&](const Value &v) {
                if (v.isString())
                    if (auto r = CidrRange::parse(v.stringValue()))
                        ranges.push_back(*r);
            };
            const Value &spec = c->value();
            if (fn->name == "inCidrRange" && spec.isString()) {
                add(spec);
                return std::make_unique<CidrMatchNode>(fn, std::move(args[0]), std::move(ranges));
            }
            if (fn->name == "inCidrRanges" && spec.kind() == ValueKind::List) {
                for (const Value &v : spec.listValue())
                    add(v);
                return std::make_unique<CidrMatchNode>(fn, std::move(args[0]), std::move(ranges));
            }
        }
    }
    if (args.size() == 2) {
        using Op = BinaryPredicateNode::Op;
        std::optional<Op> op;
        if (fn->name == "_==_") op = Op::Equal;
        else if (fn->name == "_!=_") op = Op::NotEqual;
        else if (fn->name == "startsWith") op = Op::StartsWith;
        else if (fn->name == "endsWith") op = Op::EndsWith;
        else if (fn->name == "contains") op = Op::Contains;
        if (op)
            return std::make_unique<BinaryPredicateNode>(*op, fn, std::move(args[0]), std::move(args[1]));
    }
    return std::make_unique<CallNode>(fn, std::move(args));
}

NodePtr Compiler::compileComprehension(const Expr &e)
{
    NodePtr range = compile(*e.args[0]);
    const std::size_t local = m_localCount++;
    m_scopes.emplace_back(e.name, local);
    const bool absorbing = e.macro == MacroKind::All || e.macro == MacroKind::Exists;
    m_deferDepth += absorbing ? 1 : 0;
    NodePtr first = compile(*e.args[1]);
    NodePtr second = e.args.size() > 2 ? compile(*e.args[2]) : nullptr;
    m_deferDepth -= absorbing ? 1 : 0;
    m_scopes.pop_back();
    return std::make_unique<ComprehensionNode>(e.macro, local, std::move(range), std::move(first), std::move(second));
}

} // namespace switchyard::cel
