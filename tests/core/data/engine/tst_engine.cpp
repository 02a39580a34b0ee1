// SPDX-License-Identifier: Apache-2.0
// The forwarding engine over real sockets on 127.0.0.1, with testorigin
// child processes as upstreams: routing, keep-alive, pipelining, streaming
// bodies, 100-continue, WebSocket, HTTP/1.0, forwarding headers, smuggling
// rejections (proxy-hardening §11), limits and timeouts, listeners that come
// and go, and HTTPS termination with the local CA.
#include "../../../support/freeport.h"
#include "../../../support/rawhttpclient.h"

#include "control/endpointregistry.h"
#include "data/engine/engine.h"
#include "data/engine/httppolicyhook.h"
#include "data/engine/tlspassthroughhandler.h"

#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <chrono>
#include <thread>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <map>
#include <mutex>
#include <set>
#include <thread>

using namespace switchyard;

namespace {

Endpoint agent(const std::string &url, int upstreamPort, const std::string &name, bool pooling = false)
{
    Endpoint e;
    e.name = name;
    e.url = *EndpointUrl::parse(url);
    e.binding = *EndpointUrl::resolveBinding(e.url, std::nullopt);
    e.upstream = *Upstream::parse("127.0.0.1:" + std::to_string(upstreamPort), e.url.scheme());
    e.poolingEnabled = pooling;
    return e;
}

std::string get(const std::string &host, const std::string &path, const std::string &extra = {})
{
    return "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + extra + "\r\n";
}

std::uint64_t fnv(std::string_view data)
{
    std::uint64_t h = 1469598103934665603ull;
    for (const char c : data) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ull;
    }
    return h;
}

// One worker, only an edge-http listener on a free port.
EngineOptions httpOnlyOptions()
{
    EngineOptions options;
    options.apiAddr.clear();
    options.edgeHttps.clear();
    options.edgeHttp = "127.0.0.1:0";
    options.workers = 1;
    return options;
}

// Complete requests the origin has received so far.
int requests(const OriginProcess &origin)
{
    const std::string stats = origin.stats();
    return std::stoi(stats.substr(stats.find("requests=") + 9));
}

} // namespace

class TestEngine : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void routesByHost_data();
    void routesByHost();
    void unknownHostIs404();
    void internalEndpointsAreUnreachable_data();
    void internalEndpointsAreUnreachable();
    void deadUpstreamIs502();
    void keepAliveReusesUpstream();
    void pipelinedAnsweredInOrder();
    void poolBalancesPerRequest();
    void poolMemberRemovedMidTraffic();
    void largeBodiesStreamBothWays();
    void chunkedBothWays();
    void expectContinue();
    void websocketTunnel();
    void http10Client();
    void forwardingHeaders();
    void hopByHopRemoved();
    void smugglingRejected_data();
    void smugglingRejected();
    void headerLimits_data();
    void headerLimits();
    void cloudEndpointWithoutExecutor();
    void upstreamClosesWithoutAnswer();
    void listenersFollowEndpoints();
    void timeouts();
    void connectionCap();
    void stalledTlsHandshakeIsClosed();
    void stopDrainsInFlight();
    void httpsTermination();
    void tlsPassthroughSeam();
    void httpsUpstream();

private:
    std::unique_ptr<OriginProcess> m_originA;
    std::unique_ptr<OriginProcess> m_originB;
    QTemporaryDir m_dataDir;
    EndpointRegistry m_registry;
    std::unique_ptr<Engine> m_engine;
    int m_http = 0;
};

void TestEngine::initTestCase()
{
    m_originA = std::make_unique<OriginProcess>("A");
    m_originB = std::make_unique<OriginProcess>("B");
    QVERIFY(m_originA->port() > 0);
    QVERIFY(m_originB->port() > 0);
    const int a = m_originA->port();
    const int b = m_originB->port();
    RegistryChange change;
    change.add = {agent("http://a.localhost", a, "a"),
                  agent("http://b.localhost", b, "b"),
                  agent("http://x.w.localhost", a, "exact"),
                  agent("http://*.w.localhost", b, "wild"),
                  agent("https://app.internal", a, "internal"),
                  agent("http://pool.localhost", a, "p1", true),
                  agent("http://pool.localhost", b, "p2", true),
                  agent("http://drain.localhost", a, "d1", true),
                  agent("http://drain.localhost", b, "d2", true),
                  agent("http://dead.localhost", freePort(), "dead"),
                  agent("https://secure.localhost", a, "secure"),
                  agent("https://other.localhost", b, "other"),
                  agent("tls://pass.localhost", b, "pass")};
    Endpoint cloud;
    cloud.name = "cloud";
    cloud.type = EndpointType::Cloud;
    cloud.url = *EndpointUrl::parse("http://cloud.localhost");
    cloud.trafficPolicy = "on_http_request: []";
    change.add.push_back(cloud);
    QVERIFY(m_registry.apply(change));

    EngineOptions options;
    options.apiAddr = "127.0.0.1:0";
    options.edgeHttp = "127.0.0.1:0";
    options.edgeHttps = "127.0.0.1:0";
    options.workers = 2;
    options.dataDir = m_dataDir.path().toStdString();
    m_engine = std::make_unique<Engine>(m_registry, options);
    const auto started = m_engine->start();
    QVERIFY2(started.ok(), started.ok() ? "" : started.message().c_str());
    m_http = m_engine->edgeHttpPort();
    QVERIFY(m_http > 0);
}

