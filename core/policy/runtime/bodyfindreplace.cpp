// SPDX-License-Identifier: Apache-2.0
#include "policy/runtime/bodyfindreplace.h"

#include <re2/re2.h>

#include <charconv>

namespace switchyard {

namespace {

bool isNameChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Width of the UTF-8 sequence starting at text[pos]; 1 for invalid bytes,
// as Go's utf8.DecodeRuneInString steps over them.
std::size_t runeWidth(std::string_view text, std::size_t pos)
{
    const auto lead = static_cast<unsigned char>(text[pos]);
    std::size_t width = 1;
    if (lead >= 0xF0 && lead <= 0xF4)
        width = 4;
    else if (lead >= 0xE0)
        width = 3;
    else if (lead >= 0xC2 && lead <= 0xDF)
        width = 2;
    if (lead >= 0xF5 || pos + width > text.size())
        return 1;
    for (std::size_t i = 1; i < width; ++i) {
        if ((static_cast<unsigned char>(text[pos + i]) & 0xC0) != 0x80)
            return 1;
    }
    return width;
}

// Go's Regexp.Expand over one match.
void expand(const re2::RE2 &re, std::string_view tmpl, const std::vector<re2::StringPiece> &groups,
            std::string &out)
{
    const auto &names = re.NamedCapturingGroups();
    std::size_t i = 0;
    while (i < tmpl.size()) {
        const std::size_t dollar = tmpl.find('$', i);
        if (dollar == std::string_view::npos) {
            out.append(tmpl.substr(i));
            return;
        }
        out.append(tmpl.substr(i, dollar - i));
        i = dollar + 1;
        if (i < tmpl.size() && tmpl[i] == '$') {
            out += '$';
            ++i;
            continue;
        }
        std::string_view name;
        std::size_t next = i;
        if (i < tmpl.size() && tmpl[i] == '{') {
            const std::size_t close = tmpl.find('}', i + 1);
            std::size_t j = i + 1;
            while (j < tmpl.size() && isNameChar(tmpl[j]))
                ++j;
            if (close != std::string_view::npos && close == j && j > i + 1) {
                name = tmpl.substr(i + 1, j - i - 1);
                next = close + 1;
            }
        } else {
            std::size_t j = i;
            while (j < tmpl.size() && isNameChar(tmpl[j]))
                ++j;
            name = tmpl.substr(i, j - i);
            next = j;
        }
        if (name.empty()) {
            out += '$'; // malformed reference: kept literally, as Go does
            continue;
        }
        i = next;
        const bool numeric = name.find_first_not_of("0123456789") == std::string_view::npos;
        std::size_t index = 0;
        if (numeric) {
            if (std::from_chars(name.data(), name.data() + name.size(), index).ec != std::errc())
                continue;
        } else {
            const auto it = names.find(std::string(name));
            if (it == names.end())
                continue;
            index = static_cast<std::size_t>(it->second);
        }
        if (index < groups.size())
            out.append(groups[index].data(), groups[index].size());
    }
}

} // namespace

BodyFindReplace::BodyFindReplace(BodyFindReplace &&) noexcept = default;
BodyFindReplace &BodyFindReplace::operator=(BodyFindReplace &&) noexcept = default;
BodyFindReplace::~BodyFindReplace() = default;

Result<BodyFindReplace> BodyFindReplace::create(const std::vector<Replacement> &replacements,
                                                std::size_t maxBodyBytes)
{
    if (replacements.empty())
        return makeError("a body find-replace needs at least one replacement");
    BodyFindReplace out;
    out.m_maxBodyBytes = maxBodyBytes;
    re2::RE2::Options options;
    options.set_log_errors(false);
    for (const Replacement &r : replacements) {
        auto re = std::make_unique<re2::RE2>(r.from, options);
        if (!re->ok())
            return makeError("invalid regular expression '" + r.from + "': " + re->error());
        out.m_rules.push_back(Rule{std::move(re), r.to});
    }
    return out;
}

std::size_t BodyFindReplace::replaceAll(const Rule &rule, std::string_view in, std::string &out)
{
    const re2::RE2 &re = *rule.pattern;
    const int groupCount = re.NumberOfCapturingGroups() + 1;
    std::vector<re2::StringPiece> groups(static_cast<std::size_t>(groupCount));
    std::size_t count = 0;
    std::size_t searchPos = 0;
    std::size_t lastMatchEnd = 0;
    out.clear();
    while (searchPos <= in.size()) {
        if (!re.Match(re2::StringPiece(in.data(), in.size()), searchPos, in.size(), re2::RE2::UNANCHORED, groups.data(), groupCount))
            break;
        const std::size_t a = static_cast<std::size_t>(groups[0].data() - in.data());
        const std::size_t b = a + groups[0].size();
        out.append(in.substr(lastMatchEnd, a - lastMatchEnd));
        if (b > lastMatchEnd || a == 0) {
            expand(re, rule.to, groups, out);
            ++count;
        }
        lastMatchEnd = b;
        const std::size_t width = searchPos < in.size() ? runeWidth(in, searchPos) : 1;
        searchPos = searchPos + width > b ? searchPos + width : b;
    }
    if (count == 0)
        return 0;
    out.append(in.substr(lastMatchEnd));
    return count;
}

BodyFindReplace::Outcome BodyFindReplace::apply(std::string_view body) const
{
    Outcome outcome;
    if (body.size() > m_maxBodyBytes) {
        outcome.status = Status::TooLarge;
        outcome.message = "body of " + std::to_string(body.size()) + " bytes exceeds the find-replace limit of "
                          + std::to_string(m_maxBodyBytes) + " bytes; forwarded unchanged";
        return outcome;
    }
    std::string current(body);
    std::string next;
    for (const Rule &rule : m_rules) {
        const std::size_t n = replaceAll(rule, current, next);
        if (n == 0)
            continue;
        outcome.replacements += n;
        if (next.size() > m_maxBodyBytes) {
            outcome = Outcome{};
            outcome.status = Status::TooLarge;
            outcome.message = "the rewritten body exceeds the find-replace limit of "
                              + std::to_string(m_maxBodyBytes) + " bytes; forwarded unchanged";
            return outcome;
        }
        current.swap(next);
    }
    if (outcome.replacements > 0) {
        outcome.status = Status::Replaced;
        outcome.body = std::move(current);
    }
    return outcome;
}

} // namespace switchyard
