// SPDX-License-Identifier: Apache-2.0
#include "data/http/httpheaders.h"

#include <algorithm>

namespace switchyard {

namespace {

char lowerAscii(char c)
{
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string_view trimOws(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

bool matches(const HttpHeaderField &f, std::string_view name)
{
    if (f.lowerName.size() != name.size())
        return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        if (f.lowerName[i] != lowerAscii(name[i]))
            return false;
    }
    return true;
}

// Calls fn(element) for each non-empty, OWS-trimmed element of the
// comma-separated values of `name`; stops when fn returns true.
template<typename Fn>
bool forEachElement(const std::vector<HttpHeaderField> &fields, std::string_view name, Fn fn)
{
    for (const auto &f : fields) {
        if (!matches(f, name))
            continue;
        std::string_view v = f.value;
        while (!v.empty()) {
            const auto comma = v.find(',');
            const std::string_view element = trimOws(v.substr(0, comma));
            if (!element.empty() && fn(element))
                return true;
            if (comma == std::string_view::npos)
                break;
            v.remove_prefix(comma + 1);
        }
    }
    return false;
}

} // namespace

std::string HttpHeaders::toLower(std::string_view text)
{
    std::string out(text);
    for (char &c : out)
        c = lowerAscii(c);
    return out;
}

bool HttpHeaders::equalsIgnoreCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lowerAscii(a[i]) != lowerAscii(b[i]))
            return false;
    }
    return true;
}

void HttpHeaders::append(std::string_view name, std::string_view value)
{
    m_fields.push_back(HttpHeaderField{std::string(name), std::string(value), toLower(name)});
}

void HttpHeaders::set(std::string_view name, std::string_view value)
{
    const std::string key = toLower(name);
    auto first = std::find_if(m_fields.begin(), m_fields.end(),
                              [&](const HttpHeaderField &f) { return f.lowerName == key; });
    if (first == m_fields.end()) {
        append(name, value);
        return;
    }
    first->name = std::string(name);
    first->value = std::string(value);
    m_fields.erase(std::remove_if(first + 1, m_fields.end(),
                                  [&](const HttpHeaderField &f) { return f.lowerName == key; }),
                   m_fields.end());
}

std::size_t HttpHeaders::remove(std::string_view name)
{
    const std::string key = toLower(name);
    const auto before = m_fields.size();
    m_fields.erase(std::remove_if(m_fields.begin(), m_fields.end(),
                                  [&](const HttpHeaderField &f) { return f.lowerName == key; }),
                   m_fields.end());
    return before - m_fields.size();
}

bool HttpHeaders::contains(std::string_view name) const
{
    return count(name) > 0;
}

std::size_t HttpHeaders::count(std::string_view name) const
{
    return static_cast<std::size_t>(
        std::count_if(m_fields.begin(), m_fields.end(), [&](const HttpHeaderField &f) { return matches(f, name); }));
}

std::optional<std::string_view> HttpHeaders::value(std::string_view name) const
{
    for (const auto &f : m_fields) {
        if (matches(f, name))
            return std::string_view(f.value);
    }
    return std::nullopt;
}

std::vector<std::string_view> HttpHeaders::values(std::string_view name) const
{
    std::vector<std::string_view> out;
    for (const auto &f : m_fields) {
        if (matches(f, name))
            out.emplace_back(f.value);
    }
    return out;
}

std::vector<std::string> HttpHeaders::tokens(std::string_view name) const
{
    std::vector<std::string> out;
    forEachElement(m_fields, name, [&](std::string_view element) {
        out.push_back(toLower(element));
        return false;
    });
    return out;
}

bool HttpHeaders::hasToken(std::string_view name, std::string_view token) const
{
    return forEachElement(m_fields, name, [&](std::string_view element) { return equalsIgnoreCase(element, token); });
}

} // namespace switchyard
