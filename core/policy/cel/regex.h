// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace switchyard::cel {

// An RE2 regular expression behind a pimpl, so RE2 stays out of public
// headers. CEL `matches` is an unanchored search.
class Regex
{
public:
    ~Regex();
    // nullptr with `error` set when the pattern is invalid.
    static std::unique_ptr<Regex> compile(std::string_view pattern, std::string &error);
    bool search(std::string_view text) const;
    // Replaces the first match (or, with `all`, every match) in `text` by
    // `rewrite` in RE2 syntax (\N = group N). Returns the number of
    // replacements, or -1 with `error` set when `rewrite` names a group the
    // pattern lacks.
    int replace(std::string &text, std::string_view rewrite, bool all, std::string &error) const;

private:
    struct Impl;
    explicit Regex(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace switchyard::cel
