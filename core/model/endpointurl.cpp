// SPDX-License-Identifier: Apache-2.0
#include "model/endpointurl.h"

#include "model/hostname.h"

#include <algorithm>
#include <charconv>
#include <iterator>

namespace switchyard {

namespace {

// Parses a decimal port; the message names what was wrong.
Result<int> parsePort(std::string_view text)
{
    if (text.empty())
        return makeError("the port after ':' is empty");
    if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return makeError("port '" + std::string(text) + "' is not a number");
    if (text.size() > 5)
        return makeError("port " + std::string(text) + " is out of range; use 1-65535");
    const int port = std::stoi(std::string(text));
    if (port < 1 || port > 65535)
        return makeError("port " + std::to_string(port) + " is out of range; use 1-65535");
    return port;
}

int countLabels(std::string_view host)
{
    return host.empty() ? 0 : static_cast<int>(std::count(host.begin(), host.end(), '.')) + 1;
}

} // namespace

bool EndpointUrl::isInternal() const
{
    return m_host.ends_with(InternalSuffix);
}

std::string_view EndpointUrl::wildcardSuffix() const
{
    std::string_view h = m_host;
    return isWildcard() ? h.substr(2) : h;
}

Result<EndpointUrl> EndpointUrl::parse(std::string_view text)
{
    const std::string original(text);
    if (text.empty())
        return makeError("URL is empty");
    for (char c : text) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
            return makeError("URL '" + original + "' contains whitespace or a control character");
    }

    EndpointUrl url;
    const std::size_t sep = text.find("://");
    if (sep != std::string_view::npos) {
        const std::string scheme = Hostname::toLower(text.substr(0, sep));
        const auto parsed = schemeFromString(scheme);
        if (!parsed)
            return makeError("scheme '" + scheme + "' is not supported; use http, https, tcp or tls");
        url.m_scheme = *parsed;
        text.remove_prefix(sep + 3);
    }

    // Everything after the authority is forbidden: the endpoint is the whole host.
    const std::size_t authorityEnd = text.find_first_of("/?#");
    if (authorityEnd != std::string_view::npos) {
        const char what = text[authorityEnd];
        const std::string_view rest = text.substr(authorityEnd);
        if (what == '?')
            return makeError("URL '" + original + "' has a query string; an endpoint URL is only scheme://host[:port]");
        if (what == '#')
            return makeError("URL '" + original + "' has a fragment; an endpoint URL is only scheme://host[:port]");
        if (rest == "/")
            return makeError("URL '" + original + "' must not end with '/'; an endpoint URL is only scheme://host[:port]");
        return makeError("URL '" + original + "' has a path '" + std::string(rest)
                         + "'; an endpoint URL is only scheme://host[:port] (use url-rewrite for paths)");
    }
    if (text.find('@') != std::string_view::npos)
        return makeError("URL '" + original + "' contains credentials ('user@'); use the basic-auth action instead");

    std::string_view hostPart = text;
    std::string_view portPart;
    bool hasPort = false;
    if (!text.empty() && text.front() == '[') {
        const std::size_t close = text.find(']');
        if (close == std::string_view::npos)
            return makeError("URL '" + original + "' has an IPv6 address without its closing ']'");
        hostPart = text.substr(1, close - 1);
        std::string_view after = text.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':')
                return makeError("URL '" + original + "' has text after the IPv6 address");
            portPart = after.substr(1);
            hasPort = true;
        }
        if (!Hostname::isIpv6Literal(hostPart))
            return makeError("'" + std::string(hostPart) + "' is not a valid IPv6 address");
        url.m_ipLiteral = true;
    } else {
        const std::size_t colon = text.rfind(':');
        if (colon != std::string_view::npos) {
            if (text.find(':') != colon)
                return makeError("URL '" + original + "' has several ':'; write IPv6 addresses in brackets, as in http://[::1]:8080");
            hostPart = text.substr(0, colon);
            portPart = text.substr(colon + 1);
            hasPort = true;
        }
    }

    if (hasPort) {
        auto port = parsePort(portPart);
        if (!port)
            return port.error();
        // The scheme's default port written out is the same URL as without it.
        url.m_port = *port == defaultPort(url.m_scheme) ? 0 : *port;
    }

    url.m_host = Hostname::toLower(hostPart);
    if (url.m_host.empty())
        return makeError("URL '" + original + "' has no hostname; a hostname is required");

    if (!url.m_ipLiteral && Hostname::isIpv4Literal(url.m_host))
        url.m_ipLiteral = true;

    if (!url.m_ipLiteral) {
        auto valid = Hostname::validateDnsName(url.m_host, /*allowWildcard=*/true);
        if (!valid)
            return valid.error();
    }

    if (url.isInternal()) {
        const std::string_view host = url.m_host;
        const std::string_view prefix = host.substr(0, host.size() - InternalSuffix.size());
        if (prefix.empty() || prefix == "*")
            return makeError("internal hostname '" + url.m_host
                             + "' needs a name before '.internal', as in 'api.internal'");
        const int labels = countLabels(prefix);
        if (labels > MaxInternalLabels)
            return makeError("internal hostname '" + url.m_host + "' has " + std::to_string(labels)
                             + " labels before '.internal'; at most " + std::to_string(MaxInternalLabels)
                             + " are allowed");
        if (url.m_scheme == Scheme::Tcp && url.m_port == 0)
            return makeError("tcp URL '" + original + "' needs a port, as in tcp://" + url.m_host + ":5432");
    } else if (url.m_host == "internal") {
        return makeError("'internal' alone is not a hostname; internal endpoints look like 'api.internal'");
    }
    return url;
}

Result<Binding> EndpointUrl::resolveBinding(const EndpointUrl &url, std::optional<Binding> requested)
{
    const Binding inferred = url.isInternal() ? Binding::Internal : Binding::Public;
    if (!requested)
        return inferred;
    if (*requested == Binding::Public && url.isInternal())
        return makeError("binding 'public' cannot be used with '" + url.m_host
                         + "': hostnames ending in '.internal' are always internal");
    if (*requested == Binding::Internal && !url.isInternal())
        return makeError("binding 'internal' needs a hostname ending in '.internal', but the URL has '" + url.m_host
                         + "'");
    return *requested;
}

std::string EndpointUrl::toString() const
{
    std::string out;
    appendTo(out);
    return out;
}

void EndpointUrl::appendTo(std::string &out) const
{
    out += switchyard::toString(m_scheme);
    out += "://";
    const bool ipv6 = m_host.find(':') != std::string::npos;
    if (ipv6)
        out += '[';
    out += m_host;
    if (ipv6)
        out += ']';
    if (m_port != 0 && m_port != defaultPort(m_scheme)) {
        char digits[8];
        const auto [end, ec] = std::to_chars(std::begin(digits), std::end(digits), m_port);
        (void)ec;
        out += ':';
        out.append(digits, end);
    }
}

std::string EndpointUrl::bracketedHost() const
{
    return m_host.find(':') != std::string::npos ? "[" + m_host + "]" : m_host;
}

std::string EndpointUrl::hostPort() const
{
    const int p = port();
    return p ? bracketedHost() + ':' + std::to_string(p) : bracketedHost();
}

} // namespace switchyard
