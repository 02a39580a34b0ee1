// SPDX-License-Identifier: Apache-2.0
// Encoding macros of ngrok traffic policy: json.encode/decode, isJson,
// encodeJson, basic_auth.encode, queryString.encode/decode,
// encodeQueryString, url.parse and isURL.
#include "policy/cel/functionregistry.h"
#include "policy/cel/jsonformat.h"
#include "policy/cel/jsonparser.h"
#include "policy/cel/textformat.h"
#include "policy/cel/urlcodec.h"

#include <algorithm>
#include <charconv>

namespace switchyard::cel {

namespace {

Value str(std::string s) { return Value::string(std::move(s)); }

Value stringKeyedMap(std::vector<MapValue::Entry> entries) { return Value::map(MapValue::makeUnchecked(std::move(entries))); }

Value jsonEncode(const Value *a, std::size_t, EvalContext &ctx)
{
    std::string out = toJson(a[0]);
    if (out.size() > ctx.limits->maxStringSize)
        return Value::error("string size limit exceeded");
    if (!ctx.charge(out.size() / 128))
        return costLimitError();
    return str(std::move(out));
}

Value jsonDecode(const Value *a, std::size_t n, EvalContext &ctx)
{
    if (!a[0].isString() && a[0].kind() != ValueKind::Bytes)
        return noOverload("json.decode", a, n);
    if (!ctx.charge(a[0].stringValue().size() / 128))
        return costLimitError();
    return parseJson(a[0].stringValue());
}

Value isJson(const Value *a, std::size_t n, EvalContext &ctx)
{
    if (!a[0].isString())
        return noOverload("isJson", a, n);
    if (!ctx.charge(a[0].stringValue().size() / 128))
        return costLimitError();
    return Value::boolean(!parseJson(a[0].stringValue()).isError());
}

Value basicAuthEncode(const Value *a, std::size_t n, EvalContext &)
{
    if (!a[0].isString() || !a[1].isString())
        return noOverload("basic_auth.encode", a, n);
    return str("Basic " + base64Encode(std::string(a[0].stringValue()) + ":" + std::string(a[1].stringValue())));
}

// A scalar as query-string text; false for lists, maps and the like.
bool scalarText(const Value &v, std::string &out)
{
    switch (v.kind()) {
    case ValueKind::String: out = v.stringValue(); return true;
    case ValueKind::Int: out = std::to_string(v.intValue()); return true;
    case ValueKind::Uint: out = std::to_string(v.uintValue()); return true;
    case ValueKind::Bool: out = v.boolValue() ? "true" : "false"; return true;
    case ValueKind::Double: out = formatDoubleText(v.doubleValue()); return true;
    default: return false;
    }
}

// Keys sorted, a list value repeats its key (like Go's url.Values.Encode).
Value encodeQuery(const Value *a, std::size_t n, EvalContext &ctx, std::string_view fn)
{
    if (a[0].kind() != ValueKind::Map)
        return noOverload(fn, a, n);
    std::vector<std::pair<std::string, std::vector<std::string>>> pairs;
    for (const auto &[k, v] : a[0].mapValue().entries()) {
        std::string key;
        if (!scalarText(k, key))
            return Value::error(std::string(fn) + ": unsupported key " + k.debugString());
        std::vector<std::string> values;
        std::string text;
        if (v.kind() == ValueKind::List) {
            for (const Value &e : v.listValue()) {
                if (!scalarText(e, text))
                    return Value::error(std::string(fn) + ": unsupported value " + e.debugString());
                values.push_back(text);
            }
        } else if (scalarText(v, text)) {
            values.push_back(text);
        } else {
            return Value::error(std::string(fn) + ": unsupported value " + v.debugString());
        }
        pairs.emplace_back(std::move(key), std::move(values));
    }
    std::stable_sort(pairs.begin(), pairs.end(), [](const auto &x, const auto &y) { return x.first < y.first; });
    std::string out;
    for (const auto &[key, values] : pairs) {
        for (const std::string &value : values) {
            out += out.empty() ? "" : "&";
            out += queryEscape(key) + "=" + queryEscape(value);
        }
        if (out.size() > ctx.limits->maxStringSize)
            return Value::error("string size limit exceeded");
    }
    if (!ctx.charge(out.size() / 128))
        return costLimitError();
    return str(std::move(out));
}

Value queryStringEncode(const Value *a, std::size_t n, EvalContext &c) { return encodeQuery(a, n, c, "queryString.encode"); }
Value encodeQueryString(const Value *a, std::size_t n, EvalContext &c) { return encodeQuery(a, n, c, "encodeQueryString"); }

// "a=1&a=2&b" → {"a": ["1", "2"], "b": [""]}, keys in order of appearance.
Value decodeQuery(std::string_view query, std::string_view fn)
{
    std::vector<std::pair<std::string, std::vector<Value>>> params;
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        const std::string_view part = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (part.empty())
            continue;
        const std::size_t eq = part.find('=');
        std::string key, value;
        if (!queryUnescape(part.substr(0, eq), key)
            || (eq != std::string_view::npos && !queryUnescape(part.substr(eq + 1), value)))
            return Value::error(std::string(fn) + ": invalid escape in '" + std::string(part) + "'");
        auto it = std::find_if(params.begin(), params.end(), [&](const auto &p) { return p.first == key; });
        if (it == params.end())
            it = params.insert(params.end(), {key, {}});
        it->second.push_back(str(std::move(value)));
    }
    std::vector<MapValue::Entry> entries;
    for (auto &[k, v] : params)
        entries.emplace_back(str(k), Value::list(std::move(v)));
    return stringKeyedMap(std::move(entries));
}

Value queryStringDecode(const Value *a, std::size_t n, EvalContext &)
{
    if (!a[0].isString())
        return noOverload("queryString.decode", a, n);
    std::string_view q = a[0].stringValue();
    if (q.starts_with('?'))
        q.remove_prefix(1);
    return decodeQuery(q, "queryString.decode");
}

struct ParsedUrl
{
    std::string scheme, userPassword, host, path, query, fragment, authority;
    std::int64_t port = 0;
};

bool isSchemeChar(char c, bool first)
{
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    return alpha || (!first && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
}

// RFC 3986 split into parts; false (with `error`) on a bad port or an
// unclosed IPv6 bracket. Relative references parse with empty scheme/host.
bool parseUrl(std::string_view s, ParsedUrl &u, std::string &error)
{
    if (const auto hash = s.find('#'); hash != std::string_view::npos) {
        u.fragment = s.substr(hash + 1);
        s = s.substr(0, hash);
    }
    if (const auto q = s.find('?'); q != std::string_view::npos) {
        u.query = s.substr(q + 1);
        s = s.substr(0, q);
    }
    if (const auto colon = s.find(':'); colon != std::string_view::npos && colon > 0) {
        bool scheme = true;
        for (std::size_t i = 0; i < colon && scheme; ++i)
            scheme = isSchemeChar(s[i], i == 0);
        if (scheme) {
            u.scheme = s.substr(0, colon);
            std::transform(u.scheme.begin(), u.scheme.end(), u.scheme.begin(),
                           [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
            s = s.substr(colon + 1);
        }
    }
    if (s.starts_with("//")) {
        s.remove_prefix(2);
        const auto slash = s.find('/');
        std::string_view authority = s.substr(0, slash);
        s = slash == std::string_view::npos ? std::string_view() : s.substr(slash);
        u.authority = authority;
        if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
            u.userPassword = authority.substr(0, at);
            authority = authority.substr(at + 1);
        }
        std::string_view portText;
        if (authority.starts_with('[')) {
            const auto close = authority.find(']');
            if (close == std::string_view::npos) {
                error = "missing ']' in host";
                return false;
            }
            u.host = authority.substr(1, close - 1);
            const std::string_view rest = authority.substr(close + 1);
            if (!rest.empty() && !rest.starts_with(':')) {
                error = "unexpected text after ']'";
                return false;
            }
            portText = rest.empty() ? rest : rest.substr(1);
        } else {
            const auto colon = authority.rfind(':');
            u.host = authority.substr(0, colon);
            portText = colon == std::string_view::npos ? std::string_view() : authority.substr(colon + 1);
        }
        std::transform(u.host.begin(), u.host.end(), u.host.begin(),
                       [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
        if (!portText.empty()) {
            const auto [end, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), u.port);
            if (ec != std::errc() || end != portText.data() + portText.size() || u.port < 0 || u.port > 65535) {
                error = "invalid port '" + std::string(portText) + "'";
                return false;
            }
        } else if (u.scheme == "http" || u.scheme == "ws") {
            u.port = 80;
        } else if (u.scheme == "https" || u.scheme == "wss") {
            u.port = 443;
        }
    }
    u.path = s;
    return true;
}

Value urlParse(const Value *a, std::size_t n, EvalContext &)
{
    if (!a[0].isString())
        return noOverload("url.parse", a, n);
    ParsedUrl u;
    std::string error;
    if (!parseUrl(a[0].stringValue(), u, error))
        return Value::error("url.parse: " + error + " in '" + std::string(a[0].stringValue()) + "'");
    Value params = decodeQuery(u.query, "url.parse");
    if (params.isError())
        return params;
    std::vector<MapValue::Entry> entries;
    entries.emplace_back(str("scheme"), str(u.scheme));
    entries.emplace_back(str("user_password"), str(u.userPassword));
    entries.emplace_back(str("host"), str(u.host));
    entries.emplace_back(str("port"), Value::integer(u.port));
    entries.emplace_back(str("authority"), str(u.authority));
    entries.emplace_back(str("path"), str(u.path));
    entries.emplace_back(str("query"), str(u.query));
    entries.emplace_back(str("query_params"), params);
    entries.emplace_back(str("fragment"), str(u.fragment));
    return stringKeyedMap(std::move(entries));
}

Value isUrl(const Value *a, std::size_t n, EvalContext &)
{
    if (!a[0].isString())
        return noOverload("isURL", a, n);
    ParsedUrl u;
    std::string error;
    return Value::boolean(parseUrl(a[0].stringValue(), u, error) && !u.scheme.empty() && !u.host.empty());
}

} // namespace

void registerEncodingFunctions(std::vector<FunctionInfo> &out)
{
    out.push_back({"json.encode", jsonEncode, 1, 1, false, true, {}});
    out.push_back({"json.decode", jsonDecode, 1, 1, false, true, {}});
    out.push_back({"encodeJson", jsonEncode, 1, 1, true, false, {}});
    out.push_back({"isJson", isJson, 1, 1, true, false, {}});
    out.push_back({"basic_auth.encode", basicAuthEncode, 2, 2, false, true, {}});
    out.push_back({"queryString.encode", queryStringEncode, 1, 1, false, true, {}});
    out.push_back({"queryString.decode", queryStringDecode, 1, 1, false, true, {}});
    out.push_back({"encodeQueryString", encodeQueryString, 1, 1, true, false, {}});
    out.push_back({"url.parse", urlParse, 1, 1, false, true, {}});
    out.push_back({"isURL", isUrl, 1, 1, true, false, {}});
}

} // namespace switchyard::cel
