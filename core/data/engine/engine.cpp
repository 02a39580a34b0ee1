// SPDX-License-Identifier: Apache-2.0
#include "data/engine/engine.h"

#include "common/threadname.h"
#include "data/engine/engineerrors.h"
#include "data/engine/enginestate.h"
#include "data/engine/engineworker.h"
#include "data/engine/enginetlspassthrough.h"
#include "data/engine/httpproxysession.h"
#include "data/engine/l4gate.h"
#include "data/engine/listener.h"
#include "data/engine/localservicesession.h"
#include "data/engine/plainstream.h"
#include "data/engine/tlsacceptsession.h"
#include "data/http/httperrorresponse.h"
#include "data/l4/tcpendpointserver.h"
#include "data/tls/localca.h"

#include <asio/executor_work_guard.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace switchyard {

struct Engine::Impl
{
    Impl(EndpointRegistry &registry, EngineOptions options) : state(registry, std::move(options)) {}

    EngineState state;
    std::string caPath;
    std::shared_ptr<const LocalServiceHandler> handler = std::make_shared<const LocalServiceHandler>();
    std::vector<std::unique_ptr<EngineWorker>> workers;
    std::atomic<std::size_t> nextWorker{0};

    // The API thread: local service connections and the reconcile poll.
    std::unique_ptr<asio::io_context> apiContext = std::make_unique<asio::io_context>(1);
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> apiWork;
    std::optional<asio::steady_timer> pollTimer;
    std::thread apiThread;

    mutable std::mutex listenersMutex;
    std::shared_ptr<Listener> api;
    std::shared_ptr<Listener> edgeHttp;
    std::shared_ptr<Listener> edgeHttps;
    std::map<std::string, std::shared_ptr<Listener>> dedicated; // "scheme|host|port"
    std::map<std::string, std::shared_ptr<TcpEndpointServer>> tcpServers; // by public tcp:// URL
    std::uint64_t reconciledGeneration = 0;
    // Read by the API thread's reconcile poll as well as the caller's.
    std::atomic<bool> started{false};
    std::atomic<bool> stopped{false};

    asio::io_context &chooseWorker()
    {
        return workers[nextWorker.fetch_add(1, std::memory_order_relaxed) % workers.size()]->context();
    }
    EngineWorker &workerOf(asio::ip::tcp::socket &socket)
    {
        for (auto &worker : workers)
            if (&worker->context() == &socket.get_executor().context())
                return *worker;
        return *workers.front();
    }

    Result<std::shared_ptr<Listener>> openListener(ListenerInfo::Kind kind, const std::string &address,
                                                   int routePort, asio::io_context &acceptContext);
    Result<std::shared_ptr<Listener>> openListener(ListenerInfo::Kind kind, const std::string &host, int port,
                                                   int routePort, asio::io_context &acceptContext);
    void acceptData(asio::ip::tcp::socket socket, std::shared_ptr<const ListenerInfo> info);
    Result<void> reconcileLocked();
    void reconcileTcpLocked(const RoutingSnapshot &snapshot, std::string &problems);
    void closeTcpServersNotIn(const RoutingSnapshot &snapshot, std::vector<std::future<void>> &closing);
    void waitClosed(std::vector<std::future<void>> &closing) const;
    Result<std::shared_ptr<TcpEndpointServer>> openTcpServer(const EndpointPool &pool);
    void closeTcpServers();
    void schedulePoll();
    bool servesHttpsHost(std::string_view host) const;
};

Result<std::shared_ptr<Listener>> Engine::Impl::openListener(ListenerInfo::Kind kind, const std::string &address,
                                                             int routePort, asio::io_context &acceptContext)
{
    auto parsed = Listener::parseAddress(address);
    if (!parsed)
        return parsed.error();
    return openListener(kind, parsed->first, parsed->second, routePort, acceptContext);
}

