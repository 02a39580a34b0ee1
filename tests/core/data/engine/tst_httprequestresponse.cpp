// SPDX-License-Identifier: Apache-2.0
// The http-request action in on_http_response, on the data plane: an
// Engine with PolicyRuntime on one worker, real sockets on 127.0.0.1 and a
// testorigin upstream. The phase suspends while the call is made; the
// upstream's response head waits, its body arrives whole and in order
// afterwards, and the connection serves the next request.
#include "../../../support/policytestengine.h"
#include "../../../support/rawhttpclient.h"

#include "control/endpointregistry.h"
#include "data/engine/capturesink.h"
#include "data/engine/engine.h"
#include "data/engine/policyruntime.h"

#include <QElapsedTimer>
#include <QTest>

#include <mutex>

using namespace switchyard;

namespace {

Endpoint cloudEndpoint(const std::string &url, const std::string &policy)
{
    Endpoint e = test::policyEndpoint(url, 1, policy);
    e.upstream.reset();
    e.type = EndpointType::Cloud;
    return e;
}

// on_http_response: an http-request with `config` (lines at 10 spaces),
// then `then` (actions at 6 spaces).
std::string responseCall(const std::string &config, const std::string &then)
{
    return "on_http_response:\n  - actions:\n      - type: http-request\n        config:\n" + config + then;
}

// An add-headers action; `headers` are lines at 12 spaces.
std::string addHeaders(const std::string &headers)
{
    return "      - type: add-headers\n        config:\n          headers:\n" + headers;
}

const std::string CallResult = addHeaders("            x-call-status: \"${string(actions.ngrok.http_request.res.status_code)}\"\n"
                                          "            x-call-body: \"${actions.ngrok.http_request.res.body}\"\n");
const std::string CallError = addHeaders("            x-call-error: \"${actions.ngrok.http_request.error.code}\"\n");

// Keeps what the inspector would get: status, response body size and the
// response-phase actions that ran, per exchange.
class RecordingSink final : public CaptureSink
{
public:
    struct Entry
    {
        std::string target;
        int status = 0;
        std::uint64_t responseBytes = 0;
        std::vector<std::string> responseActions;
    };

    bool enabled() const override { return true; }
    void submit(const CapturedExchange &exchange) override
    {
        Entry entry{exchange.target, exchange.status, exchange.responseBytes, {}};
        for (const PolicyFiredRule &rule : exchange.firedRules) {
            if (rule.phase == PolicyPhase::HttpResponse)
                entry.responseActions.insert(entry.responseActions.end(), rule.actions.begin(), rule.actions.end());
        }
        std::lock_guard lock(m_mutex);
        m_entries.push_back(std::move(entry));
    }
    std::optional<Entry> find(const std::string &target)
    {
        std::lock_guard lock(m_mutex);
        for (const Entry &entry : m_entries) {
            if (entry.target == target)
                return entry;
        }
        return std::nullopt;
    }

private:
    std::mutex m_mutex;
    std::vector<Entry> m_entries;
};

} // namespace

class TestHttpRequestResponse : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void resultLandsInResponseHeader();
    void bodyArrivesIntact_data();
    void bodyArrivesIntact();
    void keepAliveAfterwards();
    void timeoutContinue();
    void timeoutHaltReplacesResponse();
    void retryConditionRetries();
    void wholeBodyPhaseWaitsForCall();
    void policyAnswerGoesThroughCall();
    void calledEndpointResponsePhaseCalls();
    void laterChainStepSeesCall();
    void concurrentCallsDoNotBlock();
    void captureRecordsExchange();
    void upgradeCallIsNotMade();
    void synchronousResponseHookRefusesCall();

private:
    RawResponse fetch(const std::string &host, const std::string &path = "/");

    std::unique_ptr<OriginProcess> m_origin;
    EndpointRegistry m_registry;
    std::shared_ptr<RecordingSink> m_sink = std::make_shared<RecordingSink>();
    std::unique_ptr<Engine> m_engine;
    int m_http = 0;
};

