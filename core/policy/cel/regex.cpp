// SPDX-License-Identifier: Apache-2.0
#include "policy/cel/regex.h"

#include <re2/re2.h>

namespace switchyard::cel {

struct Regex::Impl
{
    explicit Impl(std::string_view pattern) : re(re2::StringPiece(pattern.data(), pattern.size()), options()) {}
    static RE2::Options options()
    {
        RE2::Options o;
        o.set_log_errors(false);
        return o;
    }
    RE2 re;
};

Regex::Regex(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Regex::~Regex() = default;

std::unique_ptr<Regex> Regex::compile(std::string_view pattern, std::string &error)
{
    auto impl = std::make_unique<Impl>(pattern);
    if (!impl->re.ok()) {
        error = "invalid regular expression '" + std::string(pattern) + "': " + impl->re.error();
        return nullptr;
    }
    return std::unique_ptr<Regex>(new Regex(std::move(impl)));
}

bool Regex::search(std::string_view text) const
{
    return RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), m_impl->re);
}

int Regex::replace(std::string &text, std::string_view rewrite, bool all, std::string &error) const
{
    const re2::StringPiece piece(rewrite.data(), rewrite.size());
    if (!m_impl->re.CheckRewriteString(piece, &error))
        return -1;
    if (all)
        return RE2::GlobalReplace(&text, m_impl->re, piece);
    return RE2::Replace(&text, m_impl->re, piece) ? 1 : 0;
}

} // namespace switchyard::cel
