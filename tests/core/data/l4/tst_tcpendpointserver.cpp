// SPDX-License-Identifier: Apache-2.0
#include "data/l4/tcpendpointserver.h"

#include "l4testsupport.h"

#include <QtTest>

using namespace switchyard;
using namespace l4test;

namespace {

// An upstream that greets every connection with its name and closes.
ThreadServer::Session greeter(std::string name)
{
    return [name](tcp::socket &s) {
        asio::write(s, asio::buffer(name));
        s.shutdown(tcp::socket::shutdown_send);
        readAll(s);
    };
}

UpstreamTarget target(unsigned short port, std::string id = "ep_test")
{
    return UpstreamTarget{"127.0.0.1", port, std::move(id)};
}

// Listens with the given options; reports land in `reports`.
struct Server
{
    Server(IoThread &io, std::vector<UpstreamTarget> members, TcpEndpointServerOptions options = {})
    {
        options.onConnectionDone = [this](const TcpConnectionReport &report) { reports.put(report); };
        auto created = TcpEndpointServer::listen(io.executor(), std::move(members), std::move(options));
        if (!created)
            qFatal("listen failed: %s", created.message().c_str());
        server = created.value();
        server->start();
    }
    ~Server()
    {
        server->stop();
        server->closeConnections();
        waitFor([this] { return server->activeConnections() == 0; });
    }
    std::string fetch()
    {
        asio::io_context client;
        tcp::socket socket = connectTo(client, server->port());
        return readAll(socket);
    }
    std::shared_ptr<TcpEndpointServer> server;
    Mailbox<TcpConnectionReport> reports;
};

} // namespace

class TestTcpEndpointServer : public QObject
{
    Q_OBJECT

private slots:
    void freePortAndEcho()
    {
        IoThread io;
        ThreadServer upstream(echoSession);
        Server s(io, {target(upstream.port())});
        QVERIFY(s.server->port() != 0);
        QCOMPARE(s.server->localEndpoint().address().to_string(), std::string("127.0.0.1"));

        asio::io_context client;
        tcp::socket socket = connectTo(client, s.server->port());
        asio::write(socket, asio::buffer(std::string("ping over tcp://")));
        socket.shutdown(tcp::socket::shutdown_send);
        QCOMPARE(readAll(socket), std::string("ping over tcp://"));
        TcpConnectionReport report;
        QVERIFY(s.reports.take(&report));
        QCOMPARE(report.outcome, TcpConnectionReport::Outcome::Spliced);
        QCOMPARE(report.target, target(upstream.port()));
        QCOMPARE(report.splice.end, SpliceEnd::Closed);
        QCOMPARE(report.splice.clientToUpstream, std::uint64_t(16));
        QCOMPARE(report.remote.address().to_string(), std::string("127.0.0.1"));
    }

    void explicitPort()
    {
        IoThread io;
        ThreadServer upstream(greeter("hi"));
        TcpEndpointServerOptions options;
        options.port = deadPort();
        Server s(io, {target(upstream.port())}, options);
        QCOMPARE(s.server->port(), options.port);
        QCOMPARE(s.fetch(), std::string("hi"));
    }

    void portTakenIsReported()
    {
        IoThread io;
        ThreadServer busy(echoSession);
        TcpEndpointServerOptions options;
        options.port = busy.port();
        auto created = TcpEndpointServer::listen(io.executor(), {}, options);
        QVERIFY(!created);
        QCOMPARE(created.message(),
                 "cannot listen on 127.0.0.1:" + std::to_string(busy.port()) + ": Address already in use");
    }

    void roundRobinPerConnection()
    {
        IoThread io;
        ThreadServer a(greeter("A"));
        ThreadServer b(greeter("B"));
        Server s(io, {target(a.port(), "ep_a"), target(b.port(), "ep_b")});
        QStringList seen;
        for (int i = 0; i < 4; ++i)
            seen << QString::fromStdString(s.fetch());
        QCOMPARE(seen, QStringList({"A", "B", "A", "B"}));

        s.server->setMembers({target(b.port(), "ep_b")});
        QCOMPARE(s.fetch(), std::string("B"));
        QCOMPARE(s.fetch(), std::string("B"));
    }

    void policyCloseNeverDials()
    {
        IoThread io;
        ThreadServer upstream(greeter("secret"));
        TcpEndpointServerOptions options;
        Mailbox<std::string> asked;
        options.onTcpConnect = [&asked](const tcp::endpoint &remote, const UpstreamTarget &chosen) {
            asked.put(remote.address().to_string() + " -> " + chosen.endpointId);
            return TcpConnectDecision::close();
        };
        Server s(io, {target(upstream.port(), "ep_guarded")}, options);
        QCOMPARE(s.fetch(), std::string());
        std::string question;
        QVERIFY(asked.take(&question));
        QCOMPARE(question, std::string("127.0.0.1 -> ep_guarded"));
        TcpConnectionReport report;
        QVERIFY(s.reports.take(&report));
        QCOMPARE(report.outcome, TcpConnectionReport::Outcome::ClosedByPolicy);
        QCOMPARE(upstream.connections(), 0);
    }