void TestHttpRequestResponse::initTestCase()
{
    m_origin = std::make_unique<OriginProcess>("O");
    QVERIFY(m_origin->port() > 0);
    const int o = m_origin->port();
    const std::string hello = "          url: https://hello.internal/in-response\n";
    const std::string slow = "          url: https://slow.internal/slow/3000\n          timeout: 1s\n";

    RegistryChange change;
    change.add = {
        cloudEndpoint("https://hello.internal",
                      "on_http_request:\n  - actions:\n      - type: custom-response\n        config:\n"
                      "          content: \"Hello from ${req.url.path}\"\n"),
        test::policyEndpoint("https://slow.internal", o, ""),
        test::policyEndpoint("http://resp.localhost", o, responseCall(hello, CallResult)),
        test::policyEndpoint("http://rtimeout.localhost", o, responseCall(slow, CallError)),
        test::policyEndpoint("http://rhalt.localhost", o,
                             responseCall(slow + "          on_error: halt\n",
                                          addHeaders("            x-not-reached: \"yes\"\n"))),
        test::policyEndpoint(
            "http://rretry.localhost", o,
            responseCall("          url: https://hello.internal/r\n"
                         "          retry_condition: actions.ngrok.http_request.attempts < 3\n",
                         addHeaders("            x-attempts: \"${string(actions.ngrok.http_request.attempts)}\"\n"))),
        test::policyEndpoint("http://rwhole.localhost", o,
                             responseCall("          url: https://hello.internal/w\n",
                                          "      - type: response-body-find-replace\n        config:\n"
                                          "          replacements:\n"
                                          "            - from: WORD\n"
                                          "              to: \"${actions.ngrok.http_request.res.body}\"\n")),
        test::policyEndpoint("http://rown.localhost", o,
                             "on_http_request:\n  - actions:\n      - type: custom-response\n        config:\n"
                             "          status_code: 202\n          content: own answer\n"
                                 + responseCall(hello, CallResult)),
        test::policyEndpoint("https://relay.internal", o,
                             responseCall("          url: https://hello.internal/inner\n",
                                          addHeaders("            x-inner: \"${actions.ngrok.http_request.res.body}\"\n"))),
        test::policyEndpoint("http://rnested.localhost", o,
                             "on_http_request:\n  - actions:\n      - type: http-request\n        config:\n"
                             "          url: https://relay.internal/status/203\n"
                             "      - type: custom-response\n        config:\n          content: \""
                             "${string(actions.ngrok.http_request.res.status_code)} "
                             "${actions.ngrok.http_request.res.headers['x-inner'][0]}\"\n"),
        test::policyEndpoint("https://back.internal", o,
                             responseCall("          url: https://hello.internal/back\n",
                                          addHeaders("            x-back: \"${actions.ngrok.http_request.res.body}\"\n"))),
        test::policyEndpoint("http://rchain.localhost", o,
                             "on_http_request:\n  - actions:\n      - type: forward-internal\n        config:\n"
                             "          url: https://back.internal\n"
                             "on_http_response:\n  - actions:\n"
                                 + addHeaders("            x-front: \"${res.headers['x-back'][0]}-seen\"\n")),
        test::policyEndpoint("http://rws.localhost", o, responseCall(hello, CallError)),
        test::policyEndpoint("http://rmany.localhost", o,
                             responseCall("          url: https://slow.internal/slow/400\n", CallResult)),
    };
    const auto applied = m_registry.apply(change);
    QVERIFY2(applied.ok(), applied.ok() ? "" : applied.message().c_str());

    // One worker: the concurrency test shows a call never blocks it.
    std::string error;
    m_engine = test::startPolicyEngine(m_registry, std::make_shared<PolicyRuntime>(m_registry), error, 1);
    QVERIFY2(m_engine, error.c_str());
    m_engine->setCaptureSink(m_sink);
    m_http = m_engine->edgeHttpPort();
    QVERIFY(m_http > 0);
}

void TestHttpRequestResponse::cleanupTestCase()
{
    m_engine.reset();
}

RawResponse TestHttpRequestResponse::fetch(const std::string &host, const std::string &path)
{
    RawConnection c(m_http);
    c.send("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
    return c.readResponse("GET", 10000);
}

void TestHttpRequestResponse::resultLandsInResponseHeader()
{
    const RawResponse r = fetch("resp.localhost", "/status/201");
    QVERIFY(r.ok);
    QCOMPARE(r.status, 201);
    QCOMPARE(r.header("x-origin-name"), std::string("O"));
    QCOMPARE(r.header("x-call-status"), std::string("200"));
    QCOMPARE(r.header("x-call-body"), std::string("Hello from /in-response"));
}

void TestHttpRequestResponse::bodyArrivesIntact_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("size");
    QTest::newRow("chunked small") << "/chunked/100" << 100;
    QTest::newRow("chunked large") << "/chunked/300000" << 300000;
    QTest::newRow("content-length 2 MB") << "/bytes/2000000" << 2000000;
    QTest::newRow("until close") << "/until-close/70000" << 70000;
}

