// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <span>
#include <string_view>

namespace switchyard {

// The value types an action config field may have.
enum class FieldType {
    String,     // scalar text (plain numbers are taken as text)
    Integer,    // plain integer scalar; min/max bound the value
    Number,     // plain number scalar; minNumber/maxNumber bound the value
    Boolean,    // true / false
    Duration,   // "60s", "1m30s", "500ms"; min/max/multipleOf in milliseconds
    StringList, // list of strings; min/max bound the count, itemMin/itemMax the length
    StringMap,  // map of strings; min/max bound the count
    Object,     // map with the members in `fields`
    ObjectList, // list of such maps; min/max bound the count
    Cel,        // one CEL expression (not interpolated: the whole value is CEL)
    CelList,    // list of CEL expressions; min/max bound the count
    Any,        // any YAML value (set-vars values)
};

// Extra checks on string values (and on the items of string lists).
enum class StringCheck {
    None,
    HeaderName, // RFC 9110 token
    Cidr,       // IPv4 or IPv6 CIDR (a bare address counts as /32 or /128)
    Regex,      // RE2 syntax
    Url,        // absolute http(s) URL
};

// One field of an action's config. The tables in actionschemas*.cpp are the
// single source of truth for checking and for docs/traffic-policy.md.
struct FieldSchema
{
    std::string_view name;
    FieldType type = FieldType::String;
    bool required = false;
    std::string_view defaultValue = {}; // as documented; empty = none
    long long min = 0;                  // see FieldType; 0/0 = unbounded
    long long max = 0;
    double minNumber = 0;
    double maxNumber = 0;
    long long multipleOf = 0;           // Duration: milliseconds
    std::span<const std::string_view> allowed = {}; // enum values of a String / StringList
    bool interpolation = false;         // `${}` allowed in the value
    StringCheck check = StringCheck::None;
    std::span<const FieldSchema> fields = {}; // members of an Object / ObjectList
    long long itemMin = 0;              // StringList: length bounds of each item
    long long itemMax = 0;
    bool unique = false;                // StringList: no repeated items
};

std::string_view toString(FieldType type);

} // namespace switchyard
