// SPDX-License-Identifier: Apache-2.0
// String functions: the CEL standard ones (contains, startsWith, endsWith,
// matches) and the traffic-policy extensions (lower, upper, trim, split,
// replace, substring, indexOf, join, base64.*, url.*).
#include "policy/cel/functionregistry.h"
#include "policy/cel/regex.h"
#include "policy/cel/textformat.h"
#include "policy/cel/urlcodec.h"

namespace switchyard::cel {

namespace {

bool strings(const Value *a, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i)
        if (!a[i].isString())
            return false;
    return true;
}

#define REQUIRE_STRINGS(name)                                                                                         \
    if (!strings(a, n))                                                                                               \
        return noOverload(name, a, n);

Value contains(const Value *a, std::size_t n, EvalContext &)
{
    REQUIRE_STRINGS("contains")
    return Value::boolean(a[0].stringValue().find(a[1].stringValue()) != std::string_view::npos);
}

Value startsWith(const Value *a, std::size_t n, EvalContext &)
{
    REQUIRE_STRINGS("startsWith")
    return Value::boolean(a[0].stringValue().starts_with(a[1].stringValue()));
}

Value endsWith(const Value *a, std::size_t n, EvalContext &)
{
    REQUIRE_STRINGS("endsWith")
    return Value::boolean(a[0].stringValue().ends_with(a[1].stringValue()));
}

Value matches(const Value *a, std::size_t n, EvalContext &)
{
    REQUIRE_STRINGS("matches")
    std::string error;
    auto re = Regex::compile(a[1].stringValue(), error);
    if (!re)
        return Value::error(error);
    return Value::boolean(re->search(a[0].stringValue()));
}

Value lower(const Value *a, std::size_t n, EvalContext &)
{
    REQUIRE_STRINGS("lower")
    std::string s(a[0].stringValue());
    for (char &c : s)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return Value::string(std::move(s));
}

Value upper(const Value *a, std::size_t n, EvalContext &)
{
    REQUIRE_STRINGS("upper")
    std::string s(a[0].stringValue());
    for (char &c : s)
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
    return Value::string(std::move(s));
}

Value trim(const Value *a, std::size_t n, EvalContext &)
{
    REQUIRE_STRINGS("trim")
    std::string_view s = a[0].stringValue();
    auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
    while (!s.empty() && space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && space(s.back()))
        s.remove_suffix(1);
    return Value::string(std::string(s));
}

Value split(const Value *a, std::size_t n, EvalContext &ctx)
{
    REQUIRE_STRINGS("split")
    const std::string_view s = a[0].stringValue(), sep = a[1].stringValue();
    std::vector<Value> out;
    if (sep.empty()) {
        for (std::size_t i = 0; i < s.size();) {
            std::size_t len = 1;
            while (i + len < s.size() && (static_cast<unsigned char>(s[i + len]) & 0xC0) == 0x80)
                ++len;
            out.push_back(Value::string(std::string(s.substr(i, len))));
            i += len;
        }
    } else {
        std::size_t start = 0;
        while (true) {
            const std::size_t pos = s.find(sep, start);
            out.push_back(Value::string(std::string(s.substr(start, pos - start))));
            if (pos == std::string_view::npos)
                break;
            start = pos + sep.size();
        }
    }
    if (out.size() > ctx.limits->maxListSize)
        return Value::error("list size limit exceeded");
    if (!ctx.charge(s.size() / 128 + out.size() / 16))
        return costLimitError();
    return Value::list(std::move(out));
}

Value replace(const Value *a, std::size_t n, EvalContext &ctx)
{
    REQUIRE_STRINGS("replace")
    const std::string_view s = a[0].stringValue(), from = a[1].stringValue(), to = a[2].stringValue();
    if (from.empty())
        return a[0];
    std::string out;
    std::size_t start = 0;
    while (true) {
        const std::size_t pos = s.find(from, start);
        out.append(s.substr(start, pos - start));
        if (pos == std::string_view::npos)
            break;
        out.append(to);
        start = pos + from.size();
        if (out.size() > ctx.limits->maxStringSize)
            return Value::error("string size limit exceeded");
    }
    if (!ctx.charge(out.size() / 128))
        return costLimitError();
    return Value::string(std::move(out));
}

Value substring(const Value *a, std::size_t n, EvalContext &)
{
    if (!a[0].isString() || a[1].kind() != ValueKind::Int || (n == 3 && a[2].kind() != ValueKind::Int))
        return noOverload("substring", a, n);
    const std::string_view s = a[0].stringValue();
    const auto length = static_cast<std::int64_t>(utf8Length(s));
    const std::int64_t start = a[1].intValue();
    const std::int64_t end = n == 3 ? a[2].intValue() : length;
    if (start < 0 || start > length)
        return Value::error("index out of range: " + std::to_string(start));
    if (end < start || end > length)
        return Value::error("index out of range: " + std::to_string(end));
    const std::size_t from = utf8Offset(s, static_cast<std::size_t>(start));
    const std::size_t to = utf8Offset(s, static_cast<std::size_t>(end));
    return Value::string(std::string(s.substr(from, to - from)));
}

Value indexOf(const Value *a, std::size_t n, EvalContext &)
{
    REQUIRE_STRINGS("indexOf")
    const std::string_view s = a[0].stringValue();
    const std::size_t pos = s.find(a[1].stringValue());
    if (pos == std::string_view::npos)
        return Value::integer(-1);
    return Value::integer(static_cast<std::int64_t>(utf8Length(s.substr(0, pos))));
}

Value join(const Value *a, std::size_t n, EvalContext &ctx)
{
    if (a[0].kind() != ValueKind::List || (n == 2 && !a[1].isString()))
        return noOverload("join", a, n);
    const std::string_view sep = n == 2 ? a[1].stringValue() : std::string_view();
    std::string out;
    bool first = true;
    for (const Value &e : a[0].listValue()) {
        if (!e.isString())
            return Value::error("join: list element is " + std::string(e.typeName()) + ", not string");
        if (!first)
            out.append(sep);
        first = false;
        out.append(e.stringValue());
        if (out.size() > ctx.limits->maxStringSize)
            return Value::error("string size limit exceeded");
    }
    if (!ctx.charge(out.size() / 128))
        return costLimitError();
    return Value::string(std::move(out));
}

Value base64EncodeFn(const Value *a, std::size_t n, EvalContext &)
{
    if (a[0].kind() != ValueKind::Bytes && !a[0].isString())
        return noOverload("base64.encode", a, n);
    return Value::string(base64Encode(a[0].stringValue()));
}

Value base64DecodeFn(const Value *a, std::size_t n, EvalContext &)
{
    if (!a[0].isString() && a[0].kind() != ValueKind::Bytes)
        return noOverload("base64.decode", a, n);
    std::string out;
    if (!base64Decode(a[0].stringValue(), out))
        return Value::error("base64.decode: invalid base64 text");
    return Value::bytes(std::move(out));
}

Value urlEscape(const Value *a, std::size_t n, EvalContext &)
{
    REQUIRE_STRINGS("url.escape")
    return Value::string(queryEscape(a[0].stringValue()));
}

Value urlUnescape(const Value *a, std::size_t n, EvalContext &)
{
    REQUIRE_STRINGS("url.unescape")
    std::string out;
    if (!queryUnescape(a[0].stringValue(), out))
        return Value::error("url.unescape: invalid escape in '" + std::string(a[0].stringValue()) + "'");
    return Value::string(std::move(out));
}

#undef REQUIRE_STRINGS

} // namespace

