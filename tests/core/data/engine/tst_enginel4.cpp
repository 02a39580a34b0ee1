// SPDX-License-Identifier: Apache-2.0
// tcp:// and tls:// endpoints through the Engine over real sockets on
// 127.0.0.1: tcp listeners (free or explicit port) that open and close with
// their endpoints, per-connection balancing, tls:// passthrough on the
// edge-https listener and on a dedicated port to a real `openssl s_server`
// (the client must see the upstream's own certificate), on_tcp_connect
// (restrict-ips, deny, close-connection, forward-internal) and the
// failures that only close the connection.
#include "../../../support/opensslserver.h"
#include "../l4/l4testsupport.h"

#include "control/endpointregistry.h"
#include "data/engine/engine.h"
#include "data/engine/policyruntime.h"
#include "data/engine/tcppolicyruntime.h"

#include <QTest>

using namespace switchyard;
using namespace l4test;

namespace {

Endpoint l4Endpoint(const std::string &url, int upstreamPort, const std::string &name, const std::string &policy = {},
                    bool pooling = false)
{
    Endpoint e;
    e.name = name;
    e.url = *EndpointUrl::parse(url);
    e.binding = *EndpointUrl::resolveBinding(e.url, std::nullopt);
    e.upstream = *Upstream::parse("127.0.0.1:" + std::to_string(upstreamPort), e.url.scheme());
    e.trafficPolicy = policy;
    e.poolingEnabled = pooling;
    return e;
}

// An upstream that greets every connection with its name and closes.
ThreadServer::Session greeter(std::string name)
{
    return [name](tcp::socket &s) {
        asio::write(s, asio::buffer(name));
        s.shutdown(tcp::socket::shutdown_send);
        readAll(s);
    };
}

std::string tcpConnect(const std::string &rule)
{
    return "on_tcp_connect:\n  - " + rule + "\n";
}

// An engine with only the edge-https listener (port 0), two workers and,
// unless told otherwise, the policy runtimes the headless runner installs.
struct L4Engine
{
    explicit L4Engine(std::vector<Endpoint> endpoints, bool policyRuntime = true)
    {
        RegistryChange change;
        change.add = std::move(endpoints);
        if (auto applied = registry.apply(std::move(change)); !applied)
            qFatal("registry: %s", applied.message().c_str());
        EngineOptions options;
        options.apiAddr.clear();
        options.edgeHttp.clear();
        options.edgeHttps = "127.0.0.1:0";
        options.workers = 2;
        options.limits.upstreamConnectTimeout = std::chrono::seconds(2);
        engine = std::make_unique<Engine>(registry, options);
        if (policyRuntime) {
            auto policies = std::make_shared<PolicyRuntime>(registry);
            engine->setPolicyHook(policies);
            engine->setTcpPolicyHook(std::make_shared<TcpPolicyRuntime>(registry, policies));
        }
        if (auto started = engine->start(); !started)
            qFatal("start: %s", started.message().c_str());
    }
    unsigned short port(const std::string &url) const
    {
        return static_cast<unsigned short>(engine->dedicatedPort(*EndpointUrl::parse(url)));
    }
    // Sends `data`, half-closes, returns everything until the engine closes.
    std::string exchange(unsigned short listenPort, const std::string &data, std::error_code *error = nullptr)
    {
        asio::io_context io;
        tcp::socket socket = connectTo(io, listenPort);
        if (!data.empty())
            asio::write(socket, asio::buffer(data));
        std::error_code ignored;
        socket.shutdown(tcp::socket::shutdown_send, ignored);
        return readAll(socket, error);
    }
    std::vector<std::string> listenerKinds() const
    {
        std::vector<std::string> kinds;
        for (const auto &listener : engine->listeners())
            kinds.push_back(listener.kind + " " + listener.address);
        return kinds;
    }

    EndpointRegistry registry;
    std::unique_ptr<Engine> engine;
};

bool refuses(unsigned short port)
{
    asio::io_context io;
    tcp::socket socket(io);
    std::error_code ec;
    socket.connect(tcp::endpoint(asio::ip::address_v4::loopback(), port), ec);
    return ec == asio::error::connection_refused;
}

} // namespace

