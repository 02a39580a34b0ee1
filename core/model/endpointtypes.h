// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace switchyard {

// The protocol an endpoint speaks, named by its URL scheme.
enum class Scheme { Http, Https, Tcp, Tls };

// Where traffic may come from: `public` is served on this machine's edge
// listeners; `internal` only through another endpoint's forward-internal.
enum class Binding { Public, Internal };

// `agent` endpoints forward to an upstream and live as long as their agent
// session; `cloud` endpoints are pure traffic policy and live in the store.
enum class EndpointType { Agent, Cloud };

std::string_view toString(Scheme scheme);
std::string_view toString(Binding binding);
std::string_view toString(EndpointType type);

std::optional<Scheme> schemeFromString(std::string_view text);
std::optional<Binding> bindingFromString(std::string_view text);
std::optional<EndpointType> endpointTypeFromString(std::string_view text);

// 80 for http, 443 for https and tls, 0 (none) for tcp.
int defaultPort(Scheme scheme);
bool isHttpFamily(Scheme scheme);

} // namespace switchyard
