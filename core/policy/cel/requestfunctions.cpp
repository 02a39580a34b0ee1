// SPDX-License-Identifier: Apache-2.0
// ngrok request/response macros: getReqHeader, hasQueryParam, getReqCookie...
// Each receives the `req` or `res` variable as a hidden first argument.
#include "policy/cel/functionregistry.h"

namespace switchyard::cel {

namespace {

bool equalsIgnoreCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = static_cast<char>(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
}

// The map at `path` inside a request/response map, or nullptr.
const MapValue *subMap(const Value &root, std::initializer_list<std::string_view> path)
{
    const Value *v = &root;
    for (std::string_view p : path) {
        if (v->kind() != ValueKind::Map)
            return nullptr;
        v = v->mapValue().find(p);
        if (!v)
            return nullptr;
    }
    return v->kind() == ValueKind::Map ? &v->mapValue() : nullptr;
}

const Value *findHeader(const MapValue *headers, std::string_view name)
{
    if (!headers)
        return nullptr;
    if (const Value *exact = headers->find(name))
        return exact;
    for (const auto &[k, v] : headers->entries())
        if (k.isString() && equalsIgnoreCase(k.stringValue(), name))
            return &v;
    return nullptr;
}

Value emptyList() { return Value::list(std::vector<Value>{}); }

template<bool Has>
Value headerLookup(const Value *a, std::size_t n, EvalContext &, std::string_view fn)
{
    if (!a[1].isString())
        return noOverload(fn, a + 1, n - 1);
    const Value *v = findHeader(subMap(a[0], {"headers"}), a[1].stringValue());
    if (Has)
        return Value::boolean(v != nullptr);
    return v ? *v : emptyList();
}

Value getReqHeader(const Value *a, std::size_t n, EvalContext &c) { return headerLookup<false>(a, n, c, "getReqHeader"); }
Value hasReqHeader(const Value *a, std::size_t n, EvalContext &c) { return headerLookup<true>(a, n, c, "hasReqHeader"); }
Value getResHeader(const Value *a, std::size_t n, EvalContext &c) { return headerLookup<false>(a, n, c, "getResHeader"); }
Value hasResHeader(const Value *a, std::size_t n, EvalContext &c) { return headerLookup<true>(a, n, c, "hasResHeader"); }

template<bool Has>
Value queryLookup(const Value *a, std::size_t n, EvalContext &)
{
    if (!a[1].isString())
        return noOverload(Has ? "hasQueryParam" : "getQueryParam", a + 1, n - 1);
    const MapValue *params = subMap(a[0], {"url", "query_params"});
    const Value *v = params ? params->find(a[1].stringValue()) : nullptr;
    if (Has)
        return Value::boolean(v != nullptr);
    return v ? *v : emptyList();
}

template<bool Has>
Value cookieLookup(const Value *a, std::size_t n, EvalContext &, std::string_view fn)
{
    if (!a[1].isString())
        return noOverload(fn, a + 1, n - 1);
    const MapValue *cookies = subMap(a[0], {"cookies"});
    const Value *v = cookies ? cookies->find(a[1].stringValue()) : nullptr;
    if (v && v->kind() == ValueKind::List && v->listValue().size() == 0)
        v = nullptr;
    if (Has)
        return Value::boolean(v != nullptr);
    if (!v)
        return Value::null();
    return v->kind() == ValueKind::List ? v->listValue().at(0) : *v;
}

Value getReqCookie(const Value *a, std::size_t n, EvalContext &c) { return cookieLookup<false>(a, n, c, "getReqCookie"); }
Value hasReqCookie(const Value *a, std::size_t n, EvalContext &c) { return cookieLookup<true>(a, n, c, "hasReqCookie"); }
Value getResCookie(const Value *a, std::size_t n, EvalContext &c) { return cookieLookup<false>(a, n, c, "getResCookie"); }
Value hasResCookie(const Value *a, std::size_t n, EvalContext &c) { return cookieLookup<true>(a, n, c, "hasResCookie"); }

} // namespace

void registerRequestFunctions(std::vector<FunctionInfo> &out)
{
    out.push_back({"getReqHeader", getReqHeader, 1, 1, false, true, "req"});
    out.push_back({"hasReqHeader", hasReqHeader, 1, 1, false, true, "req"});
    out.push_back({"getQueryParam", queryLookup<false>, 1, 1, false, true, "req"});
    out.push_back({"hasQueryParam", queryLookup<true>, 1, 1, false, true, "req"});
    out.push_back({"getReqCookie", getReqCookie, 1, 1, false, true, "req"});
    out.push_back({"hasReqCookie", hasReqCookie, 1, 1, false, true, "req"});
    out.push_back({"getResHeader", getResHeader, 1, 1, false, true, "res"});
    out.push_back({"hasResHeader", hasResHeader, 1, 1, false, true, "res"});
    out.push_back({"getResCookie", getResCookie, 1, 1, false, true, "res"});
    out.push_back({"hasResCookie", hasResCookie, 1, 1, false, true, "res"});
}

} // namespace switchyard::cel
