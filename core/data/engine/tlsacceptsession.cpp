// SPDX-License-Identifier: Apache-2.0
#include "data/engine/tlsacceptsession.h"

#include "data/engine/enginestate.h"
#include "data/engine/httpproxysession.h"
#include "data/engine/l4gate.h"
#include "data/engine/tlsstream.h"
#include "data/http/httpheaders.h"
#include "data/tls/tlsfactsreader.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstdio>

namespace switchyard {

TlsAcceptSession::TlsAcceptSession(EngineWorker &worker, asio::ip::tcp::socket socket,
                                   std::shared_ptr<const ListenerInfo> listener, std::string clientIp, int clientPort)
    : m_worker(worker), m_socket(std::move(socket)), m_retryTimer(worker.context()), m_listener(std::move(listener)),
      m_clientIp(std::move(clientIp)), m_clientPort(clientPort)
{
}

TlsAcceptSession::~TlsAcceptSession()
{
    m_worker.deadlines().remove(*this);
    if (!m_handedOff)
        m_worker.state().connections.fetch_sub(1, std::memory_order_relaxed);
}

void TlsAcceptSession::start()
{
    m_worker.deadlines().add(*this);
    const auto timeout = m_worker.state().limits.load(std::memory_order_acquire)->tlsHandshakeTimeout;
    if (timeout.count() > 0)
        deadline = Clock::now() + timeout;
    waitForBytes();
}

void TlsAcceptSession::waitForBytes()
{
    m_socket.async_wait(asio::ip::tcp::socket::wait_read, [self = shared_from_this()](const std::error_code &error) {
        if (self->m_done)
            return;
        if (error) {
            self->finish();
            return;
        }
        self->peek();
    });
}

void TlsAcceptSession::peek()
{
    std::string buffer(PeekLimit, '\0');
    const ssize_t n = ::recv(m_socket.native_handle(), buffer.data(), buffer.size(), MSG_PEEK | MSG_DONTWAIT);
    if (n <= 0) {
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            waitForBytes();
            return;
        }
        finish(); // EOF or error before a ClientHello
        return;
    }
    const auto size = static_cast<std::size_t>(n);
    ClientHelloPeek hello;
    const ClientHelloPeek::Status status = hello.feed(std::string_view(buffer.data(), size));
    if (status == ClientHelloPeek::Status::NeedMore) {
        if (size >= PeekLimit) {
            finish();
            return;
        }
        // The socket stays readable while peeked bytes sit in it, so waiting
        // for readability would spin: poll again shortly for the rest.
        m_peeked = size;
        m_retryTimer.expires_after(std::chrono::milliseconds(5));
        m_retryTimer.async_wait([self = shared_from_this()](const std::error_code &error) {
            if (!error && !self->m_done)
                self->peek();
        });
        return;
    }
    if (status != ClientHelloPeek::Status::Done) {
        finish();
        return;
    }
    m_peeked = size;
    std::string name = HttpHeaders::toLower(hello.serverName());
    if (name.ends_with('.'))
        name.pop_back();
    routeByName(name);
}

void TlsAcceptSession::routeByName(const std::string &serverName)
{
    EngineState &state = m_worker.state();
    auto snapshot = state.registry.snapshot();
    const auto lookup = [&](Scheme scheme) {
        const EndpointPool *pool = snapshot->lookup(Binding::Public, {}, scheme, serverName, m_listener->routePort);
        if (!pool && m_listener->edge() && m_listener->port != m_listener->routePort)
            pool = snapshot->lookup(Binding::Public, {}, scheme, serverName, m_listener->port);
        return pool;
    };
    const EndpointPool *https = serverName.empty() ? nullptr : lookup(Scheme::Https);
    if (!serverName.empty() && !https) {
        if (const EndpointPool *pool = lookup(Scheme::Tls)) {
            for (const auto &candidate : snapshot->pools())
                if (candidate.get() == pool) {
                    passThrough(candidate, snapshot);
                    return;
                }
        }
    }
    std::optional<TlsTerminationSettings> settings;
    if (https && !onTcpConnect(*https, serverName, settings)) {
        finish();
        return;
    }
    terminate(serverName, settings);
}

