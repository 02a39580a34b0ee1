// SPDX-License-Identifier: Apache-2.0
#include "common/hostport.h"

#include <algorithm>

namespace switchyard {

namespace {

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool isNameChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) || c == '-' || c == '.' || c == '_';
}

bool isIpv6Char(char c)
{
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.' || c == '%';
}

} // namespace

Result<HostPort> HostPort::parse(std::string_view text)
{
    const std::string original(text);
    if (text.empty())
        return makeError("the address is empty; use HOST:PORT, as in 127.0.0.1:4040");

    HostPort out;
    std::string_view portPart;
    if (text.front() == '[') {
        const std::size_t close = text.find(']');
        if (close == std::string_view::npos)
            return makeError("address '" + original + "' has an IPv6 address without its closing ']'");
        const std::string_view host = text.substr(1, close - 1);
        if (host.empty() || !std::all_of(host.begin(), host.end(), isIpv6Char) ||
            host.find(':') == std::string_view::npos)
            return makeError("address '" + original + "' has an invalid IPv6 address");
        out.host = std::string(host);
        const std::string_view after = text.substr(close + 1);
        if (after.empty() || after.front() != ':')
            return makeError("address '" + original + "' needs a port, as in [::1]:4040");
        portPart = after.substr(1);
    } else {
        const std::size_t colon = text.rfind(':');
        if (colon == std::string_view::npos)
            return makeError("address '" + original + "' needs a port, as in " + original + ":4040");
        if (text.find(':') != colon)
            return makeError("address '" + original +
                             "' has several ':'; write IPv6 addresses in brackets, as in [::1]:4040");
        const std::string_view host = text.substr(0, colon);
        if (host.empty())
            return makeError("address '" + original + "' has no host; use 127.0.0.1" + original +
                             " for this machine only or 0.0.0.0" + original + " for every interface");
        if (!std::all_of(host.begin(), host.end(), isNameChar))
            return makeError("address '" + original + "' has an invalid host '" + std::string(host) + "'");
        out.host = std::string(host);
        portPart = text.substr(colon + 1);
    }

    if (portPart.empty())
        return makeError("address '" + original + "' has an empty port after ':'");
    if (!std::all_of(portPart.begin(), portPart.end(), isDigit))
        return makeError("address '" + original + "' has port '" + std::string(portPart) + "', which is not a number");
    const int port = portPart.size() > 5 ? 0 : std::stoi(std::string(portPart));
    if (port < 1 || port > 65535)
        return makeError("address '" + original + "' has port " + std::string(portPart) +
                         ", out of range; use 1-65535");
    out.port = port;
    return out;
}

std::string HostPort::toString() const
{
    const std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return h + ':' + std::to_string(port);
}

} // namespace switchyard
