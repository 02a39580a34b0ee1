// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "control/routingsnapshot.h"
#include "model/endpoint.h"
#include "policy/exec/tlsterminationsettings.h"

#include <chrono>
#include <optional>
#include <string>

namespace switchyard {

// What the engine knows about a new tcp:// or tls:// (passthrough)
// connection when on_tcp_connect runs.
struct TcpConnectionInfo
{
    std::string clientIp; // TCP peer, no port; IPv4-mapped addresses unwrapped
    int clientPort = 0;
    std::string serverIp; // the local address that accepted it
    int serverPort = 0;
    std::string serverName; // SNI of a tls:// connection; empty for tcp://
    std::chrono::system_clock::time_point start{};
    // An https:// connection before its handshake: only the endpoint's own
    // on_tcp_connect runs (close, or terminate-tls settings); there is no
    // byte stream to forward, so forward-internal and the cloud-endpoint
    // rule do not apply.
    bool httpsHandshake = false;
};

// The result of on_tcp_connect for one connection.
struct TcpPolicyDecision
{
    enum class Kind {
        Forward, // dial `upstreamEndpoint`'s upstream and splice
        Close,   // close the client connection; no upstream is contacted
    };
    Kind kind = Kind::Forward;
    // Forward: the agent endpoint whose upstream gets the byte stream (it
    // differs from the routed endpoint after forward-internal to an
    // internal tcp/tls endpoint); null means the routed endpoint.
    EndpointPtr upstreamEndpoint;
    // Close: why, for the log ("denied by restrict-ips", …).
    std::string reason;
    // Forward on a tls:// connection: terminate-tls ran, so the engine
    // terminates TLS with these settings and the upstream gets plaintext.
    std::optional<TlsTerminationSettings> terminateTls;
};

// THE SEAM for on_tcp_connect on tcp:// and tls:// passthrough endpoints.
// The engine calls it on the worker thread that owns the connection, after
// the pool member is chosen and before any upstream is contacted, for every
// endpoint whose trafficPolicy is not empty. Implementations must be
// thread-safe and must not block. TcpPolicyRuntime is the implementation
// the runner installs. Without a hook (Engine::setTcpPolicyHook not called)
// a connection to an endpoint with a traffic policy is closed (fail closed,
// as HttpPolicyHook's absence answers 503).
class TcpPolicyHook
{
public:
    virtual ~TcpPolicyHook() = default;
    virtual TcpPolicyDecision onTcpConnect(const Endpoint &endpoint, const TcpConnectionInfo &connection) = 0;
};

} // namespace switchyard