void TestEngine::cleanupTestCase()
{
    m_engine.reset();
}

void TestEngine::routesByHost_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("origin");
    QTest::newRow("a") << "a.localhost" << "A";
    QTest::newRow("b") << "b.localhost" << "B";
    QTest::newRow("host with port") << "a.localhost:7080" << "A";
    QTest::newRow("upper case, trailing dot") << "B.LOCALHOST." << "B";
    QTest::newRow("exact beats wildcard") << "x.w.localhost" << "A";
    QTest::newRow("wildcard") << "y.w.localhost" << "B";
    QTest::newRow("wildcard, deeper") << "z.y.w.localhost" << "B";
}

void TestEngine::routesByHost()
{
    QFETCH(QString, host);
    QFETCH(QString, origin);
    RawConnection c(m_http);
    QVERIFY(c.send(get(host.toStdString(), "/status/200")));
    const RawResponse r = c.readResponse();
    QVERIFY(r.ok);
    QCOMPARE(r.status, 200);
    QCOMPARE(QString::fromStdString(r.header("x-origin-name")), origin);
}

void TestEngine::unknownHostIs404()
{
    for (const std::string host : {"nobody.localhost", "w.localhost"}) {
        RawConnection c(m_http);
        c.send(get(host, "/"));
        const RawResponse r = c.readResponse();
        QCOMPARE(r.status, 404);
        QCOMPARE(r.header("switchyard-error-code"), std::string("ERR_SWITCHYARD_3200"));
        QVERIFY2(r.body.find(host) != std::string::npos, r.body.c_str());
    }
}

void TestEngine::internalEndpointsAreUnreachable_data()
{
    QTest::addColumn<QString>("request");
    QTest::newRow("host") << "GET / HTTP/1.1\r\nHost: app.internal\r\n\r\n";
    QTest::newRow("host upper, dot") << "GET / HTTP/1.1\r\nHost: APP.INTERNAL.\r\n\r\n";
    QTest::newRow("host with port") << "GET / HTTP/1.1\r\nHost: app.internal:443\r\n\r\n";
    QTest::newRow("absolute-form") << "GET http://app.internal/ HTTP/1.1\r\nHost: a.localhost\r\n\r\n";
    QTest::newRow("absolute-form https") << "GET https://app.internal/ HTTP/1.1\r\nHost: a.localhost\r\n\r\n";
}

void TestEngine::internalEndpointsAreUnreachable()
{
    QFETCH(QString, request);
    const int before = requests(*m_originA);
    RawConnection c(m_http);
    c.send(request.toStdString());
    const RawResponse r = c.readResponse();
    QCOMPARE(r.status, 404);
    QCOMPARE(r.header("switchyard-error-code"), std::string("ERR_SWITCHYARD_3200"));
    QCOMPARE(requests(*m_originA), before);
}

void TestEngine::deadUpstreamIs502()
{
    RawConnection c(m_http);
    c.send(get("dead.localhost", "/"));
    const RawResponse r = c.readResponse();
    QCOMPARE(r.status, 502);
    QCOMPARE(r.header("switchyard-error-code"), std::string("ERR_SWITCHYARD_8012"));
    QVERIFY2(r.body.find("http://127.0.0.1:") != std::string::npos, r.body.c_str());
}

void TestEngine::keepAliveReusesUpstream()
{
    std::set<std::string> connections;
    RawConnection c(m_http);
    for (int i = 0; i < 10; ++i) {
        QVERIFY(c.send(get("b.localhost", "/bytes/100")));
        const RawResponse r = c.readResponse();
        QVERIFY(r.ok && !r.closed);
        QCOMPARE(r.body, pattern(100));
        connections.insert(r.header("x-origin-conn"));
    }
    QCOMPARE(connections.size(), std::size_t(1));
    // Later client connections reuse pooled upstream connections: at most
    // one per worker, whichever worker the connection lands on.
    for (int i = 0; i < 4; ++i) {
        RawConnection next(m_http);
        next.send(get("b.localhost", "/status/200"));
        connections.insert(next.readResponse().header("x-origin-conn"));
    }
    QVERIFY(connections.size() <= m_engine->workerCount());
}

