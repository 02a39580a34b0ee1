// SPDX-License-Identifier: Apache-2.0
#include "model/hostname.h"

#include <arpa/inet.h>

#include <cctype>

namespace switchyard {

namespace {

bool isLabelChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

std::string quoted(std::string_view s)
{
    return "'" + std::string(s) + "'";
}

} // namespace

std::string Hostname::toLower(std::string_view text)
{
    std::string out(text);
    for (char &c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool Hostname::isIpv4Literal(std::string_view host)
{
    in_addr addr{};
    return inet_pton(AF_INET, std::string(host).c_str(), &addr) == 1;
}

bool Hostname::isIpv6Literal(std::string_view host)
{
    in6_addr addr{};
    return inet_pton(AF_INET6, std::string(host).c_str(), &addr) == 1;
}

Result<void> Hostname::validateDnsName(std::string_view host, bool allowWildcard)
{
    if (host.empty())
        return makeError("a hostname is required");
    if (host.size() > MaxLength)
        return makeError("hostname is " + std::to_string(host.size()) + " characters long; at most "
                         + std::to_string(MaxLength) + " are allowed");
    if (host.back() == '.')
        return makeError("hostname must not end with '.'");

    std::size_t start = 0;
    bool first = true;
    while (start <= host.size()) {
        std::size_t dot = host.find('.', start);
        if (dot == std::string_view::npos)
            dot = host.size();
        std::string_view label = host.substr(start, dot - start);
        if (label.empty())
            return makeError("hostname " + quoted(host) + " has an empty label (two dots in a row or a leading dot)");
        if (label == "*") {
            if (!first)
                return makeError("a wildcard '*' is only allowed as the leftmost label, as in '*.example.internal'");
            if (!allowWildcard)
                return makeError("a wildcard hostname is not allowed here");
            if (dot == host.size())
                return makeError("a wildcard needs a domain after it, as in '*.example.internal'");
        } else {
            if (label.find('*') != std::string_view::npos)
                return makeError("label " + quoted(label)
                                 + " contains '*'; a wildcard must be a whole leftmost label, as in '*.example.internal'");
            if (label.size() > MaxLabelLength)
                return makeError("label " + quoted(label) + " is " + std::to_string(label.size())
                                 + " characters long; at most 63 are allowed per label");
            for (char c : label) {
                if (c == '_')
                    return makeError("label " + quoted(label)
                                     + " contains an underscore; hostnames may use only letters, digits and '-'");
                if (!isLabelChar(c))
                    return makeError("label " + quoted(label) + " contains " + quoted(std::string(1, c))
                                     + "; hostnames may use only letters, digits and '-'");
            }
            if (label.front() == '-' || label.back() == '-')
                return makeError("label " + quoted(label) + " must not start or end with '-'");
        }
        first = false;
        start = dot + 1;
        if (dot == host.size())
            break;
    }
    return {};
}

} // namespace switchyard
