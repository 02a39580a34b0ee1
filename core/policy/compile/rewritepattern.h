// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace switchyard {

// The `from` regex of redirect and url-rewrite (RE2, unanchored, matched
// against the whole URL) with `$1`-style capture references in `to`. RE2
// stays behind a pimpl. Immutable; thread-safe.
class RewritePattern
{
public:
    ~RewritePattern();
    RewritePattern(const RewritePattern &) = delete;
    RewritePattern &operator=(const RewritePattern &) = delete;

    // nullptr with `error` set when the pattern does not compile.
    static std::unique_ptr<RewritePattern> compile(std::string_view pattern, std::string &error);

    // Replaces the first match (`all` = false, redirect) or every match
    // (`all` = true, url-rewrite) of the pattern in `text` by `to`, where
    // `$N` / `\N` name capture groups. Returns the number of replacements;
    // -1 with `error` set when `to` names a group the pattern lacks.
    int replace(std::string &text, std::string_view to, bool all, std::string &error) const;

    // `to` in RE2's rewrite syntax: `$N` becomes `\N`, other backslashes
    // are kept only before digits.
    static std::string toRe2Rewrite(std::string_view to);

private:
    struct Impl;
    explicit RewritePattern(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace switchyard
