// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "model/endpointtypes.h"

#include <string>
#include <string_view>

namespace switchyard {

// Where an agent endpoint sends the traffic its policy did not end.
class Upstream
{
public:
    enum class Protocol { Http, Https, Tcp, Tls };

    // Accepts the forms of ngrok-semantics.md §1.7, normalised:
    //   http/https endpoints: "8080", "host:port", "host", "http://host[:port]",
    //     "https://host[:port]"; a bare 443 means https; host defaults to localhost.
    //   tcp/tls endpoints: "8080", "host:port", "tcp://host:port", "tls://host:port";
    //     a port is required.
    static Result<Upstream> parse(std::string_view text, Scheme endpointScheme);

    Protocol protocol() const { return m_protocol; }
    const std::string &host() const { return m_host; }
    int port() const { return m_port; }
    bool isTls() const { return m_protocol == Protocol::Https || m_protocol == Protocol::Tls; }

    // Normalised URL, e.g. "http://localhost:8080", always with the port.
    std::string toString() const;

    friend bool operator==(const Upstream &, const Upstream &) = default;

private:
    Protocol m_protocol = Protocol::Http;
    std::string m_host;
    int m_port = 0;
};

std::string_view toString(Upstream::Protocol protocol);

} // namespace switchyard