class TestEngineL4 : public QObject
{
    Q_OBJECT

private slots:
    void tcpEchoOnFreePort()
    {
        ThreadServer upstream(echoSession);
        L4Engine l4({l4Endpoint("tcp://echo.localhost", upstream.port(), "echo")});
        const unsigned short port = l4.port("tcp://echo.localhost");
        QVERIFY(port != 0);
        const auto kinds = l4.listenerKinds();
        QVERIFY(std::find(kinds.begin(), kinds.end(), "tcp 127.0.0.1:" + std::to_string(port)) != kinds.end());
        QCOMPARE(l4.exchange(port, "ping over tcp://"), std::string("ping over tcp://"));
        // A second connection on the same listener.
        QCOMPARE(l4.exchange(port, std::string(100000, 'x')), std::string(100000, 'x'));
        QCOMPARE(upstream.connections(), 2);
    }

    void tcpExplicitPort()
    {
        ThreadServer upstream(greeter("db"));
        const int wanted = freePort();
        const std::string url = "tcp://db.localhost:" + std::to_string(wanted);
        L4Engine l4({l4Endpoint(url, upstream.port(), "db")});
        QCOMPARE(int(l4.port(url)), wanted);
        QCOMPARE(l4.exchange(static_cast<unsigned short>(wanted), ""), std::string("db"));
    }

    void tcpPoolBalancesPerConnection()
    {
        ThreadServer a(greeter("A"));
        ThreadServer b(greeter("B"));
        L4Engine l4({l4Endpoint("tcp://pool.localhost", a.port(), "a", {}, true),
                     l4Endpoint("tcp://pool.localhost", b.port(), "b", {}, true)});
        const unsigned short port = l4.port("tcp://pool.localhost");
        std::map<std::string, int> seen;
        for (int i = 0; i < 6; ++i)
            ++seen[l4.exchange(port, "")];
        QCOMPARE(seen["A"], 3);
        QCOMPARE(seen["B"], 3);
        QCOMPARE(a.connections(), 3);
        QCOMPARE(b.connections(), 3);
    }

    void tcpUpstreamUnreachableCloses()
    {
        L4Engine l4({l4Endpoint("tcp://down.localhost", deadPort(), "down")});
        std::error_code error;
        QCOMPARE(l4.exchange(l4.port("tcp://down.localhost"), "hello", &error), std::string());
        QVERIFY(error == asio::error::eof || error == asio::error::connection_reset);
    }

    void internalTcpIsNeverBound()
    {
        ThreadServer upstream(echoSession);
        const int port = freePort();
        const std::string url = "tcp://db.internal:" + std::to_string(port);
        L4Engine l4({l4Endpoint(url, upstream.port(), "db")});
        QVERIFY(l4.registry.snapshot()->endpoints().front()->binding == Binding::Internal);
        QCOMPARE(int(l4.port(url)), 0);
        for (const auto &listener : l4.engine->listeners())
            QVERIFY2(listener.kind != "tcp", listener.address.c_str());
        QVERIFY(refuses(static_cast<unsigned short>(port)));
        QCOMPARE(upstream.connections(), 0);
    }

    void listenersFollowEndpoints()
    {
        ThreadServer upstream(greeter("up"));
        L4Engine l4({});
        const int fixed = freePort();
        const std::string fixedUrl = "tcp://fixed.localhost:" + std::to_string(fixed);
        auto added = l4.registry.apply({{}, {l4Endpoint("tcp://free.localhost", upstream.port(), "free"),
                                             l4Endpoint(fixedUrl, upstream.port(), "fixed")}});
        QVERIFY(added);
        QVERIFY(l4.engine->reconcile());
        const unsigned short freePortBound = l4.port("tcp://free.localhost");
        QVERIFY(freePortBound != 0);
        QCOMPARE(int(l4.port(fixedUrl)), fixed);
        QCOMPARE(l4.exchange(freePortBound, ""), std::string("up"));
        QCOMPARE(l4.exchange(static_cast<unsigned short>(fixed), ""), std::string("up"));

        // Another change keeps the bound port of the endpoint that stays.
        QVERIFY(l4.registry.apply({{(*added)[1]->id}, {}}));
        QVERIFY(l4.engine->reconcile());
        QCOMPARE(l4.port("tcp://free.localhost"), freePortBound);
        QCOMPARE(int(l4.port(fixedUrl)), 0);
        QVERIFY(waitFor([&] { return refuses(static_cast<unsigned short>(fixed)); }));

        // The engine's own poll notices without reconcile().
        QVERIFY(l4.registry.apply({{(*added)[0]->id}, {}}));
        QVERIFY(waitFor([&] { return l4.port("tcp://free.localhost") == 0; }));
        QVERIFY(waitFor([&] { return refuses(freePortBound); }));
        QCOMPARE(upstream.connections(), 2);
    }