void TestHttpRequestResponse::bodyArrivesIntact()
{
    QFETCH(QString, path);
    QFETCH(int, size);
    const RawResponse r = fetch("resp.localhost", path.toStdString());
    QVERIFY(r.ok);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("x-call-body"), std::string("Hello from /in-response"));
    QCOMPARE(r.body.size(), static_cast<std::size_t>(size));
    QVERIFY(r.body == pattern(static_cast<std::size_t>(size)));
}

void TestHttpRequestResponse::keepAliveAfterwards()
{
    RawConnection c(m_http);
    c.send("GET /chunked/40000 HTTP/1.1\r\nHost: resp.localhost\r\n\r\n");
    const RawResponse first = c.readResponse("GET", 10000);
    QVERIFY(first.ok);
    QCOMPARE(first.status, 200);
    QVERIFY(!first.closed);
    QCOMPARE(first.body.size(), std::size_t(40000));
    QCOMPARE(first.header("x-call-body"), std::string("Hello from /in-response"));
    // Pipelined, the third waits for the second. testorigin sends a body
    // even after a HEAD: bytes past a held complete response must not be
    // taken for the next one (the upstream connection is dropped instead).
    c.send("HEAD /bytes/100 HTTP/1.1\r\nHost: resp.localhost\r\n\r\n"
           "GET /bytes/10 HTTP/1.1\r\nHost: resp.localhost\r\n\r\n");
    const RawResponse second = c.readResponse("HEAD", 10000);
    QVERIFY(second.ok);
    QCOMPARE(second.status, 200);
    QCOMPARE(second.header("content-length"), std::string("100"));
    QCOMPARE(second.body, std::string());
    QCOMPARE(second.header("x-call-status"), std::string("200"));
    const RawResponse third = c.readResponse("GET", 10000);
    QVERIFY(third.ok);
    QCOMPARE(third.status, 200);
    QCOMPARE(third.body, std::string("abcdefghij"));
    QCOMPARE(third.header("x-call-body"), std::string("Hello from /in-response"));
}

void TestHttpRequestResponse::timeoutContinue()
{
    QElapsedTimer timer;
    timer.start();
    const RawResponse r = fetch("rtimeout.localhost", "/chunked/20000");
    QVERIFY(r.ok);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("x-call-error"), std::string("ERR_SWITCHYARD_3602"));
    QVERIFY(r.body == pattern(20000));
    QVERIFY2(timer.elapsed() >= 900 && timer.elapsed() < 4000, std::to_string(timer.elapsed()).c_str());
}

void TestHttpRequestResponse::timeoutHaltReplacesResponse()
{
    // halt in on_http_response replaces the upstream's response with the
    // error answer, as a custom-response there would; the connection stays.
    RawConnection c(m_http);
    c.send("GET /bytes/50000 HTTP/1.1\r\nHost: rhalt.localhost\r\n\r\n");
    const RawResponse r = c.readResponse("GET", 10000);
    QVERIFY(r.ok);
    QCOMPARE(r.status, 504);
    QCOMPARE(r.header("switchyard-error-code"), std::string("ERR_SWITCHYARD_3602"));
    QCOMPARE(r.header("x-not-reached"), std::string());
    QVERIFY(r.body.find("abcdefghij") == std::string::npos);
    QVERIFY(!r.closed);
    c.send("GET /bytes/5 HTTP/1.1\r\nHost: resp.localhost\r\n\r\n");
    const RawResponse next = c.readResponse("GET", 10000);
    QVERIFY(next.ok);
    QCOMPARE(next.status, 200);
    QCOMPARE(next.body, std::string("abcde"));
}

void TestHttpRequestResponse::retryConditionRetries()
{
    const RawResponse r = fetch("rretry.localhost", "/status/200");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("x-attempts"), std::string("3"));
}

void TestHttpRequestResponse::wholeBodyPhaseWaitsForCall()
{
    RawConnection c(m_http);
    const std::string body = "say WORD now";
    c.send("POST /echo HTTP/1.1\r\nHost: rwhole.localhost\r\nContent-Length: " + std::to_string(body.size())
           + "\r\n\r\n" + body);
    const RawResponse r = c.readResponse("POST", 10000);
    QVERIFY(r.ok);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, std::string("say Hello from /w now"));
    QCOMPARE(r.header("content-length"), std::to_string(r.body.size()));
}

void TestHttpRequestResponse::policyAnswerGoesThroughCall()
{
    const RawResponse r = fetch("rown.localhost", "/x");
    QCOMPARE(r.status, 202);
    QCOMPARE(r.body, std::string("own answer"));
    QCOMPARE(r.header("x-call-body"), std::string("Hello from /in-response"));
    QCOMPARE(r.header("x-origin-name"), std::string());
}

