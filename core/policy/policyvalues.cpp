// SPDX-License-Identifier: Apache-2.0
#include "policy/policyvalues.h"

#include <re2/re2.h>

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace switchyard {

std::optional<long long> PolicyValues::parseDuration(std::string_view text)
{
    if (text.empty())
        return std::nullopt;
    long double total = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t numberStart = i;
        bool digits = false;
        while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) {
            digits = digits || text[i] != '.';
            ++i;
        }
        if (!digits)
            return std::nullopt;
        const std::string number(text.substr(numberStart, i - numberStart));
        if (std::count(number.begin(), number.end(), '.') > 1)
            return std::nullopt;
        const long double value = std::strtold(number.c_str(), nullptr);
        const std::size_t unitStart = i;
        while (i < text.size() && ((text[i] >= 'a' && text[i] <= 'z')))
            ++i;
        const std::string_view unit = text.substr(unitStart, i - unitStart);
        long double scale = 0;
        if (unit == "ns")
            scale = 1e-6L;
        else if (unit == "us")
            scale = 1e-3L;
        else if (unit == "ms")
            scale = 1;
        else if (unit == "s")
            scale = 1000;
        else if (unit == "m")
            scale = 60'000;
        else if (unit == "h")
            scale = 3'600'000;
        else
            return std::nullopt;
        total += value * scale;
        if (total > 1e15L)
            return std::nullopt;
    }
    return static_cast<long long>(std::llround(static_cast<double>(total)));
}

std::string PolicyValues::formatDuration(long long ms)
{
    if (ms == 0)
        return "0s";
    if (ms % 1000 != 0)
        return std::to_string(ms) + "ms";
    long long s = ms / 1000;
    std::string out;
    if (s >= 3600 && s % 3600 == 0)
        return std::to_string(s / 3600) + "h";
    if (s >= 3600) {
        out += std::to_string(s / 3600) + "h";
        s %= 3600;
    }
    if (s >= 60) {
        out += std::to_string(s / 60) + "m";
        s %= 60;
    }
    if (s > 0)
        out += std::to_string(s) + "s";
    return out;
}

std::optional<long long> PolicyValues::parseInteger(std::string_view text)
{
    if (text.empty() || text.size() > 20)
        return std::nullopt;
    std::size_t i = (text[0] == '-' || text[0] == '+') ? 1 : 0;
    if (i == text.size())
        return std::nullopt;
    for (std::size_t j = i; j < text.size(); ++j) {
        if (text[j] < '0' || text[j] > '9')
            return std::nullopt;
    }
    errno = 0;
    const std::string s(text);
    const long long v = std::strtoll(s.c_str(), nullptr, 10);
    if (errno == ERANGE)
        return std::nullopt;
    return v;
}

std::optional<double> PolicyValues::parseNumber(std::string_view text)
{
    if (text.empty() || text.size() > 64)
        return std::nullopt;
    const std::string s(text);
    char *end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || !std::isfinite(v))
        return std::nullopt;
    return v;
}

std::optional<bool> PolicyValues::parseBoolean(std::string_view text)
{
    if (text == "true" || text == "True" || text == "TRUE")
        return true;
    if (text == "false" || text == "False" || text == "FALSE")
        return false;
    return std::nullopt;
}

std::optional<std::string> PolicyValues::cidrProblem(std::string_view text)
{
    const std::string quoted = "'" + std::string(text) + "'";
    const std::size_t slash = text.find('/');
    const std::string address(text.substr(0, slash));
    unsigned char buffer[16];
    int maxPrefix = 0;
    if (inet_pton(AF_INET, address.c_str(), buffer) == 1)
        maxPrefix = 32;
    else if (inet_pton(AF_INET6, address.c_str(), buffer) == 1)
        maxPrefix = 128;
    else
        return quoted + " is not an IPv4 or IPv6 CIDR such as 10.0.0.0/8 or 2001:db8::/32";
    if (slash == std::string_view::npos)
        return std::nullopt;
    const std::string_view prefix = text.substr(slash + 1);
    const auto length = parseInteger(prefix);
    if (prefix.empty() || !length || prefix[0] == '+' || prefix[0] == '-' || *length > maxPrefix)
        return quoted + " has an invalid prefix length; use 0-" + std::to_string(maxPrefix);
    return std::nullopt;
}

bool PolicyValues::isHeaderName(std::string_view text)
{
    if (text.empty())
        return false;
    static constexpr std::string_view Extra = "!#$%&'*+-.^_`|~";
    for (char c : text) {
        const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!alnum && Extra.find(c) == std::string_view::npos)
            return false;
    }
    return true;
}

std::optional<std::string> PolicyValues::regexProblem(const std::string &pattern)
{
    RE2::Options options;
    options.set_log_errors(false);
    const RE2 re(pattern, options);
    if (re.ok())
        return std::nullopt;
    return re.error();
}

bool PolicyValues::isHttpUrl(std::string_view text)
{
    std::string_view rest;
    if (text.starts_with("http://"))
        rest = text.substr(7);
    else if (text.starts_with("https://"))
        rest = text.substr(8);
    else
        return false;
    if (rest.empty() || rest[0] == '/' || rest[0] == ':')
        return false;
    for (char c : text) {
        if (static_cast<unsigned char>(c) <= 0x20)
            return false;
    }
    return true;
}

std::vector<PolicyValues::Interpolation> PolicyValues::interpolations(std::string_view text, std::string *problem,
                                                                      int *problemColumn)
{
    std::vector<Interpolation> out;
    std::size_t i = 0;
    while ((i = text.find("${", i)) != std::string_view::npos) {
        const std::size_t start = i + 2;
        int depth = 1;
        char quote = 0;
        std::size_t j = start;
        for (; j < text.size() && depth > 0; ++j) {
            const char c = text[j];
            if (quote) {
                if (c == '\\')
                    ++j;
                else if (c == quote)
                    quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '{') {
                ++depth;
            } else if (c == '}') {
                --depth;
            }
        }
        if (depth > 0) {
            if (problem)
                *problem = "'${' is never closed with '}'";
            if (problemColumn)
                *problemColumn = static_cast<int>(i) + 1;
            return out;
        }
        out.push_back(Interpolation{std::string(text.substr(start, j - 1 - start)), static_cast<int>(start) + 1});
        i = j;
    }
    return out;
}

} // namespace switchyard
