// SPDX-License-Identifier: Apache-2.0
#include "data/http/httptarget.h"

#include "data/http/httpheaders.h"

namespace switchyard {

namespace {

bool isUnreservedOrSubDelim(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    switch (c) {
    case '-': case '.': case '_': case '~':
    case '!': case '$': case '&': case '\'': case '(': case ')': case '*': case '+': case ',': case ';': case '=':
        return true;
    default:
        return false;
    }
}

bool isHex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool validRegName(std::string_view host)
{
    for (std::size_t i = 0; i < host.size(); ++i) {
        const auto c = static_cast<unsigned char>(host[i]);
        if (c == '%') {
            if (i + 2 >= host.size()
                || !isHex(static_cast<unsigned char>(host[i + 1])) || !isHex(static_cast<unsigned char>(host[i + 2])))
                return false;
            i += 2;
        } else if (!isUnreservedOrSubDelim(c)) {
            return false;
        }
    }
    return true;
}

bool validIpv6(std::string_view text)
{
    if (text.empty())
        return false;
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (!isHex(c) && c != ':' && c != '.')
            return false;
    }
    return text.find(':') != std::string_view::npos;
}

} // namespace

std::optional<HttpAuthority> HttpTargetParser::parseAuthority(std::string_view authority)
{
    if (authority.empty() || authority.find('@') != std::string_view::npos)
        return std::nullopt;
    HttpAuthority out;
    std::string_view host;
    std::string_view rest;
    if (authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos)
            return std::nullopt;
        const std::string_view literal = authority.substr(1, close - 1);
        if (!validIpv6(literal))
            return std::nullopt;
        out.host = HttpHeaders::toLower(literal);
        rest = authority.substr(close + 1);
    } else {
        const auto colon = authority.find(':');
        host = authority.substr(0, colon);
        rest = colon == std::string_view::npos ? std::string_view() : authority.substr(colon);
        if (host.empty() || !validRegName(host))
            return std::nullopt;
        out.host = HttpHeaders::toLower(host);
        if (out.host.size() > 1 && out.host.back() == '.')
            out.host.pop_back();
    }
    if (!rest.empty()) {
        if (rest.front() != ':' || rest.size() < 2 || rest.size() > 6)
            return std::nullopt;
        unsigned port = 0;
        for (char c : rest.substr(1)) {
            if (c < '0' || c > '9')
                return std::nullopt;
            port = port * 10 + static_cast<unsigned>(c - '0');
        }
        if (port == 0 || port > 65535)
            return std::nullopt;
        out.port = static_cast<std::uint16_t>(port);
    }
    return out;
}

std::optional<HttpTarget> HttpTargetParser::parseTarget(std::string_view target, std::string_view method)
{
    if (target.empty() || target.find('#') != std::string_view::npos)
        return std::nullopt;
    HttpTarget out;
    if (target == "*") {
        if (method != "OPTIONS")
            return std::nullopt;
        out.form = HttpTargetForm::Asterisk;
        out.pathAndQuery = "*";
        return out;
    }
    if (target.front() == '/') {
        out.form = HttpTargetForm::Origin;
        out.pathAndQuery = std::string(target);
        return out;
    }
    const auto schemeEnd = target.find("://");
    if (schemeEnd == std::string_view::npos)
        return std::nullopt;
    const std::string scheme = HttpHeaders::toLower(target.substr(0, schemeEnd));
    if (scheme != "http" && scheme != "https")
        return std::nullopt;
    const std::string_view afterScheme = target.substr(schemeEnd + 3);
    const auto authorityEnd = afterScheme.find_first_of("/?");
    const std::string_view authority = afterScheme.substr(0, authorityEnd);
    if (!parseAuthority(authority))
        return std::nullopt;
    out.form = HttpTargetForm::Absolute;
    out.authority = std::string(authority);
    if (authorityEnd == std::string_view::npos)
        out.pathAndQuery = "/";
    else if (afterScheme[authorityEnd] == '?')
        out.pathAndQuery = "/" + std::string(afterScheme.substr(authorityEnd));
    else
        out.pathAndQuery = std::string(afterScheme.substr(authorityEnd));
    return out;
}

} // namespace switchyard
