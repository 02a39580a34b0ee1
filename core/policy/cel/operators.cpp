// SPDX-License-Identifier: Apache-2.0
// Arithmetic, comparison and size: CEL's operators on built-in types.
#include "policy/cel/functionregistry.h"
#include "policy/cel/textformat.h"
#include "policy/cel/timeutil.h"

#include <cmath>

namespace switchyard::cel {

namespace {

Value overflow() { return Value::error("integer overflow"); }
Value divideByZero() { return Value::error("division by zero"); }
Value moduloByZero() { return Value::error("modulus by zero"); }

Value concatenateLists(const Value &a, const Value &b, EvalContext &ctx)
{
    const ListValue &la = a.listValue(), &lb = b.listValue();
    if (la.size() == 0)
        return b;
    if (lb.size() == 0)
        return a;
    const std::size_t total = la.size() + lb.size();
    if (total > ctx.limits->maxListSize)
        return Value::error("list size limit exceeded (" + std::to_string(ctx.limits->maxListSize) + " elements)");
    if (!ctx.charge(total / 16))
        return costLimitError();
    std::vector<Value> out;
    out.reserve(total);
    out.insert(out.end(), la.begin(), la.end());
    out.insert(out.end(), lb.begin(), lb.end());
    return Value::list(std::move(out));
}

Value add(const Value *a, std::size_t n, EvalContext &ctx)
{
    const Value &x = a[0], &y = a[1];
    const ValueKind k = x.kind();
    if (k == y.kind()) {
        switch (k) {
        case ValueKind::Int: {
            std::int64_t r;
            return __builtin_add_overflow(x.intValue(), y.intValue(), &r) ? overflow() : Value::integer(r);
        }
        case ValueKind::Uint: {
            std::uint64_t r;
            return __builtin_add_overflow(x.uintValue(), y.uintValue(), &r) ? overflow() : Value::uinteger(r);
        }
        case ValueKind::Double: return Value::dbl(x.doubleValue() + y.doubleValue());
        case ValueKind::String:
        case ValueKind::Bytes: {
            if (x.stringValue().size() + y.stringValue().size() > ctx.limits->maxStringSize)
                return Value::error("string size limit exceeded (" + std::to_string(ctx.limits->maxStringSize)
                                    + " bytes)");
            // Copying is work too: charge it so a comprehension cannot copy
            // megabytes per step without hitting the cost limit.
            if (!ctx.charge((x.stringValue().size() + y.stringValue().size()) / 128))
                return costLimitError();
            std::string s;
            s.reserve(x.stringValue().size() + y.stringValue().size());
            s.append(x.stringValue());
            s.append(y.stringValue());
            return k == ValueKind::String ? Value::string(std::move(s)) : Value::bytes(std::move(s));
        }
        case ValueKind::List: return concatenateLists(x, y, ctx);
        case ValueKind::Duration: return addDurations(x.durationValue(), y.durationValue());
        default: break;
        }
    }
    if (k == ValueKind::Timestamp && y.kind() == ValueKind::Duration)
        return addTimestampDuration(x.timestampValue(), y.durationValue());
    if (k == ValueKind::Duration && y.kind() == ValueKind::Timestamp)
        return addTimestampDuration(y.timestampValue(), x.durationValue());
    return noOverload("_+_", a, n);
}

Value subtract(const Value *a, std::size_t n, EvalContext &)
{
    const Value &x = a[0], &y = a[1];
    const ValueKind k = x.kind();
    if (k == y.kind()) {
        switch (k) {
        case ValueKind::Int: {
            std::int64_t r;
            return __builtin_sub_overflow(x.intValue(), y.intValue(), &r) ? overflow() : Value::integer(r);
        }
        case ValueKind::Uint: {
            std::uint64_t r;
            return __builtin_sub_overflow(x.uintValue(), y.uintValue(), &r) ? overflow() : Value::uinteger(r);
        }
        case ValueKind::Double: return Value::dbl(x.doubleValue() - y.doubleValue());
        case ValueKind::Duration: return subtractDurations(x.durationValue(), y.durationValue());
        case ValueKind::Timestamp: return subtractTimestamps(x.timestampValue(), y.timestampValue());
        default: break;
        }
    }
    if (k == ValueKind::Timestamp && y.kind() == ValueKind::Duration) {
        if (y.durationValue().nanos == INT64_MIN)
            return Value::error("timestamp out of range");
        return addTimestampDuration(x.timestampValue(), Duration{-y.durationValue().nanos});
    }
    return noOverload("_-_", a, n);
}

Value multiply(const Value *a, std::size_t n, EvalContext &)
{
    const Value &x = a[0], &y = a[1];
    if (x.kind() == y.kind()) {
        switch (x.kind()) {
        case ValueKind::Int: {
            std::int64_t r;
            return __builtin_mul_overflow(x.intValue(), y.intValue(), &r) ? overflow() : Value::integer(r);
        }
        case ValueKind::Uint: {
            std::uint64_t r;
            return __builtin_mul_overflow(x.uintValue(), y.uintValue(), &r) ? overflow() : Value::uinteger(r);
        }
        case ValueKind::Double: return Value::dbl(x.doubleValue() * y.doubleValue());
        default: break;
        }
    }
    return noOverload("_*_", a, n);
}

Value divide(const Value *a, std::size_t n, EvalContext &)
{
    const Value &x = a[0], &y = a[1];
    if (x.kind() == y.kind()) {
        switch (x.kind()) {
        case ValueKind::Int:
            if (y.intValue() == 0)
                return divideByZero();
            if (x.intValue() == INT64_MIN && y.intValue() == -1)
                return overflow();
            return Value::integer(x.intValue() / y.intValue());
        case ValueKind::Uint:
            if (y.uintValue() == 0)
                return divideByZero();
            return Value::uinteger(x.uintValue() / y.uintValue());
        case ValueKind::Double: return Value::dbl(x.doubleValue() / y.doubleValue());
        default: break;
        }
    }
    return noOverload("_/_", a, n);
}

Value modulo(const Value *a, std::size_t n, EvalContext &)
{
    const Value &x = a[0], &y = a[1];
    if (x.kind() == y.kind()) {
        switch (x.kind()) {
        case ValueKind::Int:
            if (y.intValue() == 0)
                return moduloByZero();
            if (x.intValue() == INT64_MIN && y.intValue() == -1)
                return overflow();
            return Value::integer(x.intValue() % y.intValue());
        case ValueKind::Uint:
            if (y.uintValue() == 0)
                return moduloByZero();
            return Value::uinteger(x.uintValue() % y.uintValue());
        default: break;
        }
    }
    return noOverload("_%_", a, n);
}

Value negate(const Value *a, std::size_t n, EvalContext &)
{
    switch (a[0].kind()) {
    case ValueKind::Int:
        if (a[0].intValue() == INT64_MIN)
            return overflow();
        return Value::integer(-a[0].intValue());
    case ValueKind::Double: return Value::dbl(-a[0].doubleValue());
    default: return noOverload("-_", a, n);
    }
}

Value logicalNot(const Value *a, std::size_t n, EvalContext &)
{
    if (a[0].isBool())
        return Value::boolean(!a[0].boolValue());
    return noOverload("!_", a, n);
}

Value equals(const Value *a, std::size_t, EvalContext &) { return Value::boolean(valuesEqual(a[0], a[1])); }
Value notEquals(const Value *a, std::size_t, EvalContext &) { return Value::boolean(!valuesEqual(a[0], a[1])); }

template<int Op>
Value compare(const Value *a, std::size_t n, EvalContext &)
{
    static constexpr std::string_view names[] = {"_<_", "_<=_", "_>_", "_>=_"};
    const auto ord = compareValues(a[0], a[1]);
    if (!ord)
        return noOverload(names[Op], a, n);
    switch (Op) {
    case 0: return Value::boolean(*ord < 0);
    case 1: return Value::boolean(*ord <= 0);
    case 2: return Value::boolean(*ord > 0);
    default: return Value::boolean(*ord >= 0);
    }
}

Value size(const Value *a, std::size_t n, EvalContext &)
{
    switch (a[0].kind()) {
    case ValueKind::String: return Value::integer(static_cast<std::int64_t>(utf8Length(a[0].stringValue())));
    case ValueKind::Bytes: return Value::integer(static_cast<std::int64_t>(a[0].stringValue().size()));
    case ValueKind::List: return Value::integer(static_cast<std::int64_t>(a[0].listValue().size()));
    case ValueKind::Map: return Value::integer(static_cast<std::int64_t>(a[0].mapValue().size()));
    default: return noOverload("size", a, n);
    }
}

} // namespace

void registerOperators(std::vector<FunctionInfo> &out)
{
    out.push_back({"_+_", add, 2, 2, false, true, {}});
    out.push_back({"_-_", subtract, 2, 2, false, true, {}});
    out.push_back({"_*_", multiply, 2, 2, false, true, {}});
    out.push_back({"_/_", divide, 2, 2, false, true, {}});
    out.push_back({"_%_", modulo, 2, 2, false, true, {}});
    out.push_back({"-_", negate, 1, 1, false, true, {}});
    out.push_back({"!_", logicalNot, 1, 1, false, true, {}});
    out.push_back({"_==_", equals, 2, 2, false, true, {}});
    out.push_back({"_!=_", notEquals, 2, 2, false, true, {}});
    out.push_back({"_<_", compare<0>, 2, 2, false, true, {}});
    out.push_back({"_<=_", compare<1>, 2, 2, false, true, {}});
    out.push_back({"_>_", compare<2>, 2, 2, false, true, {}});
    out.push_back({"_>=_", compare<3>, 2, 2, false, true, {}});
    out.push_back({"size", size, 1, 1, true, true, {}});
}

} // namespace switchyard::cel