Result<std::shared_ptr<Listener>> Engine::Impl::openListener(ListenerInfo::Kind kind, const std::string &host,
                                                             int port, int routePort, asio::io_context &acceptContext)
{
    ListenerInfo info;
    info.kind = kind;
    info.routePort = routePort;
    if (kind == ListenerInfo::Kind::Api) {
        auto sessionHandler = handler;
        return Listener::open(
            acceptContext, info, host, port, [this]() -> asio::io_context & { return *apiContext; },
            [sessionHandler](asio::ip::tcp::socket socket, std::shared_ptr<const ListenerInfo>) {
                std::make_shared<LocalServiceSession>(std::move(socket), sessionHandler)->start();
            });
    }
    return Listener::open(
        acceptContext, info, host, port, [this]() -> asio::io_context & { return chooseWorker(); },
        [this](asio::ip::tcp::socket socket, std::shared_ptr<const ListenerInfo> listenerInfo) {
            acceptData(std::move(socket), std::move(listenerInfo));
        });
}

void Engine::Impl::acceptData(asio::ip::tcp::socket socket, std::shared_ptr<const ListenerInfo> info)
{
    const std::size_t open = state.connections.fetch_add(1, std::memory_order_relaxed) + 1;
    if (open > state.limits.load(std::memory_order_acquire)->maxConnections || state.stopping.load(std::memory_order_relaxed)) {
        const bool stopping = state.stopping.load(std::memory_order_relaxed);
        if (!info->tls()) {
            // A fresh socket's send buffer is empty: this never blocks.
            const std::string answer = HttpErrorResponse::build(
                503, stopping ? "Switchyard is shutting down." : "Too many connections; try again later.",
                stopping ? EngineErrors::ShuttingDown : EngineErrors::TooManyConnections);
            std::error_code ignored;
            asio::write(socket, asio::buffer(answer), ignored);
        }
        std::error_code ignored;
        socket.close(ignored);
        state.connections.fetch_sub(1, std::memory_order_relaxed);
        return;
    }
    EngineWorker &worker = workerOf(socket);
    asio::post(worker.context(), [&worker, socket = std::move(socket), info = std::move(info)]() mutable {
        std::error_code ec;
        socket.set_option(asio::ip::tcp::no_delay(true), ec);
        const auto peer = socket.remote_endpoint(ec);
        if (ec) {
            socket.close(ec);
            worker.state().connections.fetch_sub(1, std::memory_order_relaxed);
            return;
        }
        std::string clientIp = peer.address().is_v4() || !peer.address().to_v6().is_v4_mapped()
                                   ? peer.address().to_string()
                                   : asio::ip::make_address_v4(asio::ip::v4_mapped, peer.address().to_v6()).to_string();
        if (info->tls()) {
            std::make_shared<TlsAcceptSession>(worker, std::move(socket), std::move(info), std::move(clientIp),
                                               peer.port())
                ->start();
            return;
        }
        HttpConnectionInfo connection;
        connection.clientIp = std::move(clientIp);
        connection.clientPort = peer.port();
        connection.proto = "http";
        connection.listenAddress = info->address;
        auto stream = std::make_shared<PlainStream>(std::move(socket));
        std::make_shared<HttpProxySession>(worker, std::move(stream), std::move(info), std::move(connection))
            ->start();
    });
}

bool Engine::Impl::servesHttpsHost(std::string_view host) const
{
    const auto snapshot = state.registry.snapshot();
    for (const auto &pool : snapshot->pools()) {
        if (pool->binding != Binding::Public || pool->url.scheme() != Scheme::Https)
            continue;
        if (pool->url.isWildcard()) {
            const std::string_view suffix = pool->url.wildcardSuffix();
            if (host.size() > suffix.size() + 1 && host.ends_with(suffix)
                && host[host.size() - suffix.size() - 1] == '.')
                return true;
        } else if (pool->url.host() == host) {
            return true;
        }
    }
    return false;
}

