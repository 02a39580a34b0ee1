// SPDX-License-Identifier: Apache-2.0
#include "policy/cel/checker.h"

#include "policy/cel/compiler.h"
#include "policy/cel/functionregistry.h"

#include "common/textdistance.h"

#include <map>

namespace switchyard::cel {

namespace {

Type prim(TypeKind k) { return Type(k); }

bool isNumeric(const Type &t)
{
    return t.kind() == TypeKind::Int || t.kind() == TypeKind::Uint || t.kind() == TypeKind::Double;
}

Type typeOfValue(const Value &v)
{
    switch (v.kind()) {
    case ValueKind::Null: return prim(TypeKind::Null);
    case ValueKind::Bool: return prim(TypeKind::Bool);
    case ValueKind::Int: return prim(TypeKind::Int);
    case ValueKind::Uint: return prim(TypeKind::Uint);
    case ValueKind::Double: return prim(TypeKind::Double);
    case ValueKind::String: return prim(TypeKind::String);
    case ValueKind::Bytes: return prim(TypeKind::Bytes);
    case ValueKind::Type: return prim(TypeKind::Type);
    case ValueKind::Timestamp: return prim(TypeKind::Timestamp);
    case ValueKind::Duration: return prim(TypeKind::Duration);
    default: return Type::dyn();
    }
}

// Signature table for named functions: "name:arg,arg->result". Argument
// types: the primitive names, "list"/"map" (any parameters), "any".
struct Signature
{
    std::vector<std::string> args;
    std::string result;
};

const std::multimap<std::string, Signature, std::less<>> &signatures()
{
    static const auto table = [] {
        const char *specs[] = {
            "size:string->int", "size:bytes->int", "size:list->int", "size:map->int",
            "int:int->int", "int:uint->int", "int:double->int", "int:string->int", "int:timestamp->int",
            "int:duration->int",
            "uint:int->uint", "uint:uint->uint", "uint:double->uint", "uint:string->uint",
            "double:int->double", "double:uint->double", "double:double->double", "double:string->double",
            "string:int->string", "string:uint->string", "string:double->string", "string:string->string",
            "string:bytes->string", "string:bool->string", "string:timestamp->string", "string:duration->string",
            "bytes:string->bytes", "bytes:bytes->bytes", "bool:bool->bool", "bool:string->bool",
            "dyn:any->dyn", "type:any->type",
            "timestamp:string->timestamp", "timestamp:int->timestamp", "timestamp:timestamp->timestamp",
            "duration:string->duration", "duration:duration->duration",
            "contains:string,string->bool", "startsWith:string,string->bool", "endsWith:string,string->bool",
            "matches:string,string->bool", "lower:string->string", "upper:string->string", "trim:string->string",
            "split:string,string->list", "replace:string,string,string->string",
            "substring:string,int->string", "substring:string,int,int->string", "indexOf:string,string->int",
            "join:list->string", "join:list,string->string",
            "base64.encode:bytes->string", "base64.encode:string->string", "base64.decode:string->bytes",
            "url.escape:string->string", "url.unescape:string->string",
            "inCidrRange:string,string->bool", "inCidrRanges:string,list->bool",
            "getReqHeader:string->list", "hasReqHeader:string->bool", "getQueryParam:string->list",
            "hasQueryParam:string->bool", "getReqCookie:string->any", "hasReqCookie:string->bool",
            "getResHeader:string->list", "hasResHeader:string->bool", "getResCookie:string->any",
            "hasResCookie:string->bool",
        };
        std::vector<std::string_view> all(std::begin(specs), std::end(specs));
        all.insert(all.end(), extensionSignatures().begin(), extensionSignatures().end());
        std::multimap<std::string, Signature, std::less<>> out;
        for (std::string_view spec : all) {
            const auto colon = spec.find(':'), arrow = spec.find("->");
            Signature sig;
            std::string_view args = spec.substr(colon + 1, arrow - colon - 1);
            while (!args.empty()) {
                const auto comma = args.find(',');
                sig.args.emplace_back(args.substr(0, comma));
                args = comma == std::string_view::npos ? std::string_view() : args.substr(comma + 1);
            }
            sig.result = std::string(spec.substr(arrow + 2));
            out.emplace(std::string(spec.substr(0, colon)), std::move(sig));
        }
        for (const char *getter : {"getFullYear", "getMonth", "getDate", "getDayOfMonth", "getDayOfWeek",
                                   "getDayOfYear", "getHours", "getMinutes", "getSeconds", "getMilliseconds"}) {
            out.emplace(getter, Signature{{"timestamp"}, "int"});
            out.emplace(getter, Signature{{"timestamp", "string"}, "int"});
            out.emplace(getter, Signature{{"duration"}, "int"});
        }
        return out;
    }();
    return table;
}

bool matchesName(const Type &t, const std::string &name)
{
    if (t.isDyn() || name == "any")
        return true;
    static const std::map<std::string, TypeKind, std::less<>> kinds = {
        {"int", TypeKind::Int}, {"uint", TypeKind::Uint}, {"double", TypeKind::Double},
        {"string", TypeKind::String}, {"bytes", TypeKind::Bytes}, {"bool", TypeKind::Bool},
        {"list", TypeKind::List}, {"map", TypeKind::Map}, {"timestamp", TypeKind::Timestamp},
        {"duration", TypeKind::Duration}};
    auto it = kinds.find(name);
    return it != kinds.end() && it->second == t.kind();
}

Type typeFromName(const std::string &name)
{
    if (name == "int") return prim(TypeKind::Int);
    if (name == "uint") return prim(TypeKind::Uint);
    if (name == "double") return prim(TypeKind::Double);
    if (name == "string") return prim(TypeKind::String);
    if (name == "bytes") return prim(TypeKind::Bytes);
    if (name == "bool") return prim(TypeKind::Bool);
    if (name == "type") return prim(TypeKind::Type);
    if (name == "timestamp") return prim(TypeKind::Timestamp);
    if (name == "duration") return prim(TypeKind::Duration);
    if (name == "list") return Type::list(prim(TypeKind::String));
    return Type::dyn();
}

Type join(const Type &a, const Type &b) { return a == b ? a : Type::dyn(); }

} // namespace

void Checker::typeError(int offset, std::string message)
{
    if (m_lenient && m_shortCircuitDepth > 0)
        return;
    m_errors.push_back({std::move(message), offset});
}

void Checker::mismatch(int offset, const std::string &function, const std::vector<Type> &args)
{
    std::string types;
    for (std::size_t i = 0; i < args.size(); ++i)
        types += (i ? ", " : "") + args[i].name();
    typeError(offset, "found no matching overload for '" + function + "' applied to '(" + types + ")'");
}

const Type *Checker::findLocal(std::string_view name) const
{
    for (auto it = m_scopes.rbegin(); it != m_scopes.rend(); ++it)
        if (it->first == name)
            return &it->second;
    return nullptr;
}

Type Checker::check(const Expr &e)
{
    switch (e.kind) {
    case ExprKind::Constant: return typeOfValue(e.constant);
    case ExprKind::Ident: return checkIdent(e);
    case ExprKind::Select: return checkSelect(e);
    case ExprKind::Call: return checkCall(e);
    case ExprKind::List: {
        std::optional<Type> elem;
        for (const auto &a : e.args) {
            Type t = check(*a);
            elem = elem ? join(*elem, t) : t;
        }
        return Type::list(elem.value_or(Type::dyn()));
    }
    case ExprKind::Map: {
        std::optional<Type> key, value;
        for (std::size_t i = 0; i + 1 < e.args.size(); i += 2) {
            Type k = check(*e.args[i]);
            Type v = check(*e.args[i + 1]);
            const TypeKind kk = k.kind();
            if (kk != TypeKind::Dyn && kk != TypeKind::String && kk != TypeKind::Int && kk != TypeKind::Uint
                && kk != TypeKind::Bool)
                typeError(e.args[i]->offset, "unsupported map key type '" + k.name() + "'");
            key = key ? join(*key, k) : k;
            value = value ? join(*value, v) : v;
        }
        return Type::map(key.value_or(Type::dyn()), value.value_or(Type::dyn()));
    }
    case ExprKind::Struct:
        for (const auto &a : e.args)
            check(*a);
        return Type::dyn();
    case ExprKind::Comprehension: return checkComprehension(e);
    }
    return Type::dyn();
}

Type Checker::checkIdent(const Expr &e)
{
    if (const Type *t = findLocal(e.name))
        return *t;
    if (const auto *v = m_env.find(e.name))
        return v->type;
    if (isTypeDenotation(e.name))
        return prim(TypeKind::Type);
    std::string message = "undeclared reference to '" + e.name + "'";
    std::vector<std::string_view> candidates = m_env.names();
    for (const auto &s : m_scopes)
        candidates.push_back(s.first);
    const std::string suggestion = closestMatch(e.name, candidates);
    if (!suggestion.empty())
        message += " (did you mean '" + suggestion + "'?)";
    if (m_lenient && m_shortCircuitDepth > 0)
        return Type::dyn(); // deferred: the compiler turns it into a run-time error
    m_errors.push_back({std::move(message), e.offset});
    return Type(TypeKind::Error);
}

Type Checker::checkSelect(const Expr &e)
{
    if (!e.testOnly) {
        // A declared qualified name ("a.b") wins over field selection.
        std::string qn;
        const Expr *p = &e;
        while (p->kind == ExprKind::Select && !p->testOnly) {
            qn.insert(0, p->name).insert(0, 1, '.');
            p = p->args[0].get();
        }
        if (p->kind == ExprKind::Ident && !findLocal(p->name)) {
            qn = p->name + qn;
            if (const auto *v = m_env.find(qn))
                return v->type;
            if (isTypeDenotation(qn))
                return prim(TypeKind::Type);
        }
    }
    const Type operand = check(*e.args[0]);
    Type result;
    switch (operand.kind()) {
    case TypeKind::Object:
        if (const Type *f = operand.field(e.name)) {
            result = *f;
        } else {
            std::string message = "undefined field '" + e.name + "' of " + operand.objectName();
            const std::string suggestion = closestMatch(e.name, operand.fieldNames());
            if (!suggestion.empty())
                message += " (did you mean '" + suggestion + "'?)";
            m_errors.push_back({std::move(message), e.offset + 1});
        }
        break;
    case TypeKind::Map:
        if (operand.key().kind() != TypeKind::Dyn && operand.key().kind() != TypeKind::String)
            typeError(e.offset, "type '" + operand.name() + "' does not support field selection");
        result = operand.value();
        break;
    case TypeKind::Dyn:
    case TypeKind::Error: break;
    default: typeError(e.offset, "type '" + operand.name() + "' does not support field selection");
    }
    return e.testOnly ? prim(TypeKind::Bool) : result;
}

Type Checker::checkComprehension(const Expr &e)
{
    const Type range = check(*e.args[0]);
    Type iter;
    switch (range.kind()) {
    case TypeKind::List: iter = range.elem(); break;
    case TypeKind::Map: iter = range.key(); break;
    case TypeKind::Dyn:
    case TypeKind::Error: break;
    default:
        typeError(e.args[0]->offset, "expression of type '" + range.name()
                                         + "' cannot be the range of a comprehension");
    }
    m_scopes.emplace_back(e.name, iter);
    // Errors inside all/exists bodies may be absorbed by another element.
    const bool absorbing = e.macro == MacroKind::All || e.macro == MacroKind::Exists;
    m_shortCircuitDepth += absorbing ? 1 : 0;
    const Type first = check(*e.args[1]);
    const Type second = e.args.size() > 2 ? check(*e.args[2]) : Type::dyn();
    m_shortCircuitDepth -= absorbing ? 1 : 0;
    m_scopes.pop_back();
    switch (e.macro) {
    case MacroKind::Map: return Type::list(first);
    case MacroKind::MapFilter: return Type::list(second);
    case MacroKind::Filter: return Type::list(iter);
    default: return prim(TypeKind::Bool);
    }
}

Type Checker::checkCall(const Expr &e)
{
    const std::string &op = e.name;
    if (op == "_&&_" || op == "_||_" || op == "_?_:_") {
        std::vector<Type> args;
        if (op == "_?_:_")
            args.push_back(check(*e.args[0]));
        ++m_shortCircuitDepth;
        for (std::size_t i = op == "_?_:_" ? 1 : 0; i < e.args.size(); ++i)
            args.push_back(check(*e.args[i]));
        --m_shortCircuitDepth;
        if (op == "_?_:_") {
            if (!args[0].isDyn() && args[0].kind() != TypeKind::Bool && args[0].kind() != TypeKind::Error)
                mismatch(e.offset, op, args);
            return join(args[1], args[2]);
        }
        if (!m_lenient)
            for (const Type &t : args)
                if (!t.isDyn() && t.kind() != TypeKind::Bool && t.kind() != TypeKind::Error)
                    mismatch(e.offset, op, args);
        return prim(TypeKind::Bool);
    }

    // Namespaced globals such as base64.encode(x).
    if (e.receiver && e.args[0]->kind == ExprKind::Ident && !findLocal(e.args[0]->name)
        && !m_env.find(e.args[0]->name)) {
        const std::string full = e.args[0]->name + "." + e.name;
        if (const FunctionInfo *g = findFunction(full); g && g->global) {
            std::vector<Type> args;
            for (std::size_t i = 1; i < e.args.size(); ++i)
                args.push_back(check(*e.args[i]));
            return checkFunction(e, full, args, false);
        }
    }
    std::vector<Type> args;
    for (const auto &a : e.args)
        args.push_back(check(*a));
    for (const Type &t : args)
        if (t.kind() == TypeKind::Error)
            return Type::dyn();
    return checkFunction(e, op, args, e.receiver);
}

Type Checker::checkFunction(const Expr &e, const std::string &name, const std::vector<Type> &args, bool)
{
    auto anyDyn = [&] {
        for (const Type &t : args)
            if (t.isDyn())
                return true;
        return false;
    };
    const TypeKind a = args.empty() ? TypeKind::Dyn : args[0].kind();
    const TypeKind b = args.size() > 1 ? args[1].kind() : TypeKind::Dyn;
    if (name == "_==_" || name == "_!=_")
        return prim(TypeKind::Bool);
    if (name == "_<_" || name == "_<=_" || name == "_>_" || name == "_>=_") {
        const bool ok = anyDyn() || (isNumeric(args[0]) && isNumeric(args[1]))
                        || (a == b && (a == TypeKind::String || a == TypeKind::Bytes || a == TypeKind::Bool
                                       || a == TypeKind::Timestamp || a == TypeKind::Duration));
        if (!ok)
            mismatch(e.offset, name, args);
        return prim(TypeKind::Bool);
    }
    if (name == "@in") {
        if (b != TypeKind::List && b != TypeKind::Map && b != TypeKind::Dyn)
            mismatch(e.offset, name, args);
        return prim(TypeKind::Bool);
    }
    if (name == "_[_]") {
        switch (a) {
        case TypeKind::List:
            if (!isNumeric(args[1]) && b != TypeKind::Dyn)
                mismatch(e.offset, name, args);
            return args[0].elem();
        case TypeKind::Map: return args[0].value();
        case TypeKind::Dyn:
        case TypeKind::Object: return Type::dyn();
        default: mismatch(e.offset, name, args); return Type::dyn();
        }
    }
    if (name == "!_") {
        if (a != TypeKind::Bool && a != TypeKind::Dyn)
            mismatch(e.offset, name, args);
        return prim(TypeKind::Bool);
    }
    if (name == "-_") {
        if (a != TypeKind::Int && a != TypeKind::Double && a != TypeKind::Dyn)
            mismatch(e.offset, name, args);
        return args[0];
    }
    if (name == "_+_" || name == "_-_" || name == "_*_" || name == "_/_" || name == "_%_") {
        if (anyDyn())
            return Type::dyn();
        const bool sameKind = a == b;
        if (name == "_+_") {
            if (sameKind && (a == TypeKind::Int || a == TypeKind::Uint || a == TypeKind::Double
                             || a == TypeKind::String || a == TypeKind::Bytes || a == TypeKind::Duration))
                return args[0];
            if (sameKind && a == TypeKind::List)
                return join(args[0], args[1]).isDyn() ? Type::list(Type::dyn()) : args[0];
            if ((a == TypeKind::Timestamp && b == TypeKind::Duration)
                || (a == TypeKind::Duration && b == TypeKind::Timestamp))
                return prim(TypeKind::Timestamp);
        } else if (name == "_-_") {
            if (sameKind && (a == TypeKind::Int || a == TypeKind::Uint || a == TypeKind::Double
                             || a == TypeKind::Duration))
                return args[0];
            if (sameKind && a == TypeKind::Timestamp)
                return prim(TypeKind::Duration);
            if (a == TypeKind::Timestamp && b == TypeKind::Duration)
                return prim(TypeKind::Timestamp);
        } else if (name == "_%_") {
            if (sameKind && (a == TypeKind::Int || a == TypeKind::Uint))
                return args[0];
        } else if (sameKind && (a == TypeKind::Int || a == TypeKind::Uint || a == TypeKind::Double)) {
            return args[0];
        }
        mismatch(e.offset, name, args);
        return Type::dyn();
    }

    if (const std::string_view why = unsupportedFunction(name); !why.empty()) {
        // A namespaced call (secrets.get) is marked from its namespace.
        const bool namespaced = e.receiver && name.find('.') != std::string::npos;
        typeError(namespaced ? e.args[0]->offset : e.offset, std::string(why));
        return Type::dyn();
    }
    const auto &table = signatures();
    auto [lo, hi] = table.equal_range(name);
    if (lo == hi)
        return Type::dyn(); // unknown here; the compiler reports undeclared functions
    bool arityMatched = false;
    for (auto it = lo; it != hi; ++it) {
        const Signature &sig = it->second;
        if (sig.args.size() != args.size())
            continue;
        arityMatched = true;
        bool ok = true;
        for (std::size_t i = 0; i < args.size() && ok; ++i)
            ok = matchesName(args[i], sig.args[i]);
        if (ok) {
            if (name == "dyn")
                return Type::dyn();
            return typeFromName(sig.result);
        }
    }
    if (arityMatched)
        mismatch(e.offset, name, args);
    return Type::dyn();
}

} // namespace switchyard::cel
