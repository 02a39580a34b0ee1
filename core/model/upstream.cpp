// SPDX-License-Identifier: Apache-2.0
#include "model/upstream.h"

#include "model/hostname.h"

#include <algorithm>

namespace switchyard {

namespace {

bool allDigits(std::string_view s)
{
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Result<int> parseUpstreamPort(std::string_view text, const std::string &original)
{
    if (!allDigits(text))
        return makeError("upstream '" + original + "' has port '" + std::string(text) + "', which is not a number");
    if (text.size() > 5 || std::stoi(std::string(text)) < 1 || std::stoi(std::string(text)) > 65535)
        return makeError("upstream '" + original + "' has port " + std::string(text) + ", out of range; use 1-65535");
    return std::stoi(std::string(text));
}

Result<std::string> checkHost(std::string_view host, const std::string &original)
{
    std::string h = Hostname::toLower(host);
    if (h.empty())
        return makeError("upstream '" + original + "' has no host");
    if (Hostname::isIpv4Literal(h) || Hostname::isIpv6Literal(h))
        return h;
    auto valid = Hostname::validateDnsName(h, /*allowWildcard=*/false);
    if (!valid)
        return makeError("upstream '" + original + "': " + valid.message());
    return h;
}

} // namespace

std::string_view toString(Upstream::Protocol protocol)
{
    switch (protocol) {
    case Upstream::Protocol::Http: return "http";
    case Upstream::Protocol::Https: return "https";
    case Upstream::Protocol::Tcp: return "tcp";
    case Upstream::Protocol::Tls: return "tls";
    }
    return "http";
}

Result<Upstream> Upstream::parse(std::string_view text, Scheme endpointScheme)
{
    const std::string original(text);
    const bool http = isHttpFamily(endpointScheme);
    if (text.empty())
        return makeError("upstream is empty; give a port (8080), host:port or a URL");
    for (char c : text) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
            return makeError("upstream '" + original + "' contains whitespace or a control character");
    }

    Upstream up;
    bool schemeGiven = false;
    const std::size_t sep = text.find("://");
    if (sep != std::string_view::npos) {
        const std::string scheme = Hostname::toLower(text.substr(0, sep));
        schemeGiven = true;
        if (scheme == "http" || scheme == "https") {
            if (!http)
                return makeError("upstream '" + original + "' is an " + scheme + " URL, but a "
                                 + std::string(switchyard::toString(endpointScheme))
                                 + " endpoint forwards raw bytes; use host:port or tcp://host:port");
            up.m_protocol = scheme == "https" ? Protocol::Https : Protocol::Http;
        } else if (scheme == "tcp" || scheme == "tls") {
            if (http)
                return makeError("upstream '" + original + "' is a " + scheme + " URL, but an "
                                 + std::string(switchyard::toString(endpointScheme))
                                 + " endpoint forwards HTTP; use http://host:port or https://host:port");
            up.m_protocol = scheme == "tls" ? Protocol::Tls : Protocol::Tcp;
        } else if (scheme == "file") {
            return makeError("upstream '" + original + "': file:// upstreams are not supported yet");
        } else {
            return makeError("upstream '" + original + "' has scheme '" + scheme
                             + "'; use http, https, tcp or tls");
        }
        text.remove_prefix(sep + 3);
        const std::size_t slash = text.find_first_of("/?#");
        if (slash != std::string_view::npos) {
            if (text.substr(slash) != "/")
                return makeError("upstream '" + original + "' has a path; give only scheme://host:port");
            text = text.substr(0, slash);
        }
    } else {
        up.m_protocol = http ? Protocol::Http : Protocol::Tcp;
    }
    if (text.find('@') != std::string_view::npos)
        return makeError("upstream '" + original + "' contains credentials; use add-headers to send them");

    // A bare port: "8080".
    if (!schemeGiven && allDigits(text)) {
        auto port = parseUpstreamPort(text, original);
        if (!port)
            return port.error();
        up.m_host = "localhost";
        up.m_port = *port;
        if (http && up.m_port == 443)
            up.m_protocol = Protocol::Https;
        return up;
    }

    std::string_view hostPart = text;
    std::string_view portPart;
    if (!text.empty() && text.front() == '[') {
        const std::size_t close = text.find(']');
        if (close == std::string_view::npos || !Hostname::isIpv6Literal(text.substr(1, close - 1)))
            return makeError("upstream '" + original + "' has an invalid IPv6 address");
        hostPart = text.substr(1, close - 1);
        std::string_view after = text.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':')
                return makeError("upstream '" + original + "' has text after the IPv6 address");
            portPart = after.substr(1);
            if (portPart.empty())
                return makeError("upstream '" + original + "' has an empty port after ':'");
        }
    } else if (const std::size_t colon = text.find(':'); colon != std::string_view::npos) {
        hostPart = text.substr(0, colon);
        portPart = text.substr(colon + 1);
        if (portPart.empty())
            return makeError("upstream '" + original + "' has an empty port after ':'");
    }

    if (hostPart.empty())
        up.m_host = "localhost"; // "https://" alone: localhost on the scheme's port
    else {
        auto host = checkHost(hostPart, original);
        if (!host)
            return host.error();
        up.m_host = *host;
    }

    if (!portPart.empty()) {
        auto port = parseUpstreamPort(portPart, original);
        if (!port)
            return port.error();
        up.m_port = *port;
        if (http && !schemeGiven && up.m_port == 443)
            up.m_protocol = Protocol::Https;
    } else if (http) {
        up.m_port = up.m_protocol == Protocol::Https ? 443 : 80;
    } else {
        return makeError("upstream '" + original + "' needs a port: a " + std::string(switchyard::toString(endpointScheme))
                         + " endpoint forwards to host:port, as in localhost:5432");
    }
    return up;
}

std::string Upstream::toString() const
{
    const std::string host = m_host.find(':') != std::string::npos ? "[" + m_host + "]" : m_host;
    return std::string(switchyard::toString(m_protocol)) + "://" + host + ':' + std::to_string(m_port);
}

} // namespace switchyard