Result<void> Engine::Impl::reconcileLocked()
{
    const auto snapshot = state.registry.snapshot();
    const int edgeHttpPort = edgeHttp ? edgeHttp->info()->port : -1;
    const int edgeHttpsPort = edgeHttps ? edgeHttps->info()->port : -1;
    struct Wanted
    {
        ListenerInfo::Kind kind;
        std::string host;
        int port;
    };
    std::map<std::string, Wanted> wanted;
    for (const auto &pool : snapshot->pools()) {
        const EndpointUrl &url = pool->url;
        if (pool->binding != Binding::Public || url.explicitPort() == 0)
            continue;
        if (url.scheme() == Scheme::Tcp)
            continue; // reconcileTcpLocked
        // tls:// shares the https:// listener of its port: both route by SNI.
        const bool https = url.scheme() == Scheme::Https || url.scheme() == Scheme::Tls;
        if (url.explicitPort() == (https ? edgeHttpsPort : edgeHttpPort))
            continue; // the edge listener serves it (it also routes on its own port)
        const std::string host = url.isIpLiteral() ? url.host() : state.options.dedicatedBindHost;
        const std::string key = std::string(https ? "https" : "http") + "|" + host + "|"
                                + std::to_string(url.explicitPort());
        const ListenerInfo::Kind kind = url.scheme() == Scheme::Tls ? ListenerInfo::Kind::DedicatedTls
                                        : https                     ? ListenerInfo::Kind::DedicatedHttps
                                                                    : ListenerInfo::Kind::DedicatedHttp;
        auto [it, added] = wanted.emplace(key, Wanted{kind, host, url.explicitPort()});
        if (!added && kind == ListenerInfo::Kind::DedicatedHttps)
            it->second.kind = kind; // a port with https:// and tls:// URLs is listed as https
    }
    std::vector<std::future<void>> closing;
    for (auto it = dedicated.begin(); it != dedicated.end();) {
        if (!wanted.contains(it->first)) {
            closing.push_back(it->second->close());
            it = dedicated.erase(it);
        } else {
            ++it;
        }
    }
    closeTcpServersNotIn(*snapshot, closing);
    // A removed endpoint stops accepting before reconcile returns (so a
    // "reloaded" line is true), and a port it held can be bound again below.
    waitClosed(closing);
    std::string problems;
    for (const auto &[key, want] : wanted) {
        if (dedicated.contains(key))
            continue;
        auto listener = openListener(want.kind, want.host, want.port, want.port, chooseWorker());
        if (!listener) {
            problems += (problems.empty() ? "" : "; ") + listener.message();
            continue;
        }
        dedicated.emplace(key, *listener);
        if (started)
            (*listener)->start();
    }
    reconcileTcpLocked(*snapshot, problems);
    reconciledGeneration = snapshot->generation();
    if (!problems.empty())
        return makeError(problems, "ERR_SWITCHYARD_LISTEN");
    return {};
}

Result<std::shared_ptr<TcpEndpointServer>> Engine::Impl::openTcpServer(const EndpointPool &pool)
{
    TcpEndpointServerOptions options;
    options.bindAddress = pool.url.isIpLiteral() ? pool.url.host() : state.options.dedicatedBindHost;
    options.port = static_cast<std::uint16_t>(pool.url.explicitPort());
    const auto limits = state.limits.load(std::memory_order_acquire);
    options.maxConnections = limits->maxConnections;
    options.dial.connectTimeout = limits->upstreamConnectTimeout;
    options.connectionExecutor = [this]() -> asio::any_io_executor { return chooseWorker().get_executor(); };
    const std::string url = pool.url.toString();
    EngineState *shared = &state;
    // The listener's own address is filled in once bound (conn.server_*).
    auto local = std::make_shared<asio::ip::tcp::endpoint>();
    options.onTcpConnect = [shared, local, url](const asio::ip::tcp::endpoint &remote, const UpstreamTarget &chosen) {
        const EndpointPtr member = shared->registry.snapshot()->endpoint(chosen.endpointId);
        if (!member)
            return TcpConnectDecision::close(); // went offline since the pool was set
        auto target = L4Gate::decide(*shared, *member, L4Gate::connectionInfo(remote, *local));
        if (!target)
            return TcpConnectDecision::close();
        // For the endpoint's connection metrics, as HTTP connections count.
        if (auto sink = shared->captureSink.load(std::memory_order_relaxed); sink && sink->enabled())
            sink->connectionOpened(url, member->name);
        return TcpConnectDecision{TcpConnectDecision::Action::Allow, std::move(*target)};
    };
    options.onConnectionDone = [shared, url](const TcpConnectionReport &report) {
        if (report.outcome == TcpConnectionReport::Outcome::DialFailed)
            std::fprintf(stderr, "switchyard: %s: closing the connection: %s\n", url.c_str(), report.error.c_str());
        if (report.admitted)
            if (auto sink = shared->captureSink.load(std::memory_order_relaxed))
                sink->connectionClosed(
                    url, std::chrono::duration_cast<std::chrono::nanoseconds>(report.duration).count());
    };
    std::vector<UpstreamTarget> members;
    for (const EndpointPtr &member : pool.members)
        if (auto target = L4Gate::targetOf(*member))
            members.push_back(std::move(*target));
    auto server = TcpEndpointServer::listen(chooseWorker().get_executor(), std::move(members), std::move(options));
    if (!server)
        return makeError(url + ": " + server.message(), "ERR_SWITCHYARD_LISTEN");
    *local = (*server)->localEndpoint();
    return server;
}

