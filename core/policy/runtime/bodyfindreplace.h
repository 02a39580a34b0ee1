// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace switchyard {

// request-/response-body-find-replace (reference §6.3): every match of each
// RE2 pattern, in order, over the whole buffered body. `to` is expanded as
// in Go's Regexp.Expand (the reference implementation is Go): $1, ${1},
// $name, ${name}, $$ for a literal dollar; unknown groups expand to nothing.
// Empty matches follow Go's ReplaceAll (no empty match right after a match).
// A body, or a rewritten body, over `maxBodyBytes` is left unchanged and
// reported as TooLarge so the engine forwards the original and can record why.
// Immutable after create(); safe to share between threads.
class BodyFindReplace
{
public:
    static constexpr std::size_t DefaultMaxBodyBytes = 10 * 1024 * 1024;

    struct Replacement
    {
        std::string from;
        std::string to;
    };

    enum class Status { Replaced, Unchanged, TooLarge };

    struct Outcome
    {
        Status status = Status::Unchanged;
        std::string body;                // the rewritten body when Replaced, else empty
        std::size_t replacements = 0;    // matches replaced over all patterns
        std::string message;             // why, when TooLarge
    };

    // Fails naming the first pattern that RE2 rejects.
    static Result<BodyFindReplace> create(const std::vector<Replacement> &replacements,
                                          std::size_t maxBodyBytes = DefaultMaxBodyBytes);
    BodyFindReplace(BodyFindReplace &&) noexcept;
    BodyFindReplace &operator=(BodyFindReplace &&) noexcept;
    ~BodyFindReplace();

    Outcome apply(std::string_view body) const;

    // Engines stop buffering past this and forward the body untouched.
    std::size_t maxBodyBytes() const { return m_maxBodyBytes; }

private:
    struct Rule
    {
        std::unique_ptr<re2::RE2> pattern;
        std::string to;
    };
    BodyFindReplace() = default;
    static std::size_t replaceAll(const Rule &rule, std::string_view in, std::string &out);

    std::vector<Rule> m_rules;
    std::size_t m_maxBodyBytes = DefaultMaxBodyBytes;
};

} // namespace switchyard