void registerStringFunctions(std::vector<FunctionInfo> &out)
{
    out.push_back({"contains", contains, 2, 2, true, false, {}});
    out.push_back({"startsWith", startsWith, 2, 2, true, false, {}});
    out.push_back({"endsWith", endsWith, 2, 2, true, false, {}});
    out.push_back({"matches", matches, 2, 2, true, true, {}});
    out.push_back({"lower", lower, 1, 1, true, false, {}});
    out.push_back({"upper", upper, 1, 1, true, false, {}});
    out.push_back({"trim", trim, 1, 1, true, false, {}});
    out.push_back({"split", split, 2, 2, true, false, {}});
    out.push_back({"replace", replace, 3, 3, true, false, {}});
    out.push_back({"substring", substring, 2, 3, true, false, {}});
    out.push_back({"indexOf", indexOf, 2, 2, true, false, {}});
    out.push_back({"join", join, 1, 2, true, false, {}});
    out.push_back({"base64.encode", base64EncodeFn, 1, 1, false, true, {}});
    out.push_back({"base64.decode", base64DecodeFn, 1, 1, false, true, {}});
    out.push_back({"url.escape", urlEscape, 1, 1, false, true, {}});
    out.push_back({"url.unescape", urlUnescape, 1, 1, false, true, {}});
}

} // namespace switchyard::cel