namespace {
std::map<std::string, const EndpointPool *> wantedTcp(const RoutingSnapshot &snapshot)
{
    std::map<std::string, const EndpointPool *> wanted;
    for (const auto &pool : snapshot.pools())
        if (pool->binding == Binding::Public && pool->url.scheme() == Scheme::Tcp)
            wanted.emplace(pool->url.toString(), pool.get());
    return wanted;
}
} // namespace

void Engine::Impl::closeTcpServersNotIn(const RoutingSnapshot &snapshot, std::vector<std::future<void>> &closing)
{
    const auto wanted = wantedTcp(snapshot);
    for (auto it = tcpServers.begin(); it != tcpServers.end();) {
        if (!wanted.contains(it->first)) {
            // The endpoint is gone: so are its connections.
            closing.push_back(it->second->stop());
            it->second->closeConnections();
            it = tcpServers.erase(it);
        } else {
            ++it;
        }
    }
}

void Engine::Impl::waitClosed(std::vector<std::future<void>> &closing) const
{
    // Before start() no worker runs the posted closes; they run when the
    // contexts do, and nothing accepts meanwhile anyway.
    if (!started || stopped)
        return;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    for (auto &closed : closing)
        closed.wait_until(deadline);
}

void Engine::Impl::reconcileTcpLocked(const RoutingSnapshot &snapshot, std::string &problems)
{
    const auto wanted = wantedTcp(snapshot);
    for (const auto &[url, pool] : wanted) {
        if (const auto it = tcpServers.find(url); it != tcpServers.end()) {
            std::vector<UpstreamTarget> members;
            for (const EndpointPtr &member : pool->members)
                if (auto target = L4Gate::targetOf(*member))
                    members.push_back(std::move(*target));
            it->second->setMembers(std::move(members));
            continue;
        }
        auto server = openTcpServer(*pool);
        if (!server) {
            problems += (problems.empty() ? "" : "; ") + server.message();
            continue;
        }
        tcpServers.emplace(url, *server);
        if (started)
            (*server)->start();
    }
}

void Engine::Impl::closeTcpServers()
{
    for (auto &[url, server] : tcpServers) {
        server->stop();
        server->closeConnections();
    }
}

void Engine::Impl::schedulePoll()
{
    pollTimer->expires_after(std::chrono::milliseconds(200));
    pollTimer->async_wait([this](const std::error_code &error) {
        if (error)
            return;
        bool failed = false;
        {
            std::lock_guard lock(listenersMutex);
            if (state.registry.snapshot()->generation() != reconciledGeneration) {
                auto result = reconcileLocked();
                if (!result) {
                    failed = true;
                    std::fprintf(stderr, "switchyard: %s\n", result.message().c_str());
                }
            }
        }
        // A failed bind is retried on the next tick only after a change, so a
        // taken port does not flood the log.
        (void)failed;
        schedulePoll();
    });
}

Engine::Engine(EndpointRegistry &registry, EngineOptions options)
    : d(std::make_unique<Impl>(registry, std::move(options)))
{
}

Engine::~Engine()
{
    stop();
}

void Engine::setLocalServiceHandler(LocalServiceHandler handler)
{
    d->handler = std::make_shared<const LocalServiceHandler>(std::move(handler));
}

void Engine::setPolicyHook(std::shared_ptr<HttpPolicyHook> hook)
{
    d->state.policyHook.store(std::move(hook));
}

