// SPDX-License-Identifier: Apache-2.0
#include "data/engine/enginetlspassthrough.h"

#include "data/engine/endpointconnectioncount.h"
#include "data/engine/enginestate.h"
#include "data/engine/l4gate.h"
#include "data/engine/tlsterminationrelay.h"
#include "data/l4/splice.h"
#include "data/l4/upstreamdialer.h"
#include "data/tls/clienthellopeek.h"

#include <cstdio>

namespace switchyard {

void EngineTlsPassthrough::passthrough(asio::ip::tcp::socket socket, std::string consumed,
                                       std::shared_ptr<const EndpointPool> pool,
                                       std::shared_ptr<const RoutingSnapshot> snapshot)
{
    (void)snapshot; // the pool is already from it
    std::error_code ec;
    const auto remote = socket.remote_endpoint(ec);
    const auto local = ec ? asio::ip::tcp::endpoint() : socket.local_endpoint(ec);
    if (ec || !pool || pool->members.empty()) {
        socket.close(ec);
        return;
    }
    const EndpointPtr member = pool->members[m_roundRobin.fetch_add(1) % pool->members.size()];
    // The session routed by this name; it is parsed again rather than
    // widening the handler interface.
    ClientHelloPeek hello;
    hello.feed(consumed);
    const TcpConnectionInfo info = L4Gate::connectionInfo(remote, local, hello.serverName());
    auto route = L4Gate::route(m_state, *member, info);
    if (!route) {
        socket.close(ec);
        return;
    }
    auto counted = std::make_shared<EndpointConnectionCount>(m_state, pool->url.toString(), member->name);
    if (route->terminateTls) {
        terminate(std::move(socket), std::move(consumed), *route, info.serverName, pool->url.toString(),
                  std::move(counted));
        return;
    }
    const UpstreamTarget *target = &route->target;

    DialOptions dial;
    dial.connectTimeout = m_state.limits.load(std::memory_order_acquire)->upstreamConnectTimeout;
    auto client = std::make_shared<asio::ip::tcp::socket>(std::move(socket));
    auto executor = client->get_executor();
    m_active.fetch_add(1);
    const std::string url = pool->url.toString();
    UpstreamDialer::dial(executor, target->host, target->port, dial,
                         [self = shared_from_this(), client, url, consumed = std::move(consumed),
                          counted](UpstreamDialer::Outcome outcome) mutable {
                             if (!outcome.socket) {
                                 std::fprintf(stderr, "switchyard: %s: closing the connection: %s\n", url.c_str(),
                                              outcome.socket.message().c_str());
                                 std::error_code ignored;
                                 client->close(ignored);
                                 self->m_active.fetch_sub(1);
                                 return;
                             }
                             Splice::start(std::move(*client), std::move(outcome.socket.value()), SpliceOptions{},
                                           std::move(consumed),
                                           [self, counted](const SpliceStats &) { self->m_active.fetch_sub(1); });
                         });
}

void EngineTlsPassthrough::terminate(asio::ip::tcp::socket socket, std::string consumed, const L4Route &route,
                                     const std::string &serverName, const std::string &url,
                                     std::shared_ptr<EndpointConnectionCount> counted)
{
    auto context = m_state.terminations ? m_state.terminations->contextFor(*route.terminateTls, serverName)
                                        : Result<TlsTerminationContexts::ContextPtr>(makeError("the engine is not started"));
    if (!context) {
        std::fprintf(stderr, "switchyard: %s: terminate-tls: closing the connection: %s\n", url.c_str(),
                     context.message().c_str());
        std::error_code ignored;
        socket.close(ignored);
        return;
    }
    TlsTerminationRelay::Options options;
    options.target = route.target;
    options.endpointUrl = url;
    const auto limits = m_state.limits.load(std::memory_order_acquire);
    options.dial.connectTimeout = limits->upstreamConnectTimeout;
    options.handshakeTimeout = limits->tlsHandshakeTimeout;
    m_active.fetch_add(1);
    TlsTerminationRelay::start(std::move(socket), std::move(consumed), std::move(*context), std::move(options),
                               [self = shared_from_this(), counted] { self->m_active.fetch_sub(1); });
}

} // namespace switchyard
