// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "model/endpoint.h"

#include <QJsonObject>

#include <chrono>
#include <string>

namespace switchyard {

// Endpoint objects in the shapes of the reference's APIs.
struct EndpointJson
{
    // The management API's Endpoint: id, url, public_url, proto, scheme,
    // host, port, hostport, type, bindings, pooling_enabled, traffic_policy,
    // description, metadata, name, upstream_url/upstream_protocol (agent
    // endpoints), created_at, updated_at, uri. Empty optional strings are
    // left out, as the reference omits absent fields. `baseUrl` is
    // "http://HOST:PORT" without a trailing '/'. `tunnelSession`: the id of
    // the agent session the endpoint belongs to, shown as the Ref
    // tunnel_session {id, uri: BASE/api/sessions/ID}; empty gives null
    // (cloud endpoints, and agent endpoints the core runs itself).
    static QJsonObject management(const Endpoint &endpoint, const std::string &baseUrl,
                                  const std::string &tunnelSession = {});

    // The agent API's endpoint: name, uri ("/api/endpoints/NAME"), url,
    // upstream {url, protocol}, inspect, traffic_policy, pooling_enabled,
    // plus id, bindings, description, metadata, and tunnel_session as in
    // management() with a relative uri ("/api/sessions/ID").
    static QJsonObject agent(const Endpoint &endpoint, const std::string &tunnelSession = {});

    // The name the agent API knows an endpoint by: its name, else its id.
    static std::string agentName(const Endpoint &endpoint);

    // RFC 3339 in UTC with a trailing 'Z', whole seconds ("2026-11-27T22:15:00Z").
    static std::string rfc3339(std::chrono::system_clock::time_point time);
};

} // namespace switchyard
