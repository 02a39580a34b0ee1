// SPDX-License-Identifier: Apache-2.0
// Type conversions: int() uint() double() string() bytes() bool() dyn() type().
#include "policy/cel/functionregistry.h"
#include "policy/cel/textformat.h"
#include "policy/cel/timeutil.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace switchyard::cel {

namespace {

Value rangeError(std::string_view what) { return Value::error("range error: " + std::string(what)); }

Value conversionError(std::string_view target, const Value &v)
{
    return Value::error("cannot convert " + v.debugString() + " to " + std::string(target));
}

Value toInt(const Value *a, std::size_t n, EvalContext &)
{
    const Value &v = a[0];
    switch (v.kind()) {
    case ValueKind::Int: return v;
    case ValueKind::Uint:
        if (v.uintValue() > static_cast<std::uint64_t>(INT64_MAX))
            return rangeError("uint value does not fit in int");
        return Value::integer(static_cast<std::int64_t>(v.uintValue()));
    case ValueKind::Double: {
        const double d = v.doubleValue();
        if (!(d > -9223372036854775808.0 && d < 9223372036854775808.0))
            return rangeError("double value does not fit in int");
        return Value::integer(static_cast<std::int64_t>(d));
    }
    case ValueKind::String: {
        std::string_view s = v.stringValue();
        if (!s.empty() && s[0] == '+')
            s.remove_prefix(1);
        std::int64_t out = 0;
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        if (ec == std::errc::result_out_of_range)
            return rangeError("string value does not fit in int");
        if (ec != std::errc() || p != s.data() + s.size() || s.empty())
            return conversionError("int", v);
        return Value::integer(out);
    }
    case ValueKind::Timestamp: return Value::integer(v.timestampValue().seconds);
    case ValueKind::Duration: return Value::integer(v.durationValue().nanos);
    default: return noOverload("int", a, n);
    }
}

Value toUint(const Value *a, std::size_t n, EvalContext &)
{
    const Value &v = a[0];
    switch (v.kind()) {
    case ValueKind::Uint: return v;
    case ValueKind::Int:
        if (v.intValue() < 0)
            return rangeError("negative int value does not fit in uint");
        return Value::uinteger(static_cast<std::uint64_t>(v.intValue()));
    case ValueKind::Double: {
        const double d = v.doubleValue();
        if (!(d >= 0 && d < 18446744073709551616.0))
            return rangeError("double value does not fit in uint");
        return Value::uinteger(static_cast<std::uint64_t>(d));
    }
    case ValueKind::String: {
        std::string_view s = v.stringValue();
        if (!s.empty() && s[0] == '+')
            s.remove_prefix(1);
        std::uint64_t out = 0;
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
        if (ec == std::errc::result_out_of_range)
            return rangeError("string value does not fit in uint");
        if (ec != std::errc() || p != s.data() + s.size() || s.empty())
            return conversionError("uint", v);
        return Value::uinteger(out);
    }
    default: return noOverload("uint", a, n);
    }
}

Value toDouble(const Value *a, std::size_t n, EvalContext &)
{
    const Value &v = a[0];
    switch (v.kind()) {
    case ValueKind::Double: return v;
    case ValueKind::Int: return Value::dbl(static_cast<double>(v.intValue()));
    case ValueKind::Uint: return Value::dbl(static_cast<double>(v.uintValue()));
    case ValueKind::String: {
        const std::string s(v.stringValue());
        if (s.empty() || std::isspace(static_cast<unsigned char>(s[0])))
            return conversionError("double", v);
        char *end = nullptr;
        const double d = std::strtod(s.c_str(), &end);
        if (end != s.c_str() + s.size())
            return conversionError("double", v);
        return Value::dbl(d);
    }
    default: return noOverload("double", a, n);
    }
}

Value toString(const Value *a, std::size_t n, EvalContext &)
{
    const Value &v = a[0];
    switch (v.kind()) {
    case ValueKind::String: return v;
    case ValueKind::Int: return Value::string(std::to_string(v.intValue()));
    case ValueKind::Uint: return Value::string(std::to_string(v.uintValue()));
    case ValueKind::Double: return Value::string(formatDoubleText(v.doubleValue()));
    case ValueKind::Bool: return Value::string(v.boolValue() ? "true" : "false");
    case ValueKind::Bytes:
        if (!isValidUtf8(v.stringValue()))
            return Value::error("invalid UTF-8 in bytes, cannot convert to string");
        return Value::string(std::string(v.stringValue()));
    case ValueKind::Timestamp: return Value::string(formatTimestamp(v.timestampValue()));
    case ValueKind::Duration: return Value::string(formatDuration(v.durationValue()));
    default: return noOverload("string", a, n);
    }
}

Value toBytes(const Value *a, std::size_t n, EvalContext &)
{
    if (a[0].kind() == ValueKind::Bytes)
        return a[0];
    if (a[0].kind() == ValueKind::String)
        return Value::bytes(std::string(a[0].stringValue()));
    return noOverload("bytes", a, n);
}

Value toBool(const Value *a, std::size_t n, EvalContext &)
{
    if (a[0].isBool())
        return a[0];
    if (a[0].isString()) {
        const std::string_view s = a[0].stringValue();
        if (s == "true" || s == "TRUE" || s == "True" || s == "t" || s == "T" || s == "1")
            return Value::boolean(true);
        if (s == "false" || s == "FALSE" || s == "False" || s == "f" || s == "F" || s == "0")
            return Value::boolean(false);
        return conversionError("bool", a[0]);
    }
    return noOverload("bool", a, n);
}

Value toDyn(const Value *a, std::size_t, EvalContext &) { return a[0]; }
Value typeOf(const Value *a, std::size_t, EvalContext &) { return Value::type(a[0].typeName()); }

} // namespace

void registerConversions(std::vector<FunctionInfo> &out)
{
    out.push_back({"int", toInt, 1, 1, false, true, {}});
    out.push_back({"uint", toUint, 1, 1, false, true, {}});
    out.push_back({"double", toDouble, 1, 1, false, true, {}});
    out.push_back({"string", toString, 1, 1, false, true, {}});
    out.push_back({"bytes", toBytes, 1, 1, false, true, {}});
    out.push_back({"bool", toBool, 1, 1, false, true, {}});
    out.push_back({"dyn", toDyn, 1, 1, false, true, {}});
    out.push_back({"type", typeOf, 1, 1, false, true, {}});
}

} // namespace switchyard::cel