    void tcpConnectPolicy_data()
    {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<bool>("relayed");
        QTest::newRow("restrict-ips deny") << "actions: [{type: restrict-ips, config: {deny: [127.0.0.0/8]}}]" << false;
        QTest::newRow("restrict-ips allow other") << "actions: [{type: restrict-ips, config: {allow: [10.0.0.0/8]}}]"
                                                  << false;
        QTest::newRow("restrict-ips allow loopback")
            << "actions: [{type: restrict-ips, config: {allow: [127.0.0.1]}}]" << true;
        QTest::newRow("restrict-ips not enforced")
            << "actions: [{type: restrict-ips, config: {deny: [127.0.0.0/8], enforce: false}}]" << true;
        QTest::newRow("deny") << "actions: [{type: deny}]" << false;
        QTest::newRow("close-connection") << "actions: [{type: close-connection}]" << false;
        QTest::newRow("conn.client_ip matches")
            << "{expressions: [\"conn.client_ip == '127.0.0.1' && conn.server_port > 0\"], actions: [{type: deny}]}"
            << false;
        QTest::newRow("expression false") << "{expressions: [\"conn.client_ip == '10.1.2.3'\"], actions: [{type: deny}]}"
                                          << true;
    }

    void tcpConnectPolicy()
    {
        QFETCH(QString, rule);
        QFETCH(bool, relayed);
        ThreadServer upstream(echoSession);
        L4Engine l4({l4Endpoint("tcp://guarded.localhost", upstream.port(), "guarded",
                                tcpConnect(rule.toStdString()))});
        const std::string got = l4.exchange(l4.port("tcp://guarded.localhost"), "hello");
        QCOMPARE(got, relayed ? std::string("hello") : std::string());
        // Closed before dialing: the upstream never saw a connection.
        QCOMPARE(upstream.connections(), relayed ? 1 : 0);
    }

    void policyWithoutRuntimeFailsClosed()
    {
        ThreadServer upstream(echoSession);
        L4Engine l4({l4Endpoint("tcp://guarded.localhost", upstream.port(), "guarded",
                                tcpConnect("actions: [{type: restrict-ips, config: {allow: [127.0.0.1]}}]"))},
                    false);
        QCOMPARE(l4.exchange(l4.port("tcp://guarded.localhost"), "hello"), std::string());
        QCOMPARE(upstream.connections(), 0);
    }

    void forwardInternalTcp()
    {
        ThreadServer front(greeter("front"));
        ThreadServer db(greeter("db"));
        L4Engine l4({l4Endpoint("tcp://front.localhost", front.port(), "front",
                                tcpConnect("actions: [{type: forward-internal, config: {url: "
                                           "\"tcp://db.internal:5432\"}}]")),
                     l4Endpoint("tcp://db.internal:5432", db.port(), "db",
                                tcpConnect("actions: [{type: restrict-ips, config: {allow: [127.0.0.0/8]}}]"))});
        const unsigned short port = l4.port("tcp://front.localhost");
        QCOMPARE(l4.exchange(port, ""), std::string("db"));
        QCOMPARE(l4.exchange(port, ""), std::string("db"));
        QCOMPARE(front.connections(), 0);
        QCOMPARE(db.connections(), 2);
    }

    void forwardInternalTargetPolicyCloses()
    {
        ThreadServer db(greeter("db"));
        L4Engine l4({l4Endpoint("tcp://front.localhost", db.port(), "front",
                                tcpConnect("actions: [{type: forward-internal, config: {url: "
                                           "\"tcp://db.internal:5432\"}}]")),
                     l4Endpoint("tcp://db.internal:5432", db.port(), "db", tcpConnect("actions: [{type: deny}]"))});
        QCOMPARE(l4.exchange(l4.port("tcp://front.localhost"), ""), std::string());
        QCOMPARE(db.connections(), 0);
    }

