// SPDX-License-Identifier: Apache-2.0
#include "model/endpointtypes.h"

namespace switchyard {

std::string_view toString(Scheme scheme)
{
    switch (scheme) {
    case Scheme::Http: return "http";
    case Scheme::Https: return "https";
    case Scheme::Tcp: return "tcp";
    case Scheme::Tls: return "tls";
    }
    return "http";
}

std::string_view toString(Binding binding)
{
    return binding == Binding::Internal ? "internal" : "public";
}

std::string_view toString(EndpointType type)
{
    return type == EndpointType::Cloud ? "cloud" : "agent";
}

std::optional<Scheme> schemeFromString(std::string_view text)
{
    if (text == "http") return Scheme::Http;
    if (text == "https") return Scheme::Https;
    if (text == "tcp") return Scheme::Tcp;
    if (text == "tls") return Scheme::Tls;
    return std::nullopt;
}

std::optional<Binding> bindingFromString(std::string_view text)
{
    if (text == "public") return Binding::Public;
    if (text == "internal") return Binding::Internal;
    return std::nullopt;
}

std::optional<EndpointType> endpointTypeFromString(std::string_view text)
{
    if (text == "agent") return EndpointType::Agent;
    if (text == "cloud") return EndpointType::Cloud;
    return std::nullopt;
}

int defaultPort(Scheme scheme)
{
    switch (scheme) {
    case Scheme::Http: return 80;
    case Scheme::Https: return 443;
    case Scheme::Tls: return 443;
    case Scheme::Tcp: return 0;
    }
    return 0;
}

bool isHttpFamily(Scheme scheme)
{
    return scheme == Scheme::Http || scheme == Scheme::Https;
}

} // namespace switchyard
