// SPDX-License-Identifier: Apache-2.0
#pragma once

// For engine tests with traffic policies: endpoints with a policy in
// front of a testorigin upstream, and an Engine on 127.0.0.1:0 with a
// PolicyRuntime over the given runners.

#include "control/endpointregistry.h"
#include "data/engine/engine.h"
#include "data/engine/policyruntime.h"

#include <memory>
#include <optional>
#include <string>

namespace switchyard::test {

inline Endpoint policyEndpoint(const std::string &url, int upstreamPort, const std::string &policy)
{
    Endpoint e;
    e.accountId = Account::DefaultId;
    e.url = *EndpointUrl::parse(url);
    e.binding = *EndpointUrl::resolveBinding(e.url, std::nullopt);
    e.upstream = *Upstream::parse("127.0.0.1:" + std::to_string(upstreamPort), e.url.scheme());
    e.trafficPolicy = policy;
    return e;
}

// A started engine (plain HTTP edge only) with `runtime` as its policy
// hook; null with `error` set when it does not start.
inline std::unique_ptr<Engine> startPolicyEngine(EndpointRegistry &registry,
                                                 std::shared_ptr<PolicyRuntime> runtime, std::string &error,
                                                 std::size_t workers = 2)
{
    EngineOptions options;
    options.apiAddr.clear();
    options.edgeHttps.clear();
    options.edgeHttp = "127.0.0.1:0";
    options.workers = workers;
    auto engine = std::make_unique<Engine>(registry, options);
    engine->setPolicyHook(std::move(runtime));
    const auto started = engine->start();
    if (!started.ok()) {
        error = started.message();
        return nullptr;
    }
    return engine;
}

} // namespace switchyard::test
