// SPDX-License-Identifier: Apache-2.0
#include "policy/exec/requesturl.h"

#include "data/http/httpheaders.h"

namespace switchyard {

namespace {

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace

std::optional<RequestUrl> RequestUrl::parse(std::string_view text)
{
    const std::size_t sep = text.find("://");
    if (sep == std::string_view::npos || sep == 0)
        return std::nullopt;
    RequestUrl url;
    url.scheme = HttpHeaders::toLower(text.substr(0, sep));
    std::string_view rest = text.substr(sep + 3);
    if (const std::size_t hash = rest.find('#'); hash != std::string_view::npos)
        rest = rest.substr(0, hash);
    const std::size_t pathStart = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, pathStart);
    std::string_view pathQuery = pathStart == std::string_view::npos ? std::string_view() : rest.substr(pathStart);
    if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
        url.userPassword = std::string(authority.substr(0, at));
        authority = authority.substr(at + 1);
    }
    std::string_view host = authority;
    std::string_view port;
    if (authority.starts_with('[')) {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos)
            return std::nullopt;
        host = authority.substr(1, close - 1);
        if (close + 1 < authority.size() && authority[close + 1] == ':')
            port = authority.substr(close + 2);
    } else if (const std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
    }
    if (host.empty())
        return std::nullopt;
    url.host = HttpHeaders::toLower(host);
    if (!port.empty()) {
        int value = 0;
        for (char c : port) {
            if (c < '0' || c > '9' || value > 65535)
                return std::nullopt;
            value = value * 10 + (c - '0');
        }
        if (value < 1 || value > 65535)
            return std::nullopt;
        url.port = value;
        url.explicitPort = true;
    } else {
        url.port = url.scheme == "https" || url.scheme == "tls" ? 443 : 80;
    }
    const std::size_t q = pathQuery.find('?');
    const std::string_view path = pathQuery.substr(0, q);
    url.path = path.empty() ? "/" : std::string(path);
    if (q != std::string_view::npos)
        url.query = std::string(pathQuery.substr(q + 1));
    return url;
}

std::string RequestUrl::authority() const
{
    std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    if (explicitPort)
        out += ':' + std::to_string(port);
    return out;
}

std::string RequestUrl::uri() const
{
    return query.empty() ? path : path + '?' + query;
}

std::string RequestUrl::toString() const
{
    std::string out = scheme + "://";
    if (!userPassword.empty())
        out += userPassword + '@';
    return out + authority() + uri();
}

std::string RequestUrl::decodeQueryComponent(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%' && i + 2 < text.size() && hexValue(text[i + 1]) >= 0 && hexValue(text[i + 2]) >= 0) {
            out += static_cast<char>(hexValue(text[i + 1]) * 16 + hexValue(text[i + 2]));
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

} // namespace switchyard
