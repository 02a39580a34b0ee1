// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchyard {

struct HttpHeaderField
{
    std::string name;      // as received (case preserved)
    std::string value;     // OWS trimmed
    std::string lowerName; // lookup key

    bool operator==(const HttpHeaderField &other) const = default;
};

// An ordered header list. Names keep their case for re-serialisation; all
// lookups are case-insensitive (they compare against the lower-cased name).
class HttpHeaders
{
public:
    void append(std::string_view name, std::string_view value);
    // Replaces every field called `name` by one field (appended at the end
    // when there was none, otherwise at the position of the first).
    void set(std::string_view name, std::string_view value);
    // Removes every field called `name`; returns how many were removed.
    std::size_t remove(std::string_view name);

    const std::vector<HttpHeaderField> &fields() const { return m_fields; }
    std::vector<HttpHeaderField> &fields() { return m_fields; }
    std::size_t size() const { return m_fields.size(); }
    bool empty() const { return m_fields.empty(); }

    bool contains(std::string_view name) const;
    std::size_t count(std::string_view name) const;
    // First value of `name`, if any.
    std::optional<std::string_view> value(std::string_view name) const;
    std::vector<std::string_view> values(std::string_view name) const;
    // All values of `name` split as a comma-separated list (RFC 9110 §5.6.1),
    // elements OWS-trimmed and lower-cased, empty elements skipped.
    std::vector<std::string> tokens(std::string_view name) const;
    bool hasToken(std::string_view name, std::string_view token) const;

    bool operator==(const HttpHeaders &other) const = default;

    static std::string toLower(std::string_view text);
    static bool equalsIgnoreCase(std::string_view a, std::string_view b);

private:
    std::vector<HttpHeaderField> m_fields;
};

} // namespace switchyard