void Engine::setCaptureSink(std::shared_ptr<CaptureSink> sink)
{
    d->state.captureSink.store(std::move(sink));
}

void Engine::setLimits(const EngineLimits &limits)
{
    d->state.limits.store(std::make_shared<const EngineLimits>(limits), std::memory_order_release);
}

EngineLimits Engine::limits() const
{
    return *d->state.limits.load(std::memory_order_acquire);
}

void Engine::setTlsPassthrough(std::shared_ptr<TlsPassthroughHandler> handler)
{
    d->state.passthrough.store(std::move(handler));
}

void Engine::setTcpPolicyHook(std::shared_ptr<TcpPolicyHook> hook)
{
    d->state.tcpPolicyHook.store(std::move(hook));
}

Result<void> Engine::start()
{
    if (d->started)
        return makeError("the engine is already running");
    EngineState &state = d->state;
    const EngineOptions &options = state.options;
    if (!options.dataDir.empty()) {
        auto ca = LocalCa::loadOrCreate(options.dataDir);
        if (!ca)
            return makeError("local CA: " + ca.message());
        for (const std::string &warning : ca->warnings())
            std::fprintf(stderr, "switchyard: warning: %s\n", warning.c_str());
        d->caPath = ca->caCertificatePath();
        auto cache = std::make_shared<CertificateCache>(*ca);
        TlsServerOptions tlsOptions;
        Impl *impl = d.get();
        tlsOptions.acceptHost = [impl](std::string_view host) { return impl->servesHttpsHost(host); };
        auto server = TlsServerContext::create(cache, tlsOptions);
        if (!server)
            return makeError("TLS: " + server.message());
        state.tlsServer.emplace(std::move(*server));
    }
    TlsClientOptions clientOptions;
    clientOptions.verify = options.upstreamTlsVerify;
    clientOptions.caFile = options.upstreamTlsVerifyCas;
    clientOptions.alpn = {"http/1.1"};
    auto client = TlsClientContext::create(clientOptions);
    if (!client)
        return makeError("TLS: " + client.message());
    state.tlsClient.emplace(std::move(*client));
    state.terminations =
        std::make_shared<TlsTerminationContexts>(state.tlsServer ? &state.tlsServer->certificates() : nullptr);
    if (!state.passthrough.load())
        state.passthrough.store(std::make_shared<EngineTlsPassthrough>(state));

    const int count = options.workers > 0 ? options.workers
                                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    for (int i = 0; i < count; ++i)
        d->workers.push_back(std::make_unique<EngineWorker>(state, static_cast<std::size_t>(i)));

    {
        std::lock_guard lock(d->listenersMutex);
        const auto fail = [this](const Error &error) {
            d->api.reset();
            d->edgeHttp.reset();
            d->edgeHttps.reset();
            d->dedicated.clear();
            d->tcpServers.clear();
            d->workers.clear();
            return error;
        };
        if (!options.apiAddr.empty()) {
            auto api = d->openListener(ListenerInfo::Kind::Api, options.apiAddr, 0, *d->apiContext);
            if (!api)
                return fail(api.error());
            d->api = *api;
        }
        if (!options.edgeHttp.empty()) {
            auto edge = d->openListener(ListenerInfo::Kind::EdgeHttp, options.edgeHttp, 80, d->workers[0]->context());
            if (!edge)
                return fail(edge.error());
            d->edgeHttp = *edge;
        }
        if (!options.edgeHttps.empty()) {
            auto edge = d->openListener(ListenerInfo::Kind::EdgeHttps, options.edgeHttps, 443,
                                        d->workers[1 % d->workers.size()]->context());
            if (!edge)
                return fail(edge.error());
            d->edgeHttps = *edge;
        }
        if (auto reconciled = d->reconcileLocked(); !reconciled)
            return fail(reconciled.error());
        d->started = true;
        for (auto *listener : {&d->api, &d->edgeHttp, &d->edgeHttps})
            if (*listener)
                (*listener)->start();
        for (auto &[key, listener] : d->dedicated)
            listener->start();
        for (auto &[url, server] : d->tcpServers)
            server->start();
    }
    for (auto &worker : d->workers)
        worker->start();
    d->apiWork.emplace(asio::make_work_guard(*d->apiContext));
    d->pollTimer.emplace(*d->apiContext);
    d->schedulePoll();
    d->apiThread = std::thread([impl = d.get()] {
        setCurrentThreadName("sy-api");
        impl->apiContext->run();
    });
    return {};
}

