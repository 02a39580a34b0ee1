// SPDX-License-Identifier: Apache-2.0
#pragma once

// Builds registries for the UI tests from real model types, so the tests
// see what the core would publish.

#include "control/endpointregistry.h"

#include <QTest>

#include <memory>
#include <string>

namespace switchyard::testing {

struct EndpointSpec
{
    std::string name;
    std::string url;
    EndpointType type = EndpointType::Agent;
    std::string upstream; // empty for cloud endpoints
    bool pooled = false;
    std::string description;
};

inline Endpoint makeEndpoint(const EndpointSpec &spec)
{
    Endpoint ep;
    ep.name = spec.name;
    ep.type = spec.type;
    auto url = EndpointUrl::parse(spec.url);
    if (!url)
        qFatal("bad test URL %s: %s", spec.url.c_str(), url.message().c_str());
    ep.url = *url;
    ep.binding = url->isInternal() ? Binding::Internal : Binding::Public;
    ep.poolingEnabled = spec.pooled;
    if (!spec.upstream.empty()) {
        auto upstream = Upstream::parse(spec.upstream, url->scheme());
        if (!upstream)
            qFatal("bad test upstream %s: %s", spec.upstream.c_str(), upstream.message().c_str());
        ep.upstream = *upstream;
    }
    ep.description = spec.description;
    return ep;
}

// Adds the endpoint and returns its id; fails the process on a rejected
// endpoint since every later check would be meaningless.
inline std::string addEndpoint(EndpointRegistry &registry, const EndpointSpec &spec)
{
    auto added = registry.add(makeEndpoint(spec));
    if (!added)
        qFatal("registry rejected %s: %s", spec.name.c_str(), added.message().c_str());
    return (*added)->id;
}

// The mix both UI tests use, in this creation order:
//   web      agent  public    https://app.localhost        -> http://localhost:8080
//   gateway  cloud  internal  https://gateway.internal     (no upstream)
//   api-1    agent  internal  https://api.internal, pooled -> http://localhost:9001
//   api-2    agent  internal  https://api.internal, pooled -> http://localhost:9002
//   tenants  agent  public    https://*.apps.localhost     -> http://localhost:3000
inline std::shared_ptr<EndpointRegistry> makeMixedRegistry()
{
    auto registry = std::make_shared<EndpointRegistry>();
    addEndpoint(*registry, {"web", "https://app.localhost", EndpointType::Agent, "8080", false, "The web front end"});
    addEndpoint(*registry, {"gateway", "https://gateway.internal", EndpointType::Cloud, "", false,
                            "Routes /api to the pool"});
    addEndpoint(*registry, {"api-1", "https://api.internal", EndpointType::Agent, "9001", true, ""});
    addEndpoint(*registry, {"api-2", "https://api.internal", EndpointType::Agent, "9002", true, ""});
    addEndpoint(*registry, {"tenants", "https://*.apps.localhost", EndpointType::Agent, "3000", false, ""});
    return registry;
}

} // namespace switchyard::testing