void TestEngine::pipelinedAnsweredInOrder()
{
    RawConnection c(m_http);
    QVERIFY(c.send(get("a.localhost", "/slow/200") + get("a.localhost", "/status/201")
                   + get("b.localhost", "/status/202") + get("a.localhost", "/bytes/5")));
    const int expected[] = {200, 201, 202, 200};
    for (const int status : expected) {
        const RawResponse r = c.readResponse();
        QVERIFY(r.ok);
        QCOMPARE(r.status, status);
    }
}

void TestEngine::poolBalancesPerRequest()
{
    std::map<std::string, int> seen;
    RawConnection c(m_http);
    for (int i = 0; i < 6; ++i) {
        c.send(get("pool.localhost", "/status/200"));
        ++seen[c.readResponse().header("x-origin-name")];
    }
    QCOMPARE(seen["A"], 3);
    QCOMPARE(seen["B"], 3);
}

void TestEngine::poolMemberRemovedMidTraffic()
{
    // Four keep-alive clients keep slow requests in flight on both members
    // while one member is removed: requests that had started finish on it,
    // later ones go to the other, and not one fails.
    std::atomic<bool> removed{false};
    std::atomic<int> failures{0};
    std::atomic<int> total{0};
    std::atomic<int> fromBAfterRemoval{0};
    std::vector<std::thread> clients;
    for (int t = 0; t < 4; ++t) {
        clients.emplace_back([&] {
            RawConnection c(m_http);
            const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
            while (std::chrono::steady_clock::now() < end) {
                const bool removedBefore = removed.load();
                if (!c.send(get("drain.localhost", "/slow/20"))) {
                    ++failures;
                    return;
                }
                const RawResponse r = c.readResponse();
                ++total;
                if (!r.ok || r.status != 200)
                    ++failures;
                else if (removedBefore && r.header("x-origin-name") == "B")
                    ++fromBAfterRemoval;
            }
        });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    std::string d2;
    const auto snapshot = m_registry.snapshot();
    for (const EndpointPtr &endpoint : snapshot->endpoints()) {
        if (endpoint->name == "d2")
            d2 = endpoint->id;
    }
    QVERIFY(!d2.empty());
    RegistryChange change;
    change.removeIds = {d2};
    QVERIFY(m_registry.apply(change));
    removed = true;
    for (std::thread &client : clients)
        client.join();
    QVERIFY2(total > 40, qPrintable(QString::number(total.load())));
    QCOMPARE(failures.load(), 0);
    QCOMPARE(fromBAfterRemoval.load(), 0);
}

void TestEngine::largeBodiesStreamBothWays()
{
    const std::size_t size = 8 * 1024 * 1024 + 7;
    const std::string body = pattern(size);
    RawConnection c(m_http);
    c.send("POST /count HTTP/1.1\r\nHost: a.localhost\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n");
    // Written from another thread: the proxy must read while it writes.
    std::thread writer([&] { c.send(body); });
    const RawResponse r = c.readResponse("POST", 20000);
    writer.join();
    QCOMPARE(r.body, "bytes=" + std::to_string(size) + " fnv=" + std::to_string(fnv(body)));

    c.send(get("a.localhost", "/bytes/" + std::to_string(size)));
    const RawResponse down = c.readResponse("GET", 20000);
    QCOMPARE(down.header("content-length"), std::to_string(size));
    QVERIFY(down.body == body);
}

void TestEngine::chunkedBothWays()
{
    RawConnection c(m_http);
    std::string request = "POST /count HTTP/1.1\r\nHost: b.localhost\r\nTransfer-Encoding: chunked\r\n\r\n";
    std::string all;
    for (int i = 0; i < 300; ++i) {
        const std::string piece = pattern(static_cast<std::size_t>(1000 + i));
        all += piece;
        char size[16];
        std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
        request += size + piece + "\r\n";
    }
    request += "0\r\n\r\n";
    c.send(request);
    RawResponse r = c.readResponse("POST");
    QCOMPARE(r.body, "bytes=" + std::to_string(all.size()) + " fnv=" + std::to_string(fnv(all)));

    c.send(get("b.localhost", "/chunked/250000"));
    r = c.readResponse();
    QCOMPARE(r.header("transfer-encoding"), std::string("chunked"));
    QVERIFY(r.body == pattern(250000));
    // An until-close upstream body reaches an HTTP/1.1 client chunked.
    c.send(get("b.localhost", "/until-close/3000"));
    r = c.readResponse();
    QCOMPARE(r.header("transfer-encoding"), std::string("chunked"));
    QVERIFY(r.body == pattern(3000));
}

void TestEngine::expectContinue()
{
    RawConnection c(m_http);
    c.send("POST /echo HTTP/1.1\r\nHost: a.localhost\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
    const RawResponse interim = c.readResponse("POST");
    QCOMPARE(interim.status, 100);
    c.send("hello");
    const RawResponse r = c.readResponse("POST");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, std::string("hello"));
}

void TestEngine::websocketTunnel()
{
    RawConnection c(m_http);
    c.send("GET /ws HTTP/1.1\r\nHost: a.localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
           "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
    const RawResponse r = c.readResponse("GET", 5000, true);
    QCOMPARE(r.status, 101);
    QCOMPARE(r.header("sec-websocket-accept"), std::string("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    QCOMPARE(HttpHeaders::toLower(r.header("upgrade")), std::string("websocket"));
    for (const std::string &message : std::vector<std::string>{"hello", "through the tunnel", std::string(100000, 'w')}) {
        c.send(message);
        std::string echoed;
        while (echoed.size() < message.size()) {
            const std::string part = c.receiveSome();
            QVERIFY(!part.empty());
            echoed += part;
        }
        QVERIFY(echoed == message);
    }
}

void TestEngine::http10Client()
{
    RawConnection c(m_http);
    c.send("GET /chunked/5000 HTTP/1.0\r\nHost: a.localhost\r\n\r\n");
    const RawResponse r = c.readResponse();
    QVERIFY(r.ok);
    QCOMPARE(r.status, 200);
    QVERIFY(!r.headers.contains("transfer-encoding"));
    QVERIFY(r.body == pattern(5000));
    QVERIFY(c.waitClosed());

    RawConnection keep(m_http);
    keep.send("GET /bytes/10 HTTP/1.0\r\nHost: a.localhost\r\nConnection: keep-alive\r\n\r\n");
    const RawResponse first = keep.readResponse();
    QCOMPARE(HttpHeaders::toLower(first.header("connection")), std::string("keep-alive"));
    keep.send("GET /bytes/3 HTTP/1.0\r\nHost: a.localhost\r\n\r\n");
    QCOMPARE(keep.readResponse().body, std::string("abc"));
}

void TestEngine::forwardingHeaders()
{
    RawConnection c(m_http);
    c.send(get("a.localhost:1234", "/headers", "X-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Proto: https\r\n"));
    const RawResponse r = c.readResponse();
    QVERIFY2(r.body.find("x-forwarded-for: 203.0.113.7, 127.0.0.1\n") != std::string::npos, r.body.c_str());
    QVERIFY2(r.body.find("x-forwarded-proto: https, http\n") != std::string::npos, r.body.c_str());
    QVERIFY2(r.body.find("x-forwarded-host: a.localhost:1234\n") != std::string::npos, r.body.c_str());
    QVERIFY2(r.body.find("host: a.localhost:1234\n") != std::string::npos, r.body.c_str());
    QVERIFY2(r.body.starts_with("GET /headers HTTP/1.1\n"), r.body.c_str());
    // Nominating X-Forwarded-For in Connection drops the client's value, never ours.
    c.send(get("a.localhost", "/headers", "X-Forwarded-For: 203.0.113.7\r\nConnection: close, X-Forwarded-For\r\n"));
    const RawResponse nominated = c.readResponse();
    QVERIFY2(nominated.body.find("x-forwarded-for: 127.0.0.1\n") != std::string::npos, nominated.body.c_str());
}

void TestEngine::hopByHopRemoved()
{
    RawConnection c(m_http);
    c.send(get("a.localhost", "/headers",
               "Connection: keep-alive, X-Hop-Secret\r\nX-Hop-Secret: s\r\nKeep-Alive: 5\r\nProxy-Connection: x\r\n"
               "TE: gzip\r\nUpgrade: h2c\r\nX_Forwarded_For: 1.2.3.4\r\nProxy-Authorization: Basic eA==\r\n"));
    const RawResponse r = c.readResponse();
    QCOMPARE(r.status, 200);
    for (const char *gone : {"x-hop-secret", "keep-alive", "proxy-connection", "te:", "upgrade", "h2c",
                             "x_forwarded_for", "proxy-authorization"})
        QVERIFY2(r.body.find(gone) == std::string::npos, gone);
}

void TestEngine::smugglingRejected_data()
{
    QTest::addColumn<QString>("request");
    QTest::addColumn<int>("status");
    const QString h = "Host: a.localhost\r\n";
    const QString next = "GET /status/299 HTTP/1.1\r\n" + h + "\r\n";
    QTest::newRow("CL+TE") << "POST /echo HTTP/1.1\r\n" + h + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + next << 400;
    QTest::newRow("TE+CL") << "POST /echo HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n" + next << 400;
    QTest::newRow("xchunked") << "POST /echo HTTP/1.1\r\n" + h + "Transfer-Encoding: xchunked\r\n\r\n" + next << 400;
    QTest::newRow("gzip, chunked") << "POST /echo HTTP/1.1\r\n" + h + "Transfer-Encoding: gzip, chunked\r\n\r\n" + next << 501;
    QTest::newRow("chunked, identity") << "POST /echo HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked, identity\r\n\r\n" + next << 400;
    QTest::newRow("two TE lines") << "POST /echo HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n" + next << 400;
    QTest::newRow("space before colon") << "POST /echo HTTP/1.1\r\n" + h + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n" << 400;
    QTest::newRow("1.0 TE+CL") << "POST /echo HTTP/1.0\r\n" + h + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n" << 400;
    QTest::newRow("bare LF hides TE") << "POST /echo HTTP/1.1\r\n" + h + "X: a\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n" << 400;
    QTest::newRow("two CL") << "POST /echo HTTP/1.1\r\n" + h + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd" << 400;
    QTest::newRow("same CL twice") << "POST /echo HTTP/1.1\r\n" + h + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc" << 400;
    QTest::newRow("empty CL") << "POST /echo HTTP/1.1\r\n" + h + "Content-Length: \r\n\r\n" << 400;
    QTest::newRow("negative CL") << "POST /echo HTTP/1.1\r\n" + h + "Content-Length: -1\r\n\r\n" << 400;
    QTest::newRow("plus CL") << "POST /echo HTTP/1.1\r\n" + h + "Content-Length: +5\r\n\r\nabcde" << 400;
    QTest::newRow("huge CL") << "POST /echo HTTP/1.1\r\n" + h + "Content-Length: 18446744073709551621\r\n\r\n" << 400;
    QTest::newRow("obs-fold") << "GET / HTTP/1.1\r\n" + h + "X: a\r\n b\r\n\r\n" << 400;
    QTest::newRow("NUL in value") << "GET / HTTP/1.1\r\n" + h + QString("X: a") + QChar(0) + "b\r\n\r\n" << 400;
    QTest::newRow("bare CR") << "GET / HTTP/1.1\r\n" + h + "X: a\rb\r\n\r\n" << 400;
    QTest::newRow("space-prefixed first line") << "GET / HTTP/1.1\r\n X: a\r\n" + h + "\r\n" << 400;
    QTest::newRow("no colon") << "GET / HTTP/1.1\r\n" + h + "NoColon\r\n\r\n" << 400;
    QTest::newRow("bad chunk size") << "POST /echo HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" << 400;
    QTest::newRow("17 hex digits") << "POST /echo HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n10000000000000000\r\n" << 400;
    QTest::newRow("no Host") << "GET / HTTP/1.1\r\n\r\n" << 400;
    QTest::newRow("two Host") << "GET / HTTP/1.1\r\n" + h + h + "\r\n" << 400;
    QTest::newRow("bad method") << "G(ET / HTTP/1.1\r\n" + h + "\r\n" << 400;
    QTest::newRow("HTTP/0.9") << "GET /x\r\n\r\n" << 400;
    QTest::newRow("CONNECT") << "CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n" << 501;
}

void TestEngine::smugglingRejected()
{
    QFETCH(QString, request);
    QFETCH(int, status);
    const int before = requests(*m_originA);
    RawConnection c(m_http);
    QByteArray bytes = request.toLatin1();
    c.send(std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size())));
    const RawResponse r = c.readResponse("POST");
    QCOMPARE(r.status, status);
    QVERIFY(!r.header("switchyard-error-code").empty());
    QVERIFY(c.waitClosed());
    // No complete request reached the upstream (the connection count may grow
    // for bodies that had started streaming).
    QCOMPARE(requests(*m_originA), before);
}

void TestEngine::headerLimits_data()
{
    QTest::addColumn<QString>("extra");
    QTest::addColumn<int>("status");
    QString many;
    for (int i = 0; i < 2000; ++i)
        many += QString("X-%1: y\r\n").arg(i);
    QTest::newRow("2000 tiny headers") << many << 431;
    QTest::newRow("one 1 MiB header") << "X-Big: " + QString(1024 * 1024, 'b') + "\r\n" << 431;
    QTest::newRow("101 headers") << QString("X-h: 1\r\n").repeated(101) << 431;
}

void TestEngine::headerLimits()
{
    QFETCH(QString, extra);
    QFETCH(int, status);
    RawConnection c(m_http);
    c.send(get("a.localhost", "/", extra.toStdString()));
    const RawResponse r = c.readResponse();
    QCOMPARE(r.status, status);

    RawConnection longTarget(m_http);
    longTarget.send(get("a.localhost", "/" + std::string(1024 * 1024, 't')));
    QCOMPARE(longTarget.readResponse().status, 414);
}

void TestEngine::cloudEndpointWithoutExecutor()
{
    RawConnection c(m_http);
    c.send(get("cloud.localhost", "/"));
    const RawResponse r = c.readResponse();
    QCOMPARE(r.status, 503);
    QCOMPARE(r.header("switchyard-error-code"), std::string("ERR_SWITCHYARD_2301"));
}

void TestEngine::upstreamClosesWithoutAnswer()
{
    const int before = requests(*m_originA);
    RawConnection c(m_http);
    c.send("POST /drop HTTP/1.1\r\nHost: a.localhost\r\nContent-Length: 3\r\n\r\nabc");
    const RawResponse r = c.readResponse("POST");
    QCOMPARE(r.status, 502);
    QCOMPARE(r.header("switchyard-error-code"), std::string("ERR_SWITCHYARD_3004"));
    QCOMPARE(requests(*m_originA), before + 1); // the POST, exactly once
}

void TestEngine::listenersFollowEndpoints()
{
    const int port = freePort();
    const std::string url = "http://127.0.0.1:" + std::to_string(port);
    auto added = m_registry.add(agent(url, m_originB->port(), "dedicated"));
    QVERIFY(added);
    QVERIFY(m_engine->reconcile());
    QCOMPARE(m_engine->dedicatedPort(*EndpointUrl::parse(url)), port);
    {
        RawConnection c(port);
        QVERIFY(c.connected());
        c.send(get("127.0.0.1:" + std::to_string(port), "/status/200"));
        const RawResponse r = c.readResponse();
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("x-origin-name"), std::string("B"));
        // The edge listener is untouched.
        RawConnection edge(m_http);
        edge.send(get("a.localhost", "/status/200"));
        QCOMPARE(edge.readResponse().status, 200);
        // Removed: new requests on the open connection find nothing, new
        // connections are refused; the poll closes the listener by itself.
        QVERIFY(m_registry.remove((*added)->id));
        QTRY_COMPARE_WITH_TIMEOUT(m_engine->dedicatedPort(*EndpointUrl::parse(url)), 0, 3000);
        c.send(get("127.0.0.1:" + std::to_string(port), "/status/200"));
        QCOMPARE(c.readResponse().status, 404);
    }
    RawConnection refused;
    QTRY_VERIFY_WITH_TIMEOUT(!refused.connectTo(port), 3000);
}

void TestEngine::timeouts()
{
    EndpointRegistry registry;
    QVERIFY(registry.add(agent("http://t.localhost", m_originA->port(), "t")));
    EngineOptions options = httpOnlyOptions();
    for (const char *key : {"header_read_timeout", "body_read_timeout", "idle_timeout", "upstream_response_timeout",
                            "send_timeout"})
        QVERIFY(options.limits.set(key, "400ms"));
    Engine engine(registry, options);
    QVERIFY(engine.start());
    const int port = engine.edgeHttpPort();

    RawConnection header(port);
    header.send("GET / HTTP/1.1\r\nHost: t.loc");
    RawResponse r = header.readResponse("GET", 3000);
    QCOMPARE(r.status, 408);
    QCOMPARE(r.header("switchyard-error-code"), std::string("ERR_SWITCHYARD_4080"));

    const int before = requests(*m_originA);
    RawConnection body(port);
    body.send("POST /echo HTTP/1.1\r\nHost: t.localhost\r\nContent-Length: 10\r\n\r\nabcde");
    r = body.readResponse("POST", 3000);
    QCOMPARE(r.status, 408);
    QVERIFY(body.waitClosed());
    QCOMPARE(requests(*m_originA), before);

    RawConnection idle(port);
    idle.send(get("t.localhost", "/status/200"));
    QCOMPARE(idle.readResponse().status, 200);
    QVERIFY(idle.waitClosed(3000));

    RawConnection slow(port);
    slow.send(get("t.localhost", "/slow/2000"));
    r = slow.readResponse("GET", 3000);
    QCOMPARE(r.status, 504);
    QCOMPARE(r.header("switchyard-error-code"), std::string("ERR_SWITCHYARD_3008"));

    // An upstream that stops reading the body: 504 once send_timeout passes.
    // Its own engine with a generous body_read_timeout, so a test writer
    // thread that a loaded machine does not schedule for 400 ms cannot turn
    // this into a 408.
    EngineOptions stallOptions = httpOnlyOptions();
    QVERIFY(stallOptions.limits.set("send_timeout", "400ms"));
    QVERIFY(stallOptions.limits.set("body_read_timeout", "30s"));
    Engine stallEngine(registry, stallOptions);
    QVERIFY(stallEngine.start());
    RawConnection stalled(stallEngine.edgeHttpPort());
    const std::size_t size = 64 * 1024 * 1024;
    stalled.send("POST /stall HTTP/1.1\r\nHost: t.localhost\r\nContent-Length: " + std::to_string(size) + "\r\n\r\n");
    std::thread writer([&] { stalled.send(std::string(size, 's')); });
    r = stalled.readResponse("POST", 8000);
    stalled.shutdownSend();
    ::shutdown(stalled.fd(), SHUT_RDWR);
    writer.join();
    QVERIFY2(r.status == 504, r.body.c_str());
    QVERIFY2(r.body.find("did not take the request") != std::string::npos, r.body.c_str());
}

void TestEngine::connectionCap()
{
    EndpointRegistry registry;
    QVERIFY(registry.add(agent("http://t.localhost", m_originA->port(), "t")));
    EngineOptions options = httpOnlyOptions();
    options.limits.maxConnections = 2;
    Engine engine(registry, options);
    QVERIFY(engine.start());
    RawConnection one(engine.edgeHttpPort());
    RawConnection two(engine.edgeHttpPort());
    one.send(get("t.localhost", "/status/200"));
    QCOMPARE(one.readResponse().status, 200);
    QTRY_COMPARE(engine.openConnections(), std::size_t(2));
    RawConnection three(engine.edgeHttpPort());
    RawResponse r = three.readResponse();
    QCOMPARE(r.status, 503);
    QCOMPARE(r.header("switchyard-error-code"), std::string("ERR_SWITCHYARD_5030"));
    two.send(get("t.localhost", "/status/200"));
    QCOMPARE(two.readResponse().status, 200);
}

void TestEngine::stalledTlsHandshakeIsClosed()
{
    EndpointRegistry registry;
    EngineOptions options;
    options.apiAddr.clear();
    options.edgeHttp.clear();
    options.edgeHttps = "127.0.0.1:0";
    options.workers = 1;
    QVERIFY(options.limits.set("tls_handshake_timeout", "300ms"));
    Engine engine(registry, options);
    QVERIFY(engine.start());
    RawConnection silent(engine.edgeHttpsPort());
    QVERIFY(silent.waitClosed(3000));
    RawConnection partial(engine.edgeHttpsPort());
    partial.send(std::string("\x16\x03\x01\x02\x00\x01", 6)); // a ClientHello that never completes
    QVERIFY(partial.waitClosed(3000));
}

void TestEngine::stopDrainsInFlight()
{
    EndpointRegistry registry;
    QVERIFY(registry.add(agent("http://t.localhost", m_originA->port(), "t")));
    EngineOptions options = httpOnlyOptions();
    auto engine = std::make_unique<Engine>(registry, options);
    QVERIFY(engine->start());
    const int port = engine->edgeHttpPort();
    const int before = requests(*m_originA);
    RawConnection c(port);
    c.send(get("t.localhost", "/slow/700"));
    // In flight means the origin has it: a request still in the socket
    // buffer when stop() begins belongs to an idle connection, which is
    // closed (as nginx and HAProxy do).
    QTRY_VERIFY(requests(*m_originA) > before);
    std::thread stopper([&] { engine->stop(); });
    const RawResponse r = c.readResponse("GET", 5000);
    stopper.join();
    QCOMPARE(r.status, 200);
    // Answered while draining: the connection is not kept alive.
    QCOMPARE(HttpHeaders::toLower(r.header("connection")), std::string("close"));
    RawConnection after;
    QVERIFY(!after.connectTo(port));
}

namespace {

// A blocking TLS client over a RawConnection's socket, verifying against the CA.
struct TlsClient
{
    SSL_CTX *ctx = nullptr;
    SSL *ssl = nullptr;
    ~TlsClient()
    {
        if (ssl)
            SSL_free(ssl);
        if (ctx)
            SSL_CTX_free(ctx);
    }
    bool connect(int fd, const std::string &caFile, const std::string &sni)
    {
        ctx = SSL_CTX_new(TLS_client_method());
        SSL_CTX_load_verify_locations(ctx, caFile.c_str(), nullptr);
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
        ssl = SSL_new(ctx);
        SSL_set_fd(ssl, fd);
        SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char *>(sni.c_str()));
        SSL_set1_host(ssl, sni.c_str());
        return SSL_connect(ssl) == 1;
    }
    std::string exchange(const std::string &request)
    {
        SSL_write(ssl, request.data(), static_cast<int>(request.size()));
        std::string out;
        char buffer[16384];
        int n = 0;
        while ((n = SSL_read(ssl, buffer, sizeof buffer)) > 0)
            out.append(buffer, static_cast<std::size_t>(n));
        return out;
    }
};

} // namespace

