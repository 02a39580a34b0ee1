// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "data/engine/engineoptions.h"
#include "data/engine/localservice.h"
#include "model/endpointurl.h"

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace switchyard {

class CaptureSink;
class EndpointRegistry;
class HttpPolicyHook;
class TcpPolicyHook;
class TlsPassthroughHandler;

// The forwarding engine's facade (DESIGN.md "data plane"): worker threads
// with one io_context each, the edge listeners, a dedicated listener per
// public http(s)/tls URL with an explicit port, one per public tcp:// URL
// (its port, or a free one), and the local service on --api-addr. It
// serves whatever the registry's routing snapshot says; reconcile() (also
// run on its own every 200 ms when the snapshot's generation changes) opens
// and closes dedicated listeners as endpoints come and go, without touching the others. Internal endpoints are never
// reachable from any listener.
//
// Create, configure and start on one thread; stop() or the destructor ends
// it. The registry must outlive the engine.
class Engine
{
public:
    struct ListenerAddress
    {
        std::string kind;    // "api", "edge-http", "edge-https", "http", "https", "tls", "tcp"
        std::string address; // "127.0.0.1:7080" (the bound port)
    };

    Engine(EndpointRegistry &registry, EngineOptions options);
    ~Engine();
    Engine(const Engine &) = delete;
    Engine &operator=(const Engine &) = delete;

    // Before start(). The policy hook and passthrough may also change later.
    void setLocalServiceHandler(LocalServiceHandler handler);
    void setPolicyHook(std::shared_ptr<HttpPolicyHook> hook);
    // Without one, start() installs EngineTlsPassthrough (tls:// passthrough
    // over core/data/l4).
    void setTlsPassthrough(std::shared_ptr<TlsPassthroughHandler> handler);
    // on_tcp_connect for tcp:// and tls:// endpoints (TcpPolicyRuntime).
    void setTcpPolicyHook(std::shared_ptr<TcpPolicyHook> hook);
    // The traffic inspector's sink (capturesink.h); null (the default)
    // records nothing.
    void setCaptureSink(std::shared_ptr<CaptureSink> sink);
    // Replaces the limits while running (a config reload). Any thread; the
    // new values are published as one immutable snapshot. A client
    // connection keeps the limits it was accepted with (its timeouts, parser
    // limits, policy body cap) for its whole life; new connections take the
    // new ones. Engine-wide ones apply at once: max_connections (the next
    // accept), upstream_idle_timeout and max_idle_upstream_connections (the
    // pool), drain_timeout. A tcp:// listener keeps the connection cap and
    // connect timeout it was opened with. The inspector keys are read only
    // at start (EngineLimits::appliesLive).
    void setLimits(const EngineLimits &limits);
    // The limits new connections get.
    EngineLimits limits() const;

    // Loads the local CA (when a data dir is set), binds every listener and
    // starts the workers. A listener that cannot bind fails the whole start
    // with a message naming the address; nothing keeps running then.
    Result<void> start();
    // Stops accepting, lets requests in flight finish (bounded by
    // limits.drainTimeout), then stops the workers. Idempotent.
    void stop();
    // Opens/closes dedicated listeners to match the current snapshot. Errors
    // (a port taken) name the address; the other listeners are unaffected.
    Result<void> reconcile();

    std::vector<ListenerAddress> listeners() const;
    int apiPort() const;
    int edgeHttpPort() const;
    int edgeHttpsPort() const;
    // The bound port of the dedicated listener for `url` (for tcp:// the
    // free port picked when the URL has none), 0 when none.
    int dedicatedPort(const EndpointUrl &url) const;
    // Empty without a data dir.
    std::string caCertificatePath() const;
    std::size_t openConnections() const;
    std::size_t workerCount() const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace switchyard