void TestHttpRequestResponse::calledEndpointResponsePhaseCalls()
{
    // on_http_request calls relay.internal, whose own on_http_response
    // makes a call (one hop further) before its answer is the result.
    const RawResponse r = fetch("rnested.localhost");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, std::string("203 Hello from /inner"));
}

void TestHttpRequestResponse::laterChainStepSeesCall()
{
    // forward-internal: back.internal's on_http_response waits for its
    // call, then the front's runs on what it made.
    const RawResponse r = fetch("rchain.localhost", "/chunked/5000");
    QVERIFY(r.ok);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("x-back"), std::string("Hello from /back"));
    QCOMPARE(r.header("x-front"), std::string("Hello from /back-seen"));
    QVERIFY(r.body == pattern(5000));
}

void TestHttpRequestResponse::concurrentCallsDoNotBlock()
{
    // 12 clients whose responses each wait for a 400 ms call, on one
    // worker: a worker that blocked would need 4.8 s.
    constexpr int Clients = 12;
    std::vector<std::unique_ptr<RawConnection>> connections;
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < Clients; ++i) {
        connections.push_back(std::make_unique<RawConnection>(m_http));
        connections.back()->send("GET /chunked/3000 HTTP/1.1\r\nHost: rmany.localhost\r\n\r\n");
    }
    const RawResponse quick = fetch("resp.localhost", "/bytes/3");
    QCOMPARE(quick.status, 200);
    QVERIFY2(timer.elapsed() < 2000, std::to_string(timer.elapsed()).c_str());
    for (auto &c : connections) {
        const RawResponse r = c->readResponse("GET", 10000);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("x-call-status"), std::string("200"));
        QVERIFY(r.body == pattern(3000));
    }
    QVERIFY2(timer.elapsed() < 4000, std::to_string(timer.elapsed()).c_str());
}

void TestHttpRequestResponse::captureRecordsExchange()
{
    const RawResponse r = fetch("resp.localhost", "/chunked/12345");
    QCOMPARE(r.status, 200);
    std::optional<RecordingSink::Entry> entry;
    for (int i = 0; i < 50 && !entry; ++i) {
        entry = m_sink->find("/chunked/12345");
        if (!entry)
            QTest::qWait(20);
    }
    QVERIFY(entry);
    QCOMPARE(entry->status, 200);
    QCOMPARE(entry->responseBytes, std::uint64_t(12345));
    QCOMPARE(entry->responseActions, (std::vector<std::string>{"http-request", "add-headers"}));
}

void TestHttpRequestResponse::upgradeCallIsNotMade()
{
    // A 101's tunnel bytes follow it at once: its on_http_response cannot
    // wait, so the call fails with ERR_SWITCHYARD_3606 and on_error applies.
    RawConnection c(m_http);
    c.send("GET /ws HTTP/1.1\r\nHost: rws.localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
           "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
    const RawResponse r = c.readResponse("GET", 5000, true);
    QCOMPARE(r.status, 101);
    QCOMPARE(r.header("x-call-error"), std::string("ERR_SWITCHYARD_3606"));
    c.send("through the tunnel");
    std::string echoed;
    while (echoed.size() < 18) {
        const std::string part = c.receiveSome();
        QVERIFY(!part.empty());
        echoed += part;
    }
    QCOMPARE(echoed, std::string("through the tunnel"));
}

void TestHttpRequestResponse::synchronousResponseHookRefusesCall()
{
    // PolicyRuntime::onHttpResponse cannot suspend: the call fails with
    // ERR_SWITCHYARD_3606 and the phase goes on (on_error: continue).
    PolicyRuntime runtime(m_registry);
    const auto snapshot = m_registry.snapshot();
    QVERIFY(snapshot);
    const EndpointPool *pool = snapshot->lookup(Binding::Public, Account::DefaultId, Scheme::Http,
                                                "rtimeout.localhost", 80);
    QVERIFY(pool && !pool->members.empty());
    HttpRequestHead request;
    request.method = "GET";
    request.target = request.pathAndQuery = "/";
    request.authority = "rtimeout.localhost";
    HttpResponseHead response;
    response.status = 200;
    runtime.onHttpResponse(*pool->members.front(), request, response, HttpConnectionInfo{});
    QCOMPARE(response.status, 200);
    QCOMPARE(std::string(response.headers.value("x-call-error").value_or("")), std::string("ERR_SWITCHYARD_3606"));
}

QTEST_GUILESS_MAIN(TestHttpRequestResponse)
#include "tst_httprequestresponse.moc"
