// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "control/routingsnapshot.h"
#include "data/engine/deadlinelist.h"
#include "data/engine/engineworker.h"
#include "data/engine/listenerinfo.h"
#include "data/tls/clienthellopeek.h"
#include "policy/exec/tlsterminationsettings.h"

#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>

#include <memory>
#include <optional>
#include <string>

namespace switchyard {

class TlsStream;

// A new connection on an HTTPS listener, before it is HTTP: peeks the
// ClientHello (MSG_PEEK, so the bytes stay in the socket for OpenSSL),
// runs an https endpoint's on_tcp_connect (restrict-ips, terminate-tls's
// versions, certificate and mutual TLS),
// routes the SNI name, then either terminates TLS and hands the stream to an
// HttpProxySession (https:// endpoints) or passes the connection to the
// TlsPassthroughHandler (tls:// endpoints; closed when none is set). An SNI
// that routes nowhere still gets a handshake, which TlsServerContext ends
// with an unrecognized_name alert. Bounded by tls_handshake_timeout.
class TlsAcceptSession final : public std::enable_shared_from_this<TlsAcceptSession>, private DeadlineNode
{
public:
    TlsAcceptSession(EngineWorker &worker, asio::ip::tcp::socket socket,
                     std::shared_ptr<const ListenerInfo> listener, std::string clientIp, int clientPort);
    ~TlsAcceptSession() override;
    TlsAcceptSession(const TlsAcceptSession &) = delete;
    TlsAcceptSession &operator=(const TlsAcceptSession &) = delete;

    void start();

private:
    static constexpr std::size_t PeekLimit = ClientHelloPeek::MaxHandshakeBytes + 64 * 5;

    void waitForBytes();
    void peek();
    void routeByName(const std::string &serverName);
    void passThrough(std::shared_ptr<const EndpointPool> pool, std::shared_ptr<const RoutingSnapshot> snapshot);
    // terminate-tls in the https endpoint's on_tcp_connect: false closes the
    // connection; `settings` gets the action's settings when it ran.
    bool onTcpConnect(const EndpointPool &pool, const std::string &serverName,
                      std::optional<TlsTerminationSettings> &settings);
    void terminate(const std::string &serverName, const std::optional<TlsTerminationSettings> &settings);
    void finish();
    void onDeadline() override;

    EngineWorker &m_worker;
    asio::ip::tcp::socket m_socket;
    asio::steady_timer m_retryTimer;
    std::shared_ptr<const ListenerInfo> m_listener;
    std::string m_clientIp;
    int m_clientPort = 0;
    std::size_t m_peeked = 0;
    std::shared_ptr<TlsStream> m_tls;
    bool m_handedOff = false;
    bool m_done = false;
};

} // namespace switchyard