void TestEngine::httpsTermination()
{
    const std::string ca = m_engine->caCertificatePath();
    QVERIFY(!ca.empty());
    {
        RawConnection c(m_engine->edgeHttpsPort());
        TlsClient tls;
        QVERIFY(tls.connect(c.fd(), ca, "secure.localhost"));
        const std::string response =
            tls.exchange("GET /headers HTTP/1.1\r\nHost: secure.localhost\r\nConnection: close\r\n\r\n");
        QVERIFY2(response.starts_with("HTTP/1.1 200"), response.c_str());
        QVERIFY2(response.find("x-forwarded-proto: https\n") != std::string::npos, response.c_str());
        QVERIFY(response.find("x-origin-name: A") != std::string::npos);
    }
    {
        RawConnection c(m_engine->edgeHttpsPort());
        TlsClient tls;
        QVERIFY(tls.connect(c.fd(), ca, "other.localhost"));
        const std::string response = tls.exchange(get("other.localhost", "/status/200", "Connection: close\r\n"));
        QVERIFY(response.find("x-origin-name: B") != std::string::npos);
    }
    {
        // SNI names one endpoint, Host another: 421 (§11 row 40).
        RawConnection c(m_engine->edgeHttpsPort());
        TlsClient tls;
        QVERIFY(tls.connect(c.fd(), ca, "secure.localhost"));
        const std::string response = tls.exchange(get("other.localhost", "/status/200", "Connection: close\r\n"));
        QVERIFY2(response.starts_with("HTTP/1.1 421"), response.c_str());
        QVERIFY(response.find("ERR_SWITCHYARD_4210") != std::string::npos);
    }
    {
        // An SNI nobody serves gets no certificate.
        RawConnection c(m_engine->edgeHttpsPort());
        TlsClient tls;
        QVERIFY(!tls.connect(c.fd(), ca, "unknown.localhost"));
    }
}

