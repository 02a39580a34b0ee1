// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "data/engine/tlspassthroughhandler.h"

#include <atomic>
#include <cstddef>
#include <memory>

namespace switchyard {

class EndpointConnectionCount;

struct EngineState;
struct L4Route;

// The TlsPassthroughHandler Engine::start installs when none was set: the
// tls:// half of core/data/l4 behind the edge-https (and dedicated tls://)
// listeners. The listener already consumed the ClientHello while routing by
// SNI, so this does what TlsPassthrough does after its own peek: balance
// over the pool per connection, run on_tcp_connect (L4Gate), dial the
// upstream with UpstreamDialer, replay the ClientHello and Splice. The
// client completes its handshake with the upstream and sees the upstream's
// certificate. Policy refusals and dial failures only close the connection
// (dial failures are logged on stderr); an HTTP error page cannot be sent
// to a client speaking TLS to someone else's server. When on_tcp_connect
// ran terminate-tls the connection is terminated here instead
// (TlsTerminationRelay) and the upstream gets the decrypted bytes.
class EngineTlsPassthrough : public TlsPassthroughHandler, public std::enable_shared_from_this<EngineTlsPassthrough>
{
public:
    // `state` must outlive every connection it starts (they keep the
    // handler itself alive).
    explicit EngineTlsPassthrough(EngineState &state)
        : m_state(state)
    {}

    void passthrough(asio::ip::tcp::socket socket, std::string consumed, std::shared_ptr<const EndpointPool> pool,
                     std::shared_ptr<const RoutingSnapshot> snapshot) override;

    std::size_t activeConnections() const { return m_active.load(); }

private:
    void terminate(asio::ip::tcp::socket socket, std::string consumed, const L4Route &route,
                   const std::string &serverName, const std::string &url,
                   std::shared_ptr<EndpointConnectionCount> counted);

    EngineState &m_state;
    std::atomic<std::size_t> m_roundRobin{0};
    std::atomic<std::size_t> m_active{0};
};

} // namespace switchyard
