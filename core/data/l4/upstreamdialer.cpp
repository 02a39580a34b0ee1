// SPDX-License-Identifier: Apache-2.0
#include "data/l4/upstreamdialer.h"

#include <asio/post.hpp>

#include <algorithm>
#include <cctype>

namespace switchyard {

namespace {

bool isLocalhost(const std::string &host)
{
    std::string lower(host);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower == "localhost" || lower == "localhost.";
}

DialFailure classify(std::error_code ec)
{
    if (ec == asio::error::connection_refused)
        return DialFailure::Refused;
    if (ec == asio::error::network_unreachable || ec == asio::error::host_unreachable)
        return DialFailure::Unreachable;
    if (ec == asio::error::timed_out)
        return DialFailure::Timeout;
    return DialFailure::Other;
}

std::string endpointText(const asio::ip::tcp::endpoint &endpoint)
{
    const auto address = endpoint.address();
    const std::string host = address.to_string();
    return address.is_v6() ? "[" + host + "]:" + std::to_string(endpoint.port())
                           : host + ":" + std::to_string(endpoint.port());
}

} // namespace

struct UpstreamDialer::Attempt
{
    Attempt(const asio::any_io_executor &executor, asio::ip::tcp::endpoint target)
        : socket(executor), endpoint(target)
    {
    }
    asio::ip::tcp::socket socket;
    asio::ip::tcp::endpoint endpoint;
};

const char *toString(DialFailure failure)
{
    switch (failure) {
    case DialFailure::Resolve: return "resolve";
    case DialFailure::Refused: return "refused";
    case DialFailure::Timeout: return "timeout";
    case DialFailure::Unreachable: return "unreachable";
    case DialFailure::Cancelled: return "cancelled";
    case DialFailure::Other: return "other";
    }
    return "other";
}

std::string UpstreamDialer::displayAddress(const std::string &host, int port)
{
    if (host.find(':') != std::string::npos && host.front() != '[')
        return "[" + host + "]:" + std::to_string(port);
    return host + ":" + std::to_string(port);
}

UpstreamDialer::UpstreamDialer(asio::any_io_executor executor, std::string host, int port, DialOptions options,
                               Handler handler)
    : m_executor(std::move(executor)),
      m_host(std::move(host)),
      m_port(port),
      m_options(options),
      m_handler(std::move(handler)),
      m_resolver(m_executor),
      m_deadline(m_executor),
      m_attemptTimer(m_executor)
{
}

std::shared_ptr<UpstreamDialer> UpstreamDialer::dial(asio::any_io_executor executor, std::string host, int port,
                                                     DialOptions options, Handler handler)
{
    std::shared_ptr<UpstreamDialer> dialer(
        new UpstreamDialer(std::move(executor), std::move(host), port, options, std::move(handler)));
    // Posted so that the handler never runs inside dial(), even for an
    // error found without any I/O.
    asio::post(dialer->m_executor, [dialer] { dialer->begin(); });
    return dialer;
}

void UpstreamDialer::cancel()
{
    asio::post(m_executor, [self = shared_from_this()] { self->failWith(DialFailure::Cancelled, "dial cancelled"); });
}

void UpstreamDialer::begin()
{
    if (m_finished)
        return;
    if (m_port <= 0 || m_port > 65535 || m_host.empty()) {
        failWith(DialFailure::Other, "invalid address");
        return;
    }
    m_deadline.expires_after(m_options.connectTimeout);
    m_deadline.async_wait([self = shared_from_this()](std::error_code ec) {
        if (!ec)
            self->failWith(DialFailure::Timeout,
                           "no connection within " + std::to_string(self->m_options.connectTimeout.count()) + " ms");
    });

    const auto port = static_cast<unsigned short>(m_port);
    if (isLocalhost(m_host)) {
        connectAll({{asio::ip::address_v4::loopback(), port}, {asio::ip::address_v6::loopback(), port}});
        return;
    }
    std::string literal = m_host;
    if (literal.size() > 2 && literal.front() == '[' && literal.back() == ']')
        literal = literal.substr(1, literal.size() - 2);
    std::error_code parseError;
    const auto address = asio::ip::make_address(literal, parseError);
    if (!parseError) {
        connectAll({{address, port}});
        return;
    }
    m_resolver.async_resolve(m_host, std::to_string(m_port),
                             [self = shared_from_this()](std::error_code ec,
                                                         asio::ip::tcp::resolver::results_type results) {
                                 if (self->m_finished)
                                     return;
                                 if (ec || results.empty()) {
                                     self->failWith(DialFailure::Resolve,
                                                    "cannot resolve the host" + (ec ? ": " + ec.message() : ""));
                                     return;
                                 }
                                 std::vector<asio::ip::tcp::endpoint> endpoints;
                                 for (const auto &entry : results)
                                     endpoints.push_back(entry.endpoint());
                                 self->connectAll(std::move(endpoints));
                             });
}

void UpstreamDialer::connectAll(std::vector<asio::ip::tcp::endpoint> endpoints)
{
    m_endpoints = std::move(endpoints);
    m_next = 0;
    startNextAttempt();
}

void UpstreamDialer::startNextAttempt()
{
    if (m_finished)
        return;
    if (m_next >= m_endpoints.size()) {
        if (m_running.empty()) {
            const std::string reason = m_lastError ? m_lastError.message() : "no address to connect to";
            failWith(classify(m_lastError), reason);
        }
        return;
    }
    auto attempt = std::make_shared<Attempt>(m_executor, m_endpoints[m_next++]);
    m_running.push_back(attempt);
    attempt->socket.async_connect(attempt->endpoint, [self = shared_from_this(), attempt](std::error_code ec) {
        self->attemptDone(attempt, ec);
    });
    if (m_next < m_endpoints.size())
        armAttemptTimer();
}

void UpstreamDialer::armAttemptTimer()
{
    m_attemptTimer.expires_after(m_options.attemptDelay);
    m_attemptTimer.async_wait([self = shared_from_this()](std::error_code ec) {
        if (!ec && !self->m_finished)
            self->startNextAttempt();
    });
}

void UpstreamDialer::attemptDone(const std::shared_ptr<Attempt> &attempt, std::error_code ec)
{
    if (m_finished)
        return;
    m_running.erase(std::remove(m_running.begin(), m_running.end(), attempt), m_running.end());
    if (!ec) {
        succeed(std::move(attempt->socket));
        return;
    }
    m_lastError = ec;
    // The next address starts now rather than after the attempt delay.
    m_attemptTimer.cancel();
    startNextAttempt();
}

void UpstreamDialer::succeed(asio::ip::tcp::socket socket)
{
    m_finished = true;
    m_deadline.cancel();
    m_attemptTimer.cancel();
    for (auto &other : m_running) {
        std::error_code ignored;
        other->socket.close(ignored);
    }
    m_running.clear();
    Handler handler = std::move(m_handler);
    m_handler = nullptr;
    handler(Outcome{Result<asio::ip::tcp::socket>(std::move(socket)), DialFailure::Other});
}

void UpstreamDialer::failWith(DialFailure failure, std::string why)
{
    if (m_finished)
        return;
    m_finished = true;
    m_deadline.cancel();
    m_attemptTimer.cancel();
    m_resolver.cancel();
    for (auto &attempt : m_running) {
        std::error_code ignored;
        attempt->socket.close(ignored);
    }
    m_running.clear();
    std::string message = "could not connect to the upstream " + displayAddress(m_host, m_port) + ": " + why;
    if (m_next > 0) {
        message += " (tried";
        for (std::size_t i = 0; i < m_next && i < m_endpoints.size(); ++i)
            message += (i ? ", " : " ") + endpointText(m_endpoints[i]);
        message += ")";
    }
    Handler handler = std::move(m_handler);
    m_handler = nullptr;
    handler(Outcome{makeError(std::move(message), UnreachableCode), failure});
}

} // namespace switchyard
