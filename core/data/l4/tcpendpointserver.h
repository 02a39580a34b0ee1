// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "data/l4/splice.h"
#include "data/l4/upstreamdialer.h"
#include "data/l4/upstreamtarget.h"

// A standard header before asio's (see data/l4/splice.h).
#include <cstddef>

#include <asio/any_io_executor.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace switchyard {

// The on_tcp_connect seam: what to do with a new connection.
struct TcpConnectDecision
{
    enum class Action { Allow, Close };
    Action action = Action::Allow;
    // Replaces the round-robin choice (e.g. forward-internal to another
    // endpoint's upstream). Unset = keep it.
    std::optional<UpstreamTarget> target;

    static TcpConnectDecision allow() { return {}; }
    static TcpConnectDecision close() { return {Action::Close, std::nullopt}; }
};

// How one connection ended, for logs and counters.
struct TcpConnectionReport
{
    enum class Outcome {
        Spliced,        // relayed; see splice
        ClosedByPolicy, // onTcpConnect said Close
        NoMembers,      // the pool is empty
        OverCapacity,   // maxConnections reached
        DialFailed,     // see error
        Stopped,        // closeConnections() before the relay started
    };
    Outcome outcome = Outcome::Spliced;
    asio::ip::tcp::endpoint remote;
    UpstreamTarget target;
    std::string error;
    SpliceStats splice;
    // onTcpConnect let it through (the engine counts it as an open
    // connection of the endpoint from then until this report).
    bool admitted = false;
    std::chrono::steady_clock::duration duration{}; // accept to end
};

const char *toString(TcpConnectionReport::Outcome outcome);

struct TcpEndpointServerOptions
{
    // Loopback unless the config says otherwise (CONTRACT.md).
    std::string bindAddress = "127.0.0.1";
    // 0 = any free port; port() tells which one was taken.
    std::uint16_t port = 0;
    // Open connections (all workers together). One more is accepted and
    // closed at once: the client learns immediately instead of waiting in
    // the backlog.
    std::size_t maxConnections = 10000;
    DialOptions dial;
    SpliceOptions splice;
    // on_tcp_connect (restrict-ips, deny, close-connection, …) runs here
    // later. Called on the connection's executor, after the pool member is
    // chosen and before dialing. Empty = allow all.
    std::function<TcpConnectDecision(const asio::ip::tcp::endpoint &remote, const UpstreamTarget &chosen)>
        onTcpConnect;
    // Which executor an accepted connection runs on (e.g. round robin over
    // the worker io_contexts). Empty = the listener's executor.
    std::function<asio::any_io_executor()> connectionExecutor;
    // Called once per accepted connection when it is over, on its executor.
    std::function<void(const TcpConnectionReport &report)> onConnectionDone;
};

// The listener of one tcp:// endpoint (or pool): accepts, picks the next
// pool member round robin (per connection, as ngrok balances TCP), asks
// onTcpConnect, dials the member's upstream and splices. A failed dial is
// not retried on another member (ngrok semantics); the client's connection
// is simply closed.
//
// listen() binds synchronously so a taken port is reported to the caller
// at once; start() begins accepting. stop() and setMembers() are safe from
// any thread.
class TcpEndpointServer : public std::enable_shared_from_this<TcpEndpointServer>
{
public:
    static Result<std::shared_ptr<TcpEndpointServer>> listen(asio::any_io_executor executor,
                                                              std::vector<UpstreamTarget> members,
                                                              TcpEndpointServerOptions options);
    ~TcpEndpointServer();

    void start();
    // Stops accepting and closes the listening socket. Open connections keep
    // running (drain); closeConnections() ends them.
    // The future is ready once the listening socket is closed.
    std::future<void> stop();
    void closeConnections();

    // Replaces the pool (a new routing snapshot). Open connections keep
    // their upstream.
    void setMembers(std::vector<UpstreamTarget> members);

    std::uint16_t port() const { return m_port; }
    const asio::ip::tcp::endpoint &localEndpoint() const { return m_local; }
    std::size_t activeConnections() const { return m_active.load(); }
    std::uint64_t acceptedConnections() const { return m_accepted.load(); }
    std::uint64_t refusedOverCapacity() const { return m_overCapacity.load(); }

    TcpEndpointServer(const TcpEndpointServer &) = delete;
    TcpEndpointServer &operator=(const TcpEndpointServer &) = delete;

    class Connection;

private:
    TcpEndpointServer(asio::any_io_executor executor, std::vector<UpstreamTarget> members,
                      TcpEndpointServerOptions options);

    void acceptNext();
    void handleAccepted(asio::ip::tcp::socket socket);
    std::optional<UpstreamTarget> nextMember();
    void connectionDone(std::uint64_t id, const TcpConnectionReport &report);

    asio::any_io_executor m_executor;
    asio::ip::tcp::acceptor m_acceptor;
    asio::steady_timer m_retryTimer;
    TcpEndpointServerOptions m_options;
    asio::ip::tcp::endpoint m_local;
    std::uint16_t m_port = 0;

    std::mutex m_mutex; // guards m_members and m_connections
    std::shared_ptr<const std::vector<UpstreamTarget>> m_members;
    std::unordered_map<std::uint64_t, std::weak_ptr<Connection>> m_connections;
    std::atomic<std::uint64_t> m_roundRobin{0};
    std::atomic<std::size_t> m_active{0};
    std::atomic<std::uint64_t> m_accepted{0};
    std::atomic<std::uint64_t> m_overCapacity{0};
    std::uint64_t m_nextId = 0; // listener executor only
    bool m_stopped = false;     // listener executor only
};

} // namespace switchyard
