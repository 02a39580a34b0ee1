// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "control/endpointregistry.h"
#include "data/engine/capturesink.h"
#include "data/engine/engineoptions.h"
#include "data/engine/httppolicyhook.h"
#include "data/engine/tcppolicyhook.h"
#include "data/engine/tlspassthroughhandler.h"
#include "data/engine/tlsterminationcontexts.h"
#include "data/tls/tlsclientcontext.h"
#include "data/tls/tlsservercontext.h"

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>

namespace switchyard {

// What every worker and session of one Engine shares. Internal to
// core/data/engine. Fields are set before the workers start; the atomics
// (and the hooks, behind their own atomics) may change while running.
struct EngineState
{
    EngineState(EndpointRegistry &reg, EngineOptions opts)
        : registry(reg), options(std::move(opts)), limits(std::make_shared<const EngineLimits>(options.limits))
    {
    }

    EndpointRegistry &registry;
    // options.limits are the limits at start; what the data path reads is
    // `limits` (Engine::setLimits swaps it): load it once per connection.
    const EngineOptions options;
    std::optional<TlsServerContext> tlsServer; // when a data dir was given
    std::optional<TlsClientContext> tlsClient;
    // Server contexts of terminate-tls (tls:// and https:// endpoints); set
    // by start() after tlsServer.
    std::shared_ptr<TlsTerminationContexts> terminations;

    std::atomic<std::shared_ptr<HttpPolicyHook>> policyHook;
    std::atomic<std::shared_ptr<TlsPassthroughHandler>> passthrough;
    std::atomic<std::shared_ptr<TcpPolicyHook>> tcpPolicyHook;
    std::atomic<std::shared_ptr<CaptureSink>> captureSink;
    std::atomic<std::shared_ptr<const EngineLimits>> limits;

    std::atomic<std::size_t> connections{0};     // client connections open (API excluded)
    std::atomic<std::size_t> activeExchanges{0}; // requests in flight, for the drain
    std::atomic<bool> stopping{false};
};

} // namespace switchyard
