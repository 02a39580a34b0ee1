// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "model/endpointtypes.h"

#include <optional>
#include <string>
#include <string_view>

namespace switchyard {

// The URL an endpoint answers on: scheme, host and port, nothing else.
// Parsing applies every rule of DESIGN.md "URL rules" and lower-cases the
// host; a value of this type is always valid.
class EndpointUrl
{
public:
    static constexpr std::string_view InternalSuffix = ".internal";
    // Labels allowed before ".internal" (ngrok: "up to 5 subdomains").
    static constexpr int MaxInternalLabels = 5;

    // Parses "scheme://host[:port]". A missing scheme means https (as for
    // agent endpoints). Rejections name the broken rule in plain words.
    static Result<EndpointUrl> parse(std::string_view text);

    // Parses and checks the URL against a requested binding (empty = infer
    // from the host). Returns the binding the endpoint gets.
    static Result<Binding> resolveBinding(const EndpointUrl &url, std::optional<Binding> requested);

    Scheme scheme() const { return m_scheme; }
    // Lower-cased host; IPv6 literals without brackets.
    const std::string &host() const { return m_host; }
    // The port as given, or 0 when none was given or it is the scheme's default.
    int explicitPort() const { return m_port; }
    // The port traffic arrives on: explicit, else the scheme's default
    // (0 for a public tcp URL without a port: a free port is picked).
    int port() const { return m_port ? m_port : defaultPort(m_scheme); }
    bool isWildcard() const { return m_host.starts_with("*."); }
    bool isInternal() const;
    bool isIpLiteral() const { return m_ipLiteral; }
    // Host without the leading "*." of a wildcard.
    std::string_view wildcardSuffix() const;

    // Canonical text: "scheme://host[:port]", the port left out when it is
    // the scheme's default. Round-trips through parse().
    std::string toString() const;
    // The same, appended to `out` (no allocation when it has room).
    void appendTo(std::string &out) const;
    // "host:port" with the effective port (IPv6 in brackets), as the API's
    // `hostport`; just the host for a public tcp URL awaiting a free port.
    std::string hostPort() const;
    std::string bracketedHost() const;

    friend bool operator==(const EndpointUrl &, const EndpointUrl &) = default;

private:
    Scheme m_scheme = Scheme::Https;
    std::string m_host;
    int m_port = 0;
    bool m_ipLiteral = false;
};

} // namespace switchyard
