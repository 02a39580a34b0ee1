// SPDX-License-Identifier: Apache-2.0
#include "data/l4/tcpendpointserver.h"

#include <asio/post.hpp>

namespace switchyard {

namespace {

// After an accept error that is about resources (out of descriptors or
// memory), wait before accepting again instead of spinning on the error.
constexpr std::chrono::milliseconds AcceptRetryDelay(100);

} // namespace

const char *toString(TcpConnectionReport::Outcome outcome)
{
    switch (outcome) {
    case TcpConnectionReport::Outcome::Spliced: return "spliced";
    case TcpConnectionReport::Outcome::ClosedByPolicy: return "closed-by-policy";
    case TcpConnectionReport::Outcome::NoMembers: return "no-members";
    case TcpConnectionReport::Outcome::OverCapacity: return "over-capacity";
    case TcpConnectionReport::Outcome::DialFailed: return "dial-failed";
    case TcpConnectionReport::Outcome::Stopped: return "stopped";
    }
    return "unknown";
}

// One accepted connection: policy seam, dial, splice. Lives on the executor
// of its socket.
class TcpEndpointServer::Connection : public std::enable_shared_from_this<Connection>
{
public:
    Connection(std::shared_ptr<TcpEndpointServer> server, std::uint64_t id, asio::ip::tcp::socket socket)
        : m_server(std::move(server)), m_id(id), m_socket(std::move(socket)), m_executor(m_socket.get_executor())
    {
    }

    const asio::any_io_executor &executor() const { return m_executor; }

    void start()
    {
        std::error_code ignored;
        m_started = std::chrono::steady_clock::now();
        m_report.remote = m_socket.remote_endpoint(ignored);
        std::optional<UpstreamTarget> member = m_server->nextMember();
        if (!member) {
            end(TcpConnectionReport::Outcome::NoMembers);
            return;
        }
        m_report.target = std::move(*member);
        if (m_server->m_options.onTcpConnect) {
            TcpConnectDecision decision = m_server->m_options.onTcpConnect(m_report.remote, m_report.target);
            if (decision.action == TcpConnectDecision::Action::Close) {
                end(TcpConnectionReport::Outcome::ClosedByPolicy);
                return;
            }
            if (decision.target)
                m_report.target = std::move(*decision.target);
        }
        m_report.admitted = true;
        m_dialer = UpstreamDialer::dial(m_executor, m_report.target.host, m_report.target.port,
                                        m_server->m_options.dial,
                                        [self = shared_from_this()](UpstreamDialer::Outcome outcome) {
                                            self->dialed(std::move(outcome));
                                        });
    }

    void stop()
    {
        asio::post(m_executor, [self = shared_from_this()] {
            if (self->m_splice)
                self->m_splice->stop();
            else
                self->end(TcpConnectionReport::Outcome::Stopped);
        });
    }

    // Refuses a connection that is over the cap, without counting it as open.
    static void refuse(const std::shared_ptr<TcpEndpointServer> &server, asio::ip::tcp::socket socket)
    {
        TcpConnectionReport report;
        report.outcome = TcpConnectionReport::Outcome::OverCapacity;
        std::error_code ignored;
        report.remote = socket.remote_endpoint(ignored);
        socket.close(ignored);
        if (server->m_options.onConnectionDone)
            server->m_options.onConnectionDone(report);
    }

private:
    void dialed(UpstreamDialer::Outcome outcome)
    {
        m_dialer.reset();
        if (m_ended)
            return;
        if (!outcome.socket) {
            m_report.error = outcome.socket.message();
            end(TcpConnectionReport::Outcome::DialFailed);
            return;
        }
        m_splice = Splice::start(std::move(m_socket), std::move(outcome.socket.value()), m_server->m_options.splice,
                                 {}, [self = shared_from_this()](const SpliceStats &stats) {
                                     self->m_report.splice = stats;
                                     self->end(TcpConnectionReport::Outcome::Spliced);
                                 });
    }

    void end(TcpConnectionReport::Outcome outcome)
    {
        if (m_ended)
            return;
        m_ended = true;
        std::error_code ignored;
        if (m_socket.is_open())
            m_socket.close(ignored);
        if (m_dialer)
            m_dialer->cancel();
        m_dialer.reset();
        m_splice.reset();
        m_report.outcome = outcome;
        m_report.duration = std::chrono::steady_clock::now() - m_started;
        m_server->connectionDone(m_id, m_report);
    }

