// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "data/engine/tcppolicyhook.h"
#include "data/l4/upstreamtarget.h"

// A standard header before asio's (see data/l4/splice.h).
#include <cstddef>

#include <asio/ip/tcp.hpp>

#include <optional>
#include <string>

namespace switchyard {

struct EngineState;

// L4Gate::route's answer: the upstream, and on a tls:// connection whose
// policy ran terminate-tls, how to terminate it first.
struct L4Route
{
    UpstreamTarget target;
    std::optional<TlsTerminationSettings> terminateTls;
};

// Where one tcp:// or tls:// passthrough connection goes: on_tcp_connect of
// the pool member it was balanced to (through the engine's TcpPolicyHook),
// then that member's upstream or the forward-internal target's. Shared by
// the tcp:// listeners and the tls:// passthrough handler.
class L4Gate
{
public:
    // The upstream to dial, or an error (close the connection) whose
    // message says why. An endpoint with a traffic policy and no hook
    // installed is closed (fail closed).
    static Result<UpstreamTarget> decide(EngineState &state, const Endpoint &routed, const TcpConnectionInfo &info);
    // decide() plus terminate-tls's settings (tls:// connections).
    static Result<L4Route> route(EngineState &state, const Endpoint &routed, const TcpConnectionInfo &info);

    // conn.* values of an accepted socket's two ends (IPv4-mapped peers
    // unwrapped, as for HTTP).
    static TcpConnectionInfo connectionInfo(const asio::ip::tcp::endpoint &remote,
                                            const asio::ip::tcp::endpoint &local, std::string serverName = {});

    // The agent endpoint's upstream as a dial target; an error for an
    // endpoint without one (cloud).
    static Result<UpstreamTarget> targetOf(const Endpoint &endpoint);
};

} // namespace switchyard