    void policyCanRedirectTarget()
    {
        IoThread io;
        ThreadServer original(greeter("original"));
        ThreadServer internal(greeter("internal"));
        TcpEndpointServerOptions options;
        const UpstreamTarget redirected = target(internal.port(), "ep_internal");
        options.onTcpConnect = [redirected](const tcp::endpoint &, const UpstreamTarget &) {
            TcpConnectDecision decision;
            decision.target = redirected;
            return decision;
        };
        Server s(io, {target(original.port())}, options);
        QCOMPARE(s.fetch(), std::string("internal"));
        TcpConnectionReport report;
        QVERIFY(s.reports.take(&report));
        QCOMPARE(report.target, redirected);
    }

    void dialFailureClosesClient()
    {
        IoThread io;
        const unsigned short dead = deadPort();
        Server s(io, {target(dead)});
        QCOMPARE(s.fetch(), std::string());
        TcpConnectionReport report;
        QVERIFY(s.reports.take(&report));
        QCOMPARE(report.outcome, TcpConnectionReport::Outcome::DialFailed);
        QVERIFY2(report.error.find("could not connect to the upstream 127.0.0.1:" + std::to_string(dead))
                     == 0,
                 report.error.c_str());
    }

    void emptyPoolClosesClient()
    {
        IoThread io;
        Server s(io, {});
        QCOMPARE(s.fetch(), std::string());
        TcpConnectionReport report;
        QVERIFY(s.reports.take(&report));
        QCOMPARE(report.outcome, TcpConnectionReport::Outcome::NoMembers);
    }

    void connectionCap()
    {
        IoThread io;
        ThreadServer upstream(echoSession);
        TcpEndpointServerOptions options;
        options.maxConnections = 2;
        Server s(io, {target(upstream.port())}, options);

        asio::io_context client;
        auto open = [&] {
            tcp::socket socket = connectTo(client, s.server->port());
            return socket;
        };
        auto echoes = [](tcp::socket &socket) {
            asio::write(socket, asio::buffer(std::string("?")));
            char c = 0;
            std::error_code ec;
            asio::read(socket, asio::buffer(&c, 1), ec);
            return !ec && c == '?';
        };
        tcp::socket first = open();
        tcp::socket second = open();
        QVERIFY(echoes(first));
        QVERIFY(echoes(second));
        QCOMPARE(s.server->activeConnections(), std::size_t(2));

        tcp::socket third = open();
        std::error_code end;
        QCOMPARE(readAll(third, &end), std::string());
        QVERIFY(end);
        TcpConnectionReport report;
        QVERIFY(s.reports.take(&report));
        QCOMPARE(report.outcome, TcpConnectionReport::Outcome::OverCapacity);
        QCOMPARE(s.server->refusedOverCapacity(), std::uint64_t(1));

        first.close();
        QVERIFY(waitFor([&] { return s.server->activeConnections() == 1; }));
        tcp::socket fourth = open();
        QVERIFY(echoes(fourth));
        QVERIFY(echoes(second));
        QCOMPARE(s.server->acceptedConnections(), std::uint64_t(3));
    }

    // stop() ends accepting but keeps open relays (drain); closeConnections
    // ends them.
    void stopDrainsThenCloses()
    {
        IoThread io;
        ThreadServer upstream(echoSession);
        Server s(io, {target(upstream.port())});
        asio::io_context client;
        tcp::socket open = connectTo(client, s.server->port());
        asio::write(open, asio::buffer(std::string("a")));
        char c = 0;
        asio::read(open, asio::buffer(&c, 1));
        const unsigned short port = s.server->port();
        s.server->stop();
        QVERIFY(waitFor([&] {
            tcp::socket probe(client);
            std::error_code ec;
            probe.connect(tcp::endpoint(asio::ip::address_v4::loopback(), port), ec);
            return ec == asio::error::connection_refused;
        }));
        asio::write(open, asio::buffer(std::string("b")));
        asio::read(open, asio::buffer(&c, 1));
        QCOMPARE(c, 'b');
        s.server->closeConnections();
        std::error_code end;
        readAll(open, &end);
        QVERIFY(end);
        TcpConnectionReport report;
        QVERIFY(s.reports.take(&report));
        QCOMPARE(report.splice.end, SpliceEnd::Stopped);
    }

    // Accepted connections can run on other io_contexts (engine workers).
    void connectionsOnOtherExecutor()
    {
        IoThread listener;
        IoThread worker;
        ThreadServer upstream(greeter("from worker"));
        TcpEndpointServerOptions options;
        std::atomic<int> handedOut{0};
        options.connectionExecutor = [&] {
            ++handedOut;
            return worker.executor();
        };
        Server s(listener, {target(upstream.port())}, options);
        QCOMPARE(s.fetch(), std::string("from worker"));
        QVERIFY(handedOut.load() >= 1);
    }
};

QTEST_GUILESS_MAIN(TestTcpEndpointServer)
#include "tst_tcpendpointserver.moc"
