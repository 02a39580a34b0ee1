// SPDX-License-Identifier: Apache-2.0
#include "policy/compile/rewritepattern.h"

#include <re2/re2.h>

namespace switchyard {

struct RewritePattern::Impl
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

RewritePattern::RewritePattern(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
RewritePattern::~RewritePattern() = default;

std::unique_ptr<RewritePattern> RewritePattern::compile(std::string_view pattern, std::string &error)
{
    auto impl = std::make_unique<Impl>(pattern);
    if (!impl->re.ok()) {
        error = "invalid regular expression '" + std::string(pattern) + "': " + impl->re.error();
        return nullptr;
    }
    return std::unique_ptr<RewritePattern>(new RewritePattern(std::move(impl)));
}

std::string RewritePattern::toRe2Rewrite(std::string_view to)
{
    std::string out;
    out.reserve(to.size() + 4);
    for (std::size_t i = 0; i < to.size(); ++i) {
        const char c = to[i];
        const bool digitNext = i + 1 < to.size() && to[i + 1] >= '0' && to[i + 1] <= '9';
        if ((c == '$' || c == '\\') && digitNext) {
            out += '\\';
            out += to[++i];
        } else if (c == '\\') {
            out += "\\\\";
        } else {
            out += c;
        }
    }
    return out;
}

int RewritePattern::replace(std::string &text, std::string_view to, bool all, std::string &error) const
{
    const std::string rewrite = toRe2Rewrite(to);
    const re2::StringPiece piece(rewrite);
    if (!m_impl->re.CheckRewriteString(piece, &error))
        return -1;
    if (all)
        return RE2::GlobalReplace(&text, m_impl->re, piece);
    return RE2::Replace(&text, m_impl->re, piece) ? 1 : 0;
}

} // namespace switchyard
