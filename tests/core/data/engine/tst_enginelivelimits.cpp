// SPDX-License-Identifier: Apache-2.0
// Engine::setLimits while serving (a config reload): new connections take
// the new limits, open ones keep the limits they were accepted with, and
// engine-wide ones (the connection cap) apply at the next accept.
#include "../../../support/rawhttpclient.h"

#include "control/endpointregistry.h"
#include "data/engine/capturesink.h"
#include "data/engine/engine.h"

#include <QTest>

#include <atomic>
#include <mutex>
#include <thread>

using namespace switchyard;

namespace {

Endpoint agent(const std::string &url, int upstreamPort)
{
    Endpoint e;
    e.name = "t";
    e.url = *EndpointUrl::parse(url);
    e.binding = *EndpointUrl::resolveBinding(e.url, std::nullopt);
    e.upstream = *Upstream::parse("127.0.0.1:" + std::to_string(upstreamPort), e.url.scheme());
    return e;
}

EngineOptions httpOnlyOptions()
{
    EngineOptions options;
    options.apiAddr.clear();
    options.edgeHttps.clear();
    options.edgeHttp = "127.0.0.1:0";
    options.workers = 2;
    return options;
}

// A request whose head is a bit over 4 KiB.
std::string bigHeadRequest()
{
    return "GET /status/200 HTTP/1.1\r\nHost: t.localhost\r\nX-Pad: " + std::string(4096, 'p') + "\r\n\r\n";
}

// Keeps the request bodies the engine captured, in order.
class BodySink final : public CaptureSink
{
public:
    bool enabled() const override { return true; }
    void submit(const CapturedExchange &exchange) override
    {
        const std::lock_guard lock(m_mutex);
        m_bodies.emplace_back(exchange.requestBody, exchange.requestBodyTruncated);
    }
    std::vector<std::pair<std::string, bool>> bodies() const
    {
        const std::lock_guard lock(m_mutex);
        return m_bodies;
    }

private:
    mutable std::mutex m_mutex;
    std::vector<std::pair<std::string, bool>> m_bodies;
};

std::string postRequest(const std::string &body)
{
    return "POST /echo HTTP/1.1\r\nHost: t.localhost\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n\r\n" + body;
}

EngineLimits with(const EngineLimits &base, const char *key, const char *value)
{
    EngineLimits limits = base;
    if (!limits.set(key, value))
        qFatal("bad limit %s=%s", key, value);
    return limits;
}

} // namespace

class TestEngineLiveLimits : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void headerSizeByReload();
    void idleTimeoutForNewConnections();
    void connectionCapAtNextAccept();
    void swapWhileServing();
    void inspectBodySizeByReload();

private:
    std::unique_ptr<OriginProcess> m_origin;
    EndpointRegistry m_registry;
};

void TestEngineLiveLimits::initTestCase()
{
    m_origin = std::make_unique<OriginProcess>("A");
    QVERIFY(m_origin->port() > 0);
    QVERIFY(m_registry.add(agent("http://t.localhost", m_origin->port())));
}

void TestEngineLiveLimits::headerSizeByReload()
{
    Engine engine(m_registry, httpOnlyOptions());
    QVERIFY(engine.start());
    const int port = engine.edgeHttpPort();

    RawConnection kept(port);
    kept.send(bigHeadRequest());
    QCOMPARE(kept.readResponse().status, 200);

    engine.setLimits(with(engine.limits(), "max_header_size", "1KiB"));
    QCOMPARE(engine.limits().http.maxHeadSize, std::size_t(1024));
    RawConnection refused(port);
    refused.send(bigHeadRequest());
    const RawResponse r = refused.readResponse();
    QCOMPARE(r.status, 431);
    QCOMPARE(r.header("switchyard-error-code"), std::string("ERR_SWITCHYARD_4000"));
    // The connection accepted before keeps the limits it started with.
    kept.send(bigHeadRequest());
    QCOMPARE(kept.readResponse().status, 200);

    // And back: the next connection is accepted again, the one accepted
    // under 1 KiB keeps refusing.
    // A request first, so the connection is surely accepted (its session
    // created on the worker) before the limits change.
    RawConnection small(port);
    small.send("GET /status/200 HTTP/1.1\r\nHost: t.localhost\r\n\r\n");
    QCOMPARE(small.readResponse().status, 200);
    engine.setLimits(with(engine.limits(), "max_header_size", "64KiB"));
    RawConnection again(port);
    again.send(bigHeadRequest());
    QCOMPARE(again.readResponse().status, 200);
    small.send(bigHeadRequest());
    QCOMPARE(small.readResponse().status, 431);
}

