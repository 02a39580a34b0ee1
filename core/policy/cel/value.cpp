// SPDX-License-Identifier: Apache-2.0
#include "policy/cel/value.h"

#include "policy/cel/textformat.h"
#include "policy/cel/timeutil.h"

#include <cmath>
#include <functional>

namespace switchyard::cel {

namespace {

// Type names live for the whole program; type values point at them without
// owning anything, so `type(x)` never allocates for built-in types.
const std::string *internedTypeName(std::string_view name)
{
    static const std::string names[] = {"null_type", "bool", "int", "uint", "double", "string", "bytes",
                                        "list", "map", "type", "google.protobuf.Timestamp",
                                        "google.protobuf.Duration", "error"};
    for (const auto &n : names)
        if (n == name)
            return &n;
    return nullptr;
}

std::shared_ptr<const void> unowned(const void *p)
{
    return std::shared_ptr<const void>(std::shared_ptr<const void>(), p);
}

std::uint64_t hashKey(const MapValue::Key &k)
{
    std::uint64_t h = k.kind == MapValue::Key::String ? std::hash<std::string_view>{}(k.text)
                                                      : k.number * 0x9E3779B97F4A7C15ull;
    return h ^ (static_cast<std::uint64_t>(k.kind) << 56);
}

} // namespace

Value Value::boolean(bool b) { Value v; v.m_kind = ValueKind::Bool; v.m_scalar.b = b; return v; }
Value Value::integer(std::int64_t i) { Value v; v.m_kind = ValueKind::Int; v.m_scalar.i = i; return v; }
Value Value::uinteger(std::uint64_t u) { Value v; v.m_kind = ValueKind::Uint; v.m_scalar.u = u; return v; }
Value Value::dbl(double d) { Value v; v.m_kind = ValueKind::Double; v.m_scalar.d = d; return v; }

Value Value::string(std::string s)
{
    return string(std::make_shared<const std::string>(std::move(s)));
}

Value Value::string(std::shared_ptr<const std::string> s)
{
    Value v;
    v.m_kind = ValueKind::String;
    v.m_heap = std::move(s);
    return v;
}

Value Value::bytes(std::string b)
{
    Value v;
    v.m_kind = ValueKind::Bytes;
    v.m_heap = std::make_shared<const std::string>(std::move(b));
    return v;
}

Value Value::list(std::vector<Value> elements)
{
    return list(std::make_shared<const ListValue>(std::move(elements)));
}

Value Value::list(std::shared_ptr<const ListValue> l)
{
    Value v;
    v.m_kind = ValueKind::List;
    v.m_heap = std::move(l);
    return v;
}

Value Value::map(std::shared_ptr<const MapValue> m)
{
    Value v;
    v.m_kind = ValueKind::Map;
    v.m_heap = std::move(m);
    return v;
}

Value Value::type(std::string_view name)
{
    Value v;
    v.m_kind = ValueKind::Type;
    if (const std::string *interned = internedTypeName(name))
        v.m_heap = unowned(interned);
    else
        v.m_heap = std::make_shared<const std::string>(name);
    return v;
}

Value Value::timestamp(Timestamp t) { Value v; v.m_kind = ValueKind::Timestamp; v.m_scalar.ts = t; return v; }
Value Value::duration(Duration d) { Value v; v.m_kind = ValueKind::Duration; v.m_scalar.dur = d; return v; }

Value Value::error(std::string message)
{
    Value v;
    v.m_kind = ValueKind::Error;
    v.m_heap = std::make_shared<const std::string>(std::move(message));
    return v;
}

std::string_view Value::typeName() const
{
    switch (m_kind) {
    case ValueKind::Null: return "null_type";
    case ValueKind::Bool: return "bool";
    case ValueKind::Int: return "int";
    case ValueKind::Uint: return "uint";
    case ValueKind::Double: return "double";
    case ValueKind::String: return "string";
    case ValueKind::Bytes: return "bytes";
    case ValueKind::List: return "list";
    case ValueKind::Map: return "map";
    case ValueKind::Type: return "type";
    case ValueKind::Timestamp: return "google.protobuf.Timestamp";
    case ValueKind::Duration: return "google.protobuf.Duration";
    case ValueKind::Error: return "error";
    }
    return "error";
}

std::string Value::debugString() const
{
    switch (m_kind) {
    case ValueKind::Null: return "null";
    case ValueKind::Bool: return m_scalar.b ? "true" : "false";
    case ValueKind::Int: return std::to_string(m_scalar.i);
    case ValueKind::Uint: return std::to_string(m_scalar.u) + "u";
    case ValueKind::Double: return formatDoubleLiteral(m_scalar.d);
    case ValueKind::String: return quoteString(stringValue());
    case ValueKind::Bytes: return "b" + quoteBytes(stringValue());
    case ValueKind::List: {
        std::string out = "[";
        bool first = true;
        for (const Value &e : listValue()) {
            out += first ? "" : ", ";
            first = false;
            out += e.debugString();
        }
        return out + "]";
    }
    case ValueKind::Map: {
        std::string out = "{";
        bool first = true;
        for (const auto &[k, v] : mapValue().entries()) {
            out += first ? "" : ", ";
            first = false;
            out += k.debugString() + ": " + v.debugString();
        }
        return out + "}";
    }
    case ValueKind::Type: return std::string(typeValue());
    case ValueKind::Timestamp: return "timestamp(\"" + formatTimestamp(m_scalar.ts) + "\")";
    case ValueKind::Duration: return "duration(\"" + formatDuration(m_scalar.dur) + "\")";
    case ValueKind::Error: return "error(" + quoteString(errorMessage()) + ")";
    }
    return {};
}

MapValue::Key MapValue::keyOf(const Value &v)
{
    Key k;
    switch (v.kind()) {
    case ValueKind::Bool:
        k.kind = Key::Bool;
        k.number = v.boolValue() ? 1 : 0;
        break;
    case ValueKind::Int:
        k.kind = v.intValue() < 0 ? Key::NegInt : Key::NonNeg;
        k.number = static_cast<std::uint64_t>(v.intValue());
        break;
    case ValueKind::Uint:
        k.kind = Key::NonNeg;
        k.number = v.uintValue();
        break;
    case ValueKind::Double: {
        // Only used for lookups: an integral double finds the int/uint key.
        const double d = v.doubleValue();
        if (std::trunc(d) == d && d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
            const auto i = static_cast<std::int64_t>(d);
            k.kind = i < 0 ? Key::NegInt : Key::NonNeg;
            k.number = static_cast<std::uint64_t>(i);
        } else if (std::trunc(d) == d && d >= 0 && d < 18446744073709551616.0) {
            k.kind = Key::NonNeg;
            k.number = static_cast<std::uint64_t>(d);
        }
        break;
    }
    case ValueKind::String:
        k.kind = Key::String;
        k.text = v.stringValue();
        break;
    default:
        break;
    }
    return k;
}

MapValue::MapValue(std::vector<Entry> entries) : m_entries(std::move(entries))
{
    m_keys.reserve(m_entries.size());
    for (const auto &e : m_entries)
        m_keys.push_back(keyOf(e.first));
    if (m_entries.size() > 8) {
        std::size_t cap = 16;
        while (cap < m_entries.size() * 2)
            cap *= 2;
        m_index.assign(cap, -1);
        for (std::size_t i = 0; i < m_keys.size(); ++i) {
            std::size_t slot = hashKey(m_keys[i]) & (cap - 1);
            while (m_index[slot] >= 0)
                slot = (slot + 1) & (cap - 1);
            m_index[slot] = static_cast<std::int32_t>(i);
        }
    }
}

Value MapValue::make(std::vector<Entry> entries)
{
    for (const auto &e : entries) {
        const ValueKind k = e.first.kind();
        if (k == ValueKind::Error)
            return e.first;
        if (k != ValueKind::Bool && k != ValueKind::Int && k != ValueKind::Uint && k != ValueKind::String)
            return Value::error("unsupported key type '" + std::string(e.first.typeName()) + "' in map literal");
        if (e.second.isError())
            return e.second;
    }
    auto m = std::make_shared<const MapValue>(std::move(entries));
    for (std::size_t i = 0; i < m->m_entries.size(); ++i)
        if (m->findKey(m->m_keys[i]) != &m->m_entries[i].second)
            return Value::error("Failed with repeated key " + m->m_entries[i].first.debugString());
    return Value::map(std::move(m));
}

std::shared_ptr<const MapValue> MapValue::makeUnchecked(std::vector<Entry> entries)
{
    return std::make_shared<const MapValue>(std::move(entries));
}

const Value *MapValue::findKey(const Key &k) const
{
    if (k.kind == Key::Invalid)
        return nullptr;
    if (m_index.empty()) {
        for (std::size_t i = 0; i < m_keys.size(); ++i)
            if (m_keys[i] == k)
                return &m_entries[i].second;
        return nullptr;
    }
    const std::size_t mask = m_index.size() - 1;
    for (std::size_t slot = hashKey(k) & mask;; slot = (slot + 1) & mask) {
        const std::int32_t i = m_index[slot];
        if (i < 0)
            return nullptr;
        if (m_keys[static_cast<std::size_t>(i)] == k)
            return &m_entries[static_cast<std::size_t>(i)].second;
    }
}

const Value *MapValue::find(const Value &key) const { return findKey(keyOf(key)); }

const Value *MapValue::find(std::string_view key) const
{
    Key k;
    k.kind = Key::String;
    k.text = key;
    return findKey(k);
}

namespace {

bool isNumeric(ValueKind k) { return k == ValueKind::Int || k == ValueKind::Uint || k == ValueKind::Double; }

// Exact comparison of two numbers of possibly different kinds.
std::partial_ordering compareNumbers(const Value &a, const Value &b)
{
    const ValueKind ka = a.kind(), kb = b.kind();
    if (ka == ValueKind::Double || kb == ValueKind::Double) {
        if (ka == ValueKind::Double && kb == ValueKind::Double)
            return a.doubleValue() <=> b.doubleValue();
        if (ka != ValueKind::Double)
            return 0 <=> compareNumbers(b, a);
        const double d = a.doubleValue();
        if (std::isnan(d))
            return std::partial_ordering::unordered;
        if (kb == ValueKind::Int) {
            if (d < -9223372036854775808.0)
                return std::partial_ordering::less;
            if (d >= 9223372036854775808.0)
                return std::partial_ordering::greater;
            const double t = std::trunc(d);
            const auto i = static_cast<std::int64_t>(t);
            if (i != b.intValue())
                return i <=> b.intValue();
            return d <=> t;
        }
        if (d < 0)
            return std::partial_ordering::less;
        if (d >= 18446744073709551616.0)
            return std::partial_ordering::greater;
        const double t = std::trunc(d);
        const auto u = static_cast<std::uint64_t>(t);
        if (u != b.uintValue())
            return u <=> b.uintValue();
        return d <=> t;
    }
    if (ka == kb)
        return ka == ValueKind::Int ? a.intValue() <=> b.intValue() : a.uintValue() <=> b.uintValue();
    if (ka == ValueKind::Int) {
        if (a.intValue() < 0)
            return std::partial_ordering::less;
        return static_cast<std::uint64_t>(a.intValue()) <=> b.uintValue();
    }
    return 0 <=> compareNumbers(b, a);
}

} // namespace

bool valuesEqual(const Value &a, const Value &b)
{
    const ValueKind ka = a.kind(), kb = b.kind();
    if (isNumeric(ka) && isNumeric(kb))
        return compareNumbers(a, b) == std::partial_ordering::equivalent;
    if (ka != kb)
        return false;
    switch (ka) {
    case ValueKind::Null: return true;
    case ValueKind::Bool: return a.boolValue() == b.boolValue();
    case ValueKind::String:
    case ValueKind::Bytes:
    case ValueKind::Type:
    case ValueKind::Error: return a.stringValue() == b.stringValue();
    case ValueKind::Timestamp: return a.timestampValue() == b.timestampValue();
    case ValueKind::Duration: return a.durationValue() == b.durationValue();
    case ValueKind::List: {
        const ListValue &la = a.listValue(), &lb = b.listValue();
        if (la.size() != lb.size())
            return false;
        for (std::size_t i = 0; i < la.size(); ++i)
            if (!valuesEqual(la.at(i), lb.at(i)))
                return false;
        return true;
    }
    case ValueKind::Map: {
        const MapValue &ma = a.mapValue(), &mb = b.mapValue();
        if (ma.size() != mb.size())
            return false;
        for (const auto &[k, v] : ma.entries()) {
            const Value *other = mb.find(k);
            if (!other || !valuesEqual(v, *other))
                return false;
        }
        return true;
    }
    default: return false;
    }
}

std::optional<std::partial_ordering> compareValues(const Value &a, const Value &b)
{
    const ValueKind ka = a.kind(), kb = b.kind();
    if (isNumeric(ka) && isNumeric(kb))
        return compareNumbers(a, b);
    if (ka != kb)
        return std::nullopt;
    switch (ka) {
    case ValueKind::Bool: return a.boolValue() <=> b.boolValue();
    case ValueKind::String:
    case ValueKind::Bytes: return a.stringValue() <=> b.stringValue();
    case ValueKind::Timestamp: return a.timestampValue() <=> b.timestampValue();
    case ValueKind::Duration: return a.durationValue() <=> b.durationValue();
    default: return std::nullopt;
    }
}

Value makeList(std::vector<Value> elements) { return Value::list(std::move(elements)); }

Value makeStringList(const std::vector<std::string> &items)
{
    std::vector<Value> out;
    out.reserve(items.size());
    for (const auto &s : items)
        out.push_back(Value::string(s));
    return Value::list(std::move(out));
}

} // namespace switchyard::cel