bool TlsAcceptSession::onTcpConnect(const EndpointPool &pool, const std::string &serverName,
                                    std::optional<TlsTerminationSettings> &settings)
{
    // The pool's members share the URL; the first one's policy decides how
    // the handshake goes (requests are balanced later, per request).
    const EndpointPtr &member = pool.members.empty() ? nullptr : pool.members.front();
    const auto hook = m_worker.state().tcpPolicyHook.load();
    if (!member || member->trafficPolicy.empty() || !hook)
        return true;
    std::error_code ec;
    const auto remote = m_socket.remote_endpoint(ec);
    const auto local = ec ? asio::ip::tcp::endpoint() : m_socket.local_endpoint(ec);
    if (ec)
        return false;
    TcpConnectionInfo info = L4Gate::connectionInfo(remote, local, serverName);
    info.httpsHandshake = true;
    TcpPolicyDecision decision = hook->onTcpConnect(*member, info);
    if (decision.kind == TcpPolicyDecision::Kind::Close)
        return false;
    settings = std::move(decision.terminateTls);
    return true;
}

void TlsAcceptSession::passThrough(std::shared_ptr<const EndpointPool> pool,
                                   std::shared_ptr<const RoutingSnapshot> snapshot)
{
    const auto handler = m_worker.state().passthrough.load();
    if (!handler) {
        finish();
        return;
    }
    // Take the peeked ClientHello out of the socket: the splice sends it on.
    std::string consumed(m_peeked, '\0');
    std::size_t got = 0;
    while (got < m_peeked) {
        const ssize_t n = ::recv(m_socket.native_handle(), consumed.data() + got, m_peeked - got, MSG_DONTWAIT);
        if (n <= 0) {
            finish();
            return;
        }
        got += static_cast<std::size_t>(n);
    }
    // The connection leaves the HTTP engine's count here; the L4 side keeps its own.
    m_done = true;
    m_worker.deadlines().remove(*this);
    handler->passthrough(std::move(m_socket), std::move(consumed), std::move(pool), std::move(snapshot));
}

void TlsAcceptSession::terminate(const std::string &serverName,
                                 const std::optional<TlsTerminationSettings> &settings)
{
    const EngineState &state = m_worker.state();
    if (!state.tlsServer) {
        finish();
        return;
    }
    SSL_CTX *context = state.tlsServer->nativeHandle();
    TlsTerminationContexts::ContextPtr own;
    if (settings && state.terminations) {
        auto built = state.terminations->contextFor(*settings, serverName);
        if (!built) {
            std::fprintf(stderr, "switchyard: https://%s: terminate-tls: closing the connection: %s\n",
                         serverName.c_str(), built.message().c_str());
            finish();
            return;
        }
        own = std::move(*built);
        context = own.get();
    }
    SSL *ssl = SSL_new(context);
    if (!ssl) {
        finish();
        return;
    }
    m_tls = std::make_shared<TlsStream>(std::move(m_socket), ssl);
    m_tls->stream().async_handshake(
        asio::ssl::stream_base::server,
        [self = shared_from_this(), serverName, byAction = settings.has_value()](const std::error_code &error) {
            if (self->m_done)
                return;
            if (error) {
                self->finish();
                return;
            }
            self->m_done = true;
            self->m_handedOff = true;
            self->m_worker.deadlines().remove(*self);
            HttpConnectionInfo info;
            info.clientIp = self->m_clientIp;
            info.clientPort = self->m_clientPort;
            info.proto = "https";
            info.serverName = serverName;
            info.listenAddress = self->m_listener->address;
            info.tls = TlsFactsReader::read(self->m_tls->stream().native_handle(), serverName, byAction);
            auto session = std::make_shared<HttpProxySession>(self->m_worker, std::move(self->m_tls),
                                                              self->m_listener, std::move(info));
            session->start();
        });
}

void TlsAcceptSession::finish()
{
    if (m_done)
        return;
    m_done = true;
    std::error_code ignored;
    m_retryTimer.cancel();
    if (m_tls)
        m_tls->close();
    else
        m_socket.close(ignored);
    m_worker.deadlines().remove(*this);
}

void TlsAcceptSession::onDeadline()
{
    finish();
}

} // namespace switchyard