void Engine::stop()
{
    if (!d->started || d->stopped)
        return;
    d->stopped = true;
    EngineState &state = d->state;
    state.stopping.store(true);
    {
        std::lock_guard lock(d->listenersMutex);
        for (auto *listener : {&d->edgeHttp, &d->edgeHttps})
            if (*listener)
                (*listener)->close();
        for (auto &[key, listener] : d->dedicated)
            listener->close();
        d->closeTcpServers();
    }
    const auto drainUntil = std::chrono::steady_clock::now() + state.limits.load()->drainTimeout;
    while (state.activeExchanges.load() > 0 && std::chrono::steady_clock::now() < drainUntil)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    d->apiContext->stop();
    if (d->apiThread.joinable())
        d->apiThread.join();
    for (auto &worker : d->workers)
        worker->stop();
    // An acceptor on one worker's context creates its sockets on another's,
    // so a pending accept (or the posted close that cancels it) must not be
    // destroyed after the context its socket belongs to: run what is still
    // queued while every context is alive. The threads are joined, so this
    // thread is the only one touching the contexts.
    for (int round = 0; round < 8; ++round) {
        std::size_t ran = 0;
        for (auto &worker : d->workers) {
            worker->context().restart();
            ran += worker->context().poll();
        }
        if (ran == 0)
            break;
    }
    std::lock_guard lock(d->listenersMutex);
    d->api.reset();
    d->edgeHttp.reset();
    d->edgeHttps.reset();
    d->dedicated.clear();
    d->tcpServers.clear();
    d->pollTimer.reset();
    d->apiWork.reset();
    d->apiContext.reset();
    d->workers.clear();
}

Result<void> Engine::reconcile()
{
    std::lock_guard lock(d->listenersMutex);
    return d->reconcileLocked();
}

std::vector<Engine::ListenerAddress> Engine::listeners() const
{
    std::lock_guard lock(d->listenersMutex);
    std::vector<ListenerAddress> out;
    for (const auto *listener : {&d->api, &d->edgeHttp, &d->edgeHttps})
        if (*listener)
            out.push_back({ListenerInfo::kindName((*listener)->info()->kind), (*listener)->info()->address});
    for (const auto &[key, listener] : d->dedicated)
        out.push_back({ListenerInfo::kindName(listener->info()->kind), listener->info()->address});
    for (const auto &[url, server] : d->tcpServers)
        out.push_back({"tcp", UpstreamDialer::displayAddress(server->localEndpoint().address().to_string(),
                                                             server->port())});
    return out;
}

int Engine::apiPort() const
{
    std::lock_guard lock(d->listenersMutex);
    return d->api ? d->api->info()->port : 0;
}

int Engine::edgeHttpPort() const
{
    std::lock_guard lock(d->listenersMutex);
    return d->edgeHttp ? d->edgeHttp->info()->port : 0;
}

int Engine::edgeHttpsPort() const
{
    std::lock_guard lock(d->listenersMutex);
    return d->edgeHttps ? d->edgeHttps->info()->port : 0;
}

int Engine::dedicatedPort(const EndpointUrl &url) const
{
    std::lock_guard lock(d->listenersMutex);
    if (url.scheme() == Scheme::Tcp) {
        const auto it = d->tcpServers.find(url.toString());
        return it == d->tcpServers.end() ? 0 : it->second->port();
    }
    for (const auto &[key, listener] : d->dedicated)
        if (listener->info()->port == url.explicitPort()
            && listener->info()->tls() == (url.scheme() == Scheme::Https || url.scheme() == Scheme::Tls))
            return listener->info()->port;
    return 0;
}

std::string Engine::caCertificatePath() const
{
    return d->caPath;
}

std::size_t Engine::openConnections() const
{
    return d->state.connections.load();
}

std::size_t Engine::workerCount() const
{
    return d->workers.size();
}

} // namespace switchyard