namespace {

struct RecordingPassthrough : TlsPassthroughHandler
{
    std::mutex mutex;
    int calls = 0;
    std::string url;
    std::string consumed;
    void passthrough(asio::ip::tcp::socket socket, std::string bytes, std::shared_ptr<const EndpointPool> pool,
                     std::shared_ptr<const RoutingSnapshot>) override
    {
        std::lock_guard lock(mutex);
        ++calls;
        url = pool->url.toString();
        consumed = std::move(bytes);
        std::error_code ignored;
        socket.close(ignored);
    }
};

} // namespace

void TestEngine::tlsPassthroughSeam()
{
    // Without a handler a tls:// connection is closed.
    {
        RawConnection c(m_engine->edgeHttpsPort());
        TlsClient tls;
        QVERIFY(!tls.connect(c.fd(), m_engine->caCertificatePath(), "pass.localhost"));
    }
    auto handler = std::make_shared<RecordingPassthrough>();
    m_engine->setTlsPassthrough(handler);
    {
        RawConnection c(m_engine->edgeHttpsPort());
        TlsClient tls;
        QVERIFY(!tls.connect(c.fd(), m_engine->caCertificatePath(), "pass.localhost"));
    }
    std::lock_guard lock(handler->mutex);
    QCOMPARE(handler->calls, 1);
    QCOMPARE(handler->url, std::string("tls://pass.localhost"));
    QVERIFY(handler->consumed.size() > 40);
    QCOMPARE(handler->consumed[0], '\x16'); // the ClientHello record, handed over whole
    m_engine->setTlsPassthrough(nullptr);
}

void TestEngine::httpsUpstream()
{
    // http://localhost -> upstream https://localhost:<edge-https> -> https://localhost -> origin A:
    // the engine's TLS client talks to its own TLS edge (verification off by default).
    Endpoint outer;
    outer.name = "outer";
    outer.url = *EndpointUrl::parse("http://localhost");
    outer.upstream = *Upstream::parse("https://localhost:" + std::to_string(m_engine->edgeHttpsPort()), Scheme::Http);
    auto addedOuter = m_registry.add(outer);
    auto addedInner = m_registry.add(agent("https://localhost", m_originA->port(), "inner"));
    QVERIFY(addedOuter && addedInner);
    RawConnection c(m_http);
    c.send(get("localhost", "/headers"));
    const RawResponse r = c.readResponse();
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("x-origin-name"), std::string("A"));
    QVERIFY2(r.body.find("x-forwarded-proto: http, https\n") != std::string::npos, r.body.c_str());
    QVERIFY(m_registry.remove((*addedOuter)->id));
    QVERIFY(m_registry.remove((*addedInner)->id));
}

QTEST_GUILESS_MAIN(TestEngine)
#include "tst_engine.moc"