    void forwardInternalMissingTarget_data()
    {
        QTest::addColumn<QString>("onError");
        QTest::addColumn<QString>("expected");
        QTest::newRow("closes") << "" << "";
        QTest::newRow("on_error continue") << ", on_error: continue" << "front";
    }

    void forwardInternalMissingTarget()
    {
        QFETCH(QString, onError);
        QFETCH(QString, expected);
        ThreadServer front(greeter("front"));
        L4Engine l4({l4Endpoint("tcp://front.localhost", front.port(), "front",
                                tcpConnect("actions: [{type: forward-internal, config: {url: "
                                           "\"tcp://gone.internal:5432\""
                                           + onError.toStdString() + "}}]"))});
        QCOMPARE(l4.exchange(l4.port("tcp://front.localhost"), ""), expected.toStdString());
    }

    void tlsPassthroughOnEdge()
    {
        OpensslServer upstream("db.localhost");
        QVERIFY(upstream.ready());
        L4Engine l4({l4Endpoint("tls://db.localhost", upstream.port(), "db")});
        const TlsProbeResult probe = tlsProbe(l4.engine->edgeHttpsPort(), "db.localhost", upstream.certificateFile());
        QVERIFY(probe.handshake);
        QCOMPARE(probe.peerPem, upstream.certificatePem());
        QVERIFY2(probe.reply.starts_with("HTTP/1.0 200 ok"), probe.reply.c_str());
    }

    void tlsPassthroughOnDedicatedPort()
    {
        OpensslServer upstream("db.localhost");
        QVERIFY(upstream.ready());
        const int port = freePort();
        const std::string url = "tls://db.localhost:" + std::to_string(port);
        L4Engine l4({l4Endpoint(url, upstream.port(), "db")});
        QCOMPARE(int(l4.port(url)), port);
        const auto kinds = l4.listenerKinds();
        QVERIFY(std::find(kinds.begin(), kinds.end(), "tls 127.0.0.1:" + std::to_string(port)) != kinds.end());
        const TlsProbeResult probe = tlsProbe(port, "db.localhost", upstream.certificateFile());
        QVERIFY(probe.handshake);
        QCOMPARE(probe.peerPem, upstream.certificatePem());
        QVERIFY2(probe.reply.starts_with("HTTP/1.0 200 ok"), probe.reply.c_str());
        // The edge listener (port 443 URLs) does not serve it.
        QVERIFY(!tlsProbe(l4.engine->edgeHttpsPort(), "db.localhost", upstream.certificateFile()).handshake);
    }

    void tlsUnknownNameIsClosed()
    {
        ThreadServer upstream(echoSession);
        L4Engine l4({l4Endpoint("tls://db.localhost", upstream.port(), "db")});
        const TlsProbeResult probe = tlsProbe(l4.engine->edgeHttpsPort(), "other.localhost", "/dev/null");
        QVERIFY(!probe.handshake);
        QCOMPARE(probe.reply, std::string());
        QCOMPARE(upstream.connections(), 0);
    }

    void tlsConnectPolicyCloses()
    {
        ThreadServer upstream(echoSession);
        L4Engine l4({l4Endpoint("tls://db.localhost", upstream.port(), "db",
                                tcpConnect("actions: [{type: restrict-ips, config: {deny: [127.0.0.1]}}]"))});
        QVERIFY(!tlsProbe(l4.engine->edgeHttpsPort(), "db.localhost", "/dev/null").handshake);
        QCOMPARE(upstream.connections(), 0);
    }

    void tlsForwardInternal()
    {
        OpensslServer upstream("db.localhost");
        QVERIFY(upstream.ready());
        ThreadServer front(echoSession);
        L4Engine l4({l4Endpoint("tls://db.localhost", front.port(), "front",
                                tcpConnect("actions: [{type: forward-internal, config: {url: "
                                           "\"tls://db.internal:8443\"}}]")),
                     l4Endpoint("tls://db.internal:8443", upstream.port(), "db")});
        const TlsProbeResult probe = tlsProbe(l4.engine->edgeHttpsPort(), "db.localhost", upstream.certificateFile());
        QVERIFY(probe.handshake);
        QCOMPARE(probe.peerPem, upstream.certificatePem());
        QCOMPARE(front.connections(), 0);
    }
};

QTEST_GUILESS_MAIN(TestEngineL4)
#include "tst_enginel4.moc"