    std::shared_ptr<TcpEndpointServer> m_server;
    std::uint64_t m_id;
    asio::ip::tcp::socket m_socket;
    asio::any_io_executor m_executor;
    TcpConnectionReport m_report;
    std::chrono::steady_clock::time_point m_started;
    std::shared_ptr<UpstreamDialer> m_dialer;
    std::shared_ptr<Splice> m_splice;
    bool m_ended = false;
};

TcpEndpointServer::TcpEndpointServer(asio::any_io_executor executor, std::vector<UpstreamTarget> members,
                                     TcpEndpointServerOptions options)
    : m_executor(std::move(executor)),
      m_acceptor(m_executor),
      m_retryTimer(m_executor),
      m_options(std::move(options)),
      m_members(std::make_shared<const std::vector<UpstreamTarget>>(std::move(members)))
{
}

TcpEndpointServer::~TcpEndpointServer() = default;

Result<std::shared_ptr<TcpEndpointServer>> TcpEndpointServer::listen(asio::any_io_executor executor,
                                                                      std::vector<UpstreamTarget> members,
                                                                      TcpEndpointServerOptions options)
{
    const std::string where = UpstreamDialer::displayAddress(options.bindAddress, options.port);
    std::error_code ec;
    const auto address = asio::ip::make_address(options.bindAddress, ec);
    if (ec)
        return makeError("cannot listen on " + where + ": not an IP address");
    std::shared_ptr<TcpEndpointServer> server(
        new TcpEndpointServer(std::move(executor), std::move(members), std::move(options)));
    const asio::ip::tcp::endpoint endpoint(address, server->m_options.port);
    auto &acceptor = server->m_acceptor;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec)
        acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec)
        acceptor.bind(endpoint, ec);
    if (!ec)
        acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (!ec)
        server->m_local = acceptor.local_endpoint(ec);
    if (ec)
        return makeError("cannot listen on " + where + ": " + ec.message());
    server->m_port = server->m_local.port();
    return server;
}

void TcpEndpointServer::start()
{
    asio::post(m_executor, [self = shared_from_this()] { self->acceptNext(); });
}

void TcpEndpointServer::acceptNext()
{
    if (m_stopped)
        return;
    auto executor = m_options.connectionExecutor ? m_options.connectionExecutor() : m_executor;
    m_acceptor.async_accept(executor, [self = shared_from_this()](std::error_code ec, asio::ip::tcp::socket socket) {
        if (self->m_stopped || ec == asio::error::operation_aborted)
            return;
        if (ec == asio::error::no_descriptors || ec == asio::error::no_memory || ec == asio::error::no_buffer_space) {
            self->m_retryTimer.expires_after(AcceptRetryDelay);
            self->m_retryTimer.async_wait([self](std::error_code timerError) {
                if (!timerError)
                    self->acceptNext();
            });
            return;
        }
        if (!ec)
            self->handleAccepted(std::move(socket));
        self->acceptNext();
    });
}

void TcpEndpointServer::handleAccepted(asio::ip::tcp::socket socket)
{
    if (m_active.fetch_add(1) >= m_options.maxConnections) {
        m_active.fetch_sub(1);
        m_overCapacity.fetch_add(1);
        auto executor = socket.get_executor();
        asio::post(executor, [self = shared_from_this(), s = std::make_shared<asio::ip::tcp::socket>(
                                                             std::move(socket))]() mutable {
            Connection::refuse(self, std::move(*s));
        });
        return;
    }
    m_accepted.fetch_add(1);
    const std::uint64_t id = ++m_nextId;
    auto connection = std::make_shared<Connection>(shared_from_this(), id, std::move(socket));
    {
        std::lock_guard lock(m_mutex);
        m_connections.emplace(id, connection);
    }
    asio::post(connection->executor(), [connection] { connection->start(); });
}

std::optional<UpstreamTarget> TcpEndpointServer::nextMember()
{
    std::shared_ptr<const std::vector<UpstreamTarget>> members;
    {
        std::lock_guard lock(m_mutex);
        members = m_members;
    }
    if (!members || members->empty())
        return std::nullopt;
    return (*members)[m_roundRobin.fetch_add(1) % members->size()];
}

void TcpEndpointServer::setMembers(std::vector<UpstreamTarget> members)
{
    auto fresh = std::make_shared<const std::vector<UpstreamTarget>>(std::move(members));
    std::lock_guard lock(m_mutex);
    m_members = std::move(fresh);
}

void TcpEndpointServer::connectionDone(std::uint64_t id, const TcpConnectionReport &report)
{
    {
        std::lock_guard lock(m_mutex);
        m_connections.erase(id);
    }
    // Reported before the count drops, so a caller that waits for zero
    // active connections has seen every report.
    if (m_options.onConnectionDone)
        m_options.onConnectionDone(report);
    m_active.fetch_sub(1);
}

std::future<void> TcpEndpointServer::stop()
{
    auto closed = std::make_shared<std::promise<void>>();
    std::future<void> result = closed->get_future();
    asio::post(m_executor, [self = shared_from_this(), closed] {
        self->m_stopped = true;
        self->m_retryTimer.cancel();
        std::error_code ignored;
        self->m_acceptor.close(ignored);
        closed->set_value();
    });
    return result;
}

void TcpEndpointServer::closeConnections()
{
    std::vector<std::shared_ptr<Connection>> open;
    {
        std::lock_guard lock(m_mutex);
        for (auto &[id, weak] : m_connections)
            if (auto connection = weak.lock())
                open.push_back(std::move(connection));
    }
    for (auto &connection : open)
        connection->stop();
}

} // namespace switchyard
