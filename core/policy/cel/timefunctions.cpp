// SPDX-License-Identifier: Apache-2.0
// timestamp(), duration() and the timestamp/duration accessors.
#include "policy/cel/functionregistry.h"
#include "policy/cel/timeutil.h"

namespace switchyard::cel {

namespace {

Value toTimestamp(const Value *a, std::size_t n, EvalContext &)
{
    switch (a[0].kind()) {
    case ValueKind::Timestamp: return a[0];
    case ValueKind::String: return parseTimestamp(a[0].stringValue());
    case ValueKind::Int: {
        const Timestamp t{a[0].intValue(), 0};
        return timestampInRange(t) ? Value::timestamp(t) : Value::error("timestamp out of range");
    }
    default: return noOverload("timestamp", a, n);
    }
}

Value toDuration(const Value *a, std::size_t n, EvalContext &)
{
    switch (a[0].kind()) {
    case ValueKind::Duration: return a[0];
    case ValueKind::String: return parseDuration(a[0].stringValue());
    default: return noOverload("duration", a, n);
    }
}

enum class Field { FullYear, Month, Date, DayOfMonth, DayOfWeek, DayOfYear, Hours, Minutes, Seconds, Milliseconds };

constexpr std::string_view fieldName(Field f)
{
    switch (f) {
    case Field::FullYear: return "getFullYear";
    case Field::Month: return "getMonth";
    case Field::Date: return "getDate";
    case Field::DayOfMonth: return "getDayOfMonth";
    case Field::DayOfWeek: return "getDayOfWeek";
    case Field::DayOfYear: return "getDayOfYear";
    case Field::Hours: return "getHours";
    case Field::Minutes: return "getMinutes";
    case Field::Seconds: return "getSeconds";
    case Field::Milliseconds: return "getMilliseconds";
    }
    return "";
}

template<Field F>
Value accessor(const Value *a, std::size_t n, EvalContext &)
{
    if (a[0].kind() == ValueKind::Duration && n == 1) {
        const std::int64_t ns = a[0].durationValue().nanos;
        switch (F) {
        case Field::Hours: return Value::integer(ns / 3600000000000LL);
        case Field::Minutes: return Value::integer(ns / 60000000000LL);
        case Field::Seconds: return Value::integer(ns / 1000000000LL);
        case Field::Milliseconds: return Value::integer(ns % 1000000000LL / 1000000LL);
        default: return noOverload(fieldName(F), a, n);
        }
    }
    if (a[0].kind() != ValueKind::Timestamp || (n == 2 && !a[1].isString()))
        return noOverload(fieldName(F), a, n);
    const Timestamp t = a[0].timestampValue();
    std::int64_t offset = 0;
    if (n == 2) {
        const auto o = utcOffsetAt(a[1].stringValue(), t.seconds);
        if (!o)
            return Value::error("unknown time zone '" + std::string(a[1].stringValue()) + "'");
        offset = *o;
    }
    const CivilTime c = civilFromSeconds(t.seconds + offset);
    switch (F) {
    case Field::FullYear: return Value::integer(c.year);
    case Field::Month: return Value::integer(c.month - 1);
    case Field::Date: return Value::integer(c.day);
    case Field::DayOfMonth: return Value::integer(c.day - 1);
    case Field::DayOfWeek: return Value::integer(c.dayOfWeek);
    case Field::DayOfYear: return Value::integer(c.dayOfYear);
    case Field::Hours: return Value::integer(c.hour);
    case Field::Minutes: return Value::integer(c.minute);
    case Field::Seconds: return Value::integer(c.second);
    case Field::Milliseconds: return Value::integer(t.nanos / 1000000);
    }
    return noOverload(fieldName(F), a, n);
}

template<Field F>
void addAccessor(std::vector<FunctionInfo> &out)
{
    out.push_back({fieldName(F), accessor<F>, 1, 2, true, false, {}});
}

} // namespace

void registerTimeFunctions(std::vector<FunctionInfo> &out)
{
    out.push_back({"timestamp", toTimestamp, 1, 1, false, true, {}});
    out.push_back({"duration", toDuration, 1, 1, false, true, {}});
    addAccessor<Field::FullYear>(out);
    addAccessor<Field::Month>(out);
    addAccessor<Field::Date>(out);
    addAccessor<Field::DayOfMonth>(out);
    addAccessor<Field::DayOfWeek>(out);
    addAccessor<Field::DayOfYear>(out);
    addAccessor<Field::Hours>(out);
    addAccessor<Field::Minutes>(out);
    addAccessor<Field::Seconds>(out);
    addAccessor<Field::Milliseconds>(out);
}

} // namespace switchyard::cel