void TestEngineLiveLimits::idleTimeoutForNewConnections()
{
    EngineOptions options = httpOnlyOptions();
    QVERIFY(options.limits.set("idle_timeout", "30s"));
    Engine engine(m_registry, options);
    QVERIFY(engine.start());
    const int port = engine.edgeHttpPort();

    RawConnection old(port);
    old.send("GET /status/200 HTTP/1.1\r\nHost: t.localhost\r\n\r\n");
    QCOMPARE(old.readResponse().status, 200);

    engine.setLimits(with(engine.limits(), "idle_timeout", "300ms"));
    RawConnection fresh(port);
    fresh.send("GET /status/200 HTTP/1.1\r\nHost: t.localhost\r\n\r\n");
    QCOMPARE(fresh.readResponse().status, 200);
    QVERIFY(fresh.waitClosed(3000));
    // Well past 300 ms: the older connection still has its 30 s.
    QVERIFY(!old.waitClosed(500));
    old.send("GET /status/200 HTTP/1.1\r\nHost: t.localhost\r\n\r\n");
    QCOMPARE(old.readResponse().status, 200);
}

void TestEngineLiveLimits::connectionCapAtNextAccept()
{
    Engine engine(m_registry, httpOnlyOptions());
    QVERIFY(engine.start());
    const int port = engine.edgeHttpPort();
    RawConnection first(port);
    first.send("GET /status/200 HTTP/1.1\r\nHost: t.localhost\r\n\r\n");
    QCOMPARE(first.readResponse().status, 200);

    engine.setLimits(with(engine.limits(), "max_connections", "1"));
    RawConnection second(port);
    const RawResponse r = second.readResponse();
    QCOMPARE(r.status, 503);
    QCOMPARE(r.header("switchyard-error-code"), std::string("ERR_SWITCHYARD_5030"));
    // The open one is not closed by the lower cap.
    first.send("GET /status/200 HTTP/1.1\r\nHost: t.localhost\r\n\r\n");
    QCOMPARE(first.readResponse().status, 200);
}

// Swapping the snapshot while workers read it (run under TSan in CI).
void TestEngineLiveLimits::swapWhileServing()
{
    Engine engine(m_registry, httpOnlyOptions());
    QVERIFY(engine.start());
    const int port = engine.edgeHttpPort();
    std::atomic<bool> done{false};
    std::thread swapper([&] {
        const EngineLimits base = engine.limits();
        for (int i = 0; !done.load(); ++i) {
            engine.setLimits(with(base, "idle_timeout", i % 2 ? "10s" : "20s"));
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    });
    int ok = 0;
    for (int i = 0; i < 100; ++i) {
        RawConnection c(port);
        c.send("GET /status/200 HTTP/1.1\r\nHost: t.localhost\r\nConnection: close\r\n\r\n");
        ok += c.readResponse().status == 200 ? 1 : 0;
    }
    done = true;
    swapper.join();
    QCOMPARE(ok, 100);
}

void TestEngineLiveLimits::inspectBodySizeByReload()
{
    // The capture cap is a connection's limit like the others: a new
    // connection captures under the new cap, an open one keeps its own.
    Engine engine(m_registry, httpOnlyOptions());
    auto sink = std::make_shared<BodySink>();
    engine.setCaptureSink(sink);
    QVERIFY(engine.start());
    const int port = engine.edgeHttpPort();
    const std::string body(100, 'b');

    RawConnection kept(port);
    kept.send(postRequest(body));
    QCOMPARE(kept.readResponse().status, 200);
    engine.setLimits(with(engine.limits(), "inspect_body_size", "10"));
    RawConnection fresh(port);
    fresh.send(postRequest(body));
    QCOMPARE(fresh.readResponse().status, 200);
    kept.send(postRequest(body));
    QCOMPARE(kept.readResponse().status, 200);

    QTRY_COMPARE(sink->bodies().size(), std::size_t(3));
    const auto bodies = sink->bodies();
    QCOMPARE(bodies[0].first, body);
    QVERIFY(!bodies[0].second);
    QCOMPARE(bodies[1].first, std::string(10, 'b'));
    QVERIFY(bodies[1].second);
    QCOMPARE(bodies[2].first, body);
    QVERIFY(!bodies[2].second);
}

QTEST_GUILESS_MAIN(TestEngineLiveLimits)
#include "tst_enginelivelimits.moc"
