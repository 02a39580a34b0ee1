// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <compare>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace switchyard::cel {

class ListValue;
class MapValue;

// Seconds since the Unix epoch plus nanoseconds (0..999999999); CEL's valid
// range is 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999999Z.
struct Timestamp
{
    std::int64_t seconds = 0;
    std::int32_t nanos = 0;
    auto operator<=>(const Timestamp &) const = default;
};

// Signed nanoseconds, like cel-go: about ±292 years.
struct Duration
{
    std::int64_t nanos = 0;
    auto operator<=>(const Duration &) const = default;
};

enum class ValueKind : std::uint8_t {
    Null, Bool, Int, Uint, Double, String, Bytes, List, Map, Type, Timestamp, Duration, Error
};

// A CEL value. Scalars are stored inline; strings, bytes, lists, maps, type
// names and error messages are immutable and shared, so copying a Value costs
// at most a reference-count increment. Errors are values (CEL semantics).
class Value
{
public:
    Value() = default; // null

    static Value null() { return Value(); }
    static Value boolean(bool b);
    static Value integer(std::int64_t i);
    static Value uinteger(std::uint64_t u);
    static Value dbl(double d);
    static Value string(std::string s);
    static Value string(std::shared_ptr<const std::string> s);
    static Value bytes(std::string b);
    static Value list(std::vector<Value> elements);
    static Value list(std::shared_ptr<const ListValue> l);
    static Value map(std::shared_ptr<const MapValue> m);
    // A type value; `name` is the CEL type name ("int", "map",
    // "google.protobuf.Timestamp").
    static Value type(std::string_view name);
    static Value timestamp(Timestamp t);
    static Value duration(Duration d);
    static Value error(std::string message);

    ValueKind kind() const { return m_kind; }
    bool isError() const { return m_kind == ValueKind::Error; }
    bool isNull() const { return m_kind == ValueKind::Null; }
    bool isBool() const { return m_kind == ValueKind::Bool; }
    bool isString() const { return m_kind == ValueKind::String; }

    bool boolValue() const { return m_scalar.b; }
    std::int64_t intValue() const { return m_scalar.i; }
    std::uint64_t uintValue() const { return m_scalar.u; }
    double doubleValue() const { return m_scalar.d; }
    // String and bytes contents.
    std::string_view stringValue() const { return *static_cast<const std::string *>(m_heap.get()); }
    const ListValue &listValue() const { return *static_cast<const ListValue *>(m_heap.get()); }
    const MapValue &mapValue() const { return *static_cast<const MapValue *>(m_heap.get()); }
    std::string_view typeValue() const { return stringValue(); }
    Timestamp timestampValue() const { return m_scalar.ts; }
    Duration durationValue() const { return m_scalar.dur; }
    std::string_view errorMessage() const { return stringValue(); }
    // Errors: byte offset in the expression source of the sub-expression
    // that failed, or -1 when unknown.
    int errorOffset() const { return static_cast<int>(m_scalar.i) - 1; }
    // Records `offset` on an error unless one is already recorded, so the
    // innermost failing sub-expression wins as the error propagates.
    void markErrorOffset(int offset)
    {
        if (m_kind == ValueKind::Error && m_scalar.i == 0)
            m_scalar.i = offset + 1;
    }

    // The CEL name of this value's type ("int", "list", ...).
    std::string_view typeName() const;
    // A CEL-literal-like rendering for diagnostics and tests: 1, 1u, 1.0,
    // "s", b"\x01", [1, 2], {"a": 1}, int, timestamp("..."), duration("1s").
    std::string debugString() const;

private:
    union Scalar {
        bool b;
        std::int64_t i;
        std::uint64_t u;
        double d;
        Timestamp ts;
        Duration dur;
    };
    ValueKind m_kind = ValueKind::Null;
    Scalar m_scalar{.i = 0};
    std::shared_ptr<const void> m_heap;
};

class ListValue
{
public:
    explicit ListValue(std::vector<Value> elements) : m_elements(std::move(elements)) {}
    std::size_t size() const { return m_elements.size(); }
    const Value &at(std::size_t i) const { return m_elements[i]; }
    const std::vector<Value> &elements() const { return m_elements; }
    auto begin() const { return m_elements.begin(); }
    auto end() const { return m_elements.end(); }

private:
    std::vector<Value> m_elements;
};

// A map with bool, int, uint or string keys. Lookup treats int, uint and
// integral doubles as the same key (CEL heterogeneous key lookup).
class MapValue
{
public:
    using Entry = std::pair<Value, Value>;
    // Fails (returns an error Value) on a repeated or unsupported key.
    static Value make(std::vector<Entry> entries);
    // For trusted construction (keys known unique and valid), e.g. request
    // variables built by the engine.
    static std::shared_ptr<const MapValue> makeUnchecked(std::vector<Entry> entries);

    std::size_t size() const { return m_entries.size(); }
    const std::vector<Entry> &entries() const { return m_entries; }
    const Value *find(const Value &key) const;
    const Value *find(std::string_view key) const;

    struct Key
    {
        enum Kind : std::uint8_t { Bool, NegInt, NonNeg, String, Invalid } kind = Invalid;
        std::uint64_t number = 0;
        std::string_view text;
        bool operator==(const Key &o) const { return kind == o.kind && number == o.number && text == o.text; }
    };
    static Key keyOf(const Value &v);

    explicit MapValue(std::vector<Entry> entries);

private:
    const Value *findKey(const Key &k) const;
    std::vector<Entry> m_entries;
    std::vector<Key> m_keys;
    // Open-addressing index into m_entries for larger maps; empty for small ones.
    std::vector<std::int32_t> m_index;
};

// CEL equality (heterogeneous across int/uint/double; false across other
// differing types). Error operands are handled by the caller.
bool valuesEqual(const Value &a, const Value &b);
// CEL ordering: nullopt when the operands cannot be ordered (an error for
// `<`), partial_ordering::unordered for NaN.
std::optional<std::partial_ordering> compareValues(const Value &a, const Value &b);

// Convenience for building values in C++.
Value makeList(std::vector<Value> elements);
Value makeStringList(const std::vector<std::string> &items);

} // namespace switchyard::cel
