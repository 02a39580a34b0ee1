// SPDX-License-Identifier: Apache-2.0
// The http-request action on the data plane: an Engine with PolicyRuntime
// on one worker, real sockets on 127.0.0.1 and a testorigin upstream. The
// call goes to internal endpoints in process (their policy, then their
// upstream); its result feeds later actions; errors follow on_error.
#include "../../../support/policytestengine.h"
#include "../../../support/rawhttpclient.h"

#include "control/endpointregistry.h"
#include "data/engine/engine.h"
#include "data/engine/policyruntime.h"

#include <QElapsedTimer>
#include <QTest>

#include <thread>

using namespace switchyard;

namespace {

Endpoint endpoint(const std::string &url, const std::string &name, int upstreamPort, const std::string &policy)
{
    Endpoint e;
    e.name = name;
    e.accountId = Account::DefaultId;
    e.url = *EndpointUrl::parse(url);
    e.binding = *EndpointUrl::resolveBinding(e.url, std::nullopt);
    if (upstreamPort > 0) {
        e.upstream = *Upstream::parse("127.0.0.1:" + std::to_string(upstreamPort), e.url.scheme());
    } else {
        e.type = EndpointType::Cloud;
    }
    e.trafficPolicy = policy;
    return e;
}

// on_http_request: one http-request (config lines at 10 spaces), then a
// custom-response whose content is `content`.
std::string callThen(const std::string &config, const std::string &content)
{
    return "on_http_request:\n  - actions:\n      - type: http-request\n        config:\n" + config
           + "      - type: custom-response\n        config:\n          status_code: 200\n"
             "          content: \""
           + content + "\"\n";
}

std::string respond(const std::string &content)
{
    return "on_http_request:\n  - actions:\n      - type: custom-response\n        config:\n          content: \""
           + content + "\"\n";
}

const std::string ErrorCode = "${actions.ngrok.http_request.error.code}";

} // namespace

class TestHttpRequestAction : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void getResultFeedsCustomResponse();
    void postReachesInternalUpstream();
    void postBodyReachesInternalUpstream();
    void nonInternalUrlIsAnError();
    void timeoutContinue();
    void timeoutHalt();
    void retryConditionRetries();
    void retriesStopAfterThree();
    void bodyOver256KbIsAnError();
    void loopIsStopped();
    void concurrentCallsDoNotBlock();

private:
    RawResponse fetch(const std::string &host, const std::string &path = "/");

    std::unique_ptr<OriginProcess> m_origin;
    EndpointRegistry m_registry;
    std::unique_ptr<Engine> m_engine;
    int m_http = 0;
};

void TestHttpRequestAction::initTestCase()
{
    m_origin = std::make_unique<OriginProcess>("O");
    QVERIFY(m_origin->port() > 0);
    const int o = m_origin->port();

    RegistryChange change;
    change.add = {
        endpoint("https://hello.internal", "hello", 0, respond("Hello from ${req.url.path}")),
        endpoint("http://get.localhost", "get", o,
                 callThen("          url: https://hello.internal/greet\n",
                          "got [${actions.ngrok.http_request.res.body}] "
                          "${string(actions.ngrok.http_request.res.status_code)} "
                          "attempts=${string(actions.ngrok.http_request.attempts)}")),
        endpoint("https://headers.internal", "headers", o,
                 "on_http_request:\n  - actions:\n      - type: add-headers\n        config:\n"
                 "          headers:\n            x-seen-query: \"${req.url.query}\"\n"
                 "      - type: url-rewrite\n        config:\n          from: \"/headers\\\\?.*\"\n"
                 "          to: /headers\n"),
        endpoint("http://post.localhost", "post", o,
                 callThen("          url: https://headers.internal/headers\n          method: POST\n"
                          "          query_params:\n            - {key: from, value: \"${req.url.path}\"}\n"
                          "          headers:\n            x-call: \"${req.method}-made\"\n"
                          "          body: hello body\n",
                          "${actions.ngrok.http_request.res.body}")),
        endpoint("https://echo.internal", "echo", o, ""),
        endpoint("http://postbody.localhost", "postbody", o,
                 callThen("          url: https://echo.internal/echo\n          method: POST\n"
                          "          body: \"payload ${req.url.path}\"\n",
                          "echoed [${actions.ngrok.http_request.res.body}]")),
        endpoint("http://external.localhost", "external", o,
                 callThen("          url: http://127.0.0.1:" + std::to_string(o) + "/status/200\n", ErrorCode)),
        endpoint("https://slow.internal", "slow", o, ""),
        endpoint("http://timeout.localhost", "timeout", o,
                 callThen("          url: https://slow.internal/slow/3000\n          timeout: 1s\n",
                          "continued " + ErrorCode)),
        endpoint("http://halt.localhost", "halt", o,
                 callThen("          url: https://slow.internal/slow/3000\n          timeout: 1s\n"
                          "          on_error: halt\n",
                          "not reached")),
        endpoint("http://retry.localhost", "retry", o,
                 callThen("          url: https://hello.internal/r\n"
                          "          retry_condition: actions.ngrok.http_request.attempts < 3\n",
                          "${string(actions.ngrok.http_request.res.status_code)} "
                          "attempts=${string(actions.ngrok.http_request.attempts)}")),
        endpoint("http://retrymax.localhost", "retrymax", o,
                 callThen("          url: https://slow.internal/status/503\n"
                          "          retry_condition: actions.ngrok.http_request.res.status_code >= 500\n",
                          "${string(actions.ngrok.http_request.res.status_code)} "
                          "attempts=${string(actions.ngrok.http_request.attempts)}")),
        endpoint("http://big.localhost", "big", o,
                 callThen("          url: https://slow.internal/bytes/300000\n", "big " + ErrorCode)),
        endpoint("http://fits.localhost", "fits", o,
                 callThen("          url: https://slow.internal/bytes/200000\n",
                          "${string(size(actions.ngrok.http_request.res.body))}")),
        endpoint("https://loop.internal", "loop", 0,
                 callThen("          url: https://loop.internal/again\n          on_error: halt\n", "never")),
        endpoint("http://loop.localhost", "looper", o,
                 callThen("          url: https://loop.internal/start\n", "loop " + ErrorCode)),
        endpoint("http://many.localhost", "many", o,
                 callThen("          url: https://slow.internal/slow/400\n",
                          "${string(actions.ngrok.http_request.res.status_code)}")),
    };
    const auto applied = m_registry.apply(change);
    QVERIFY2(applied.ok(), applied.ok() ? "" : applied.message().c_str());

    // One worker: the concurrency test shows a call never blocks it.
    std::string error;
    m_engine = test::startPolicyEngine(m_registry, std::make_shared<PolicyRuntime>(m_registry), error, 1);
    QVERIFY2(m_engine, error.c_str());
    m_http = m_engine->edgeHttpPort();
    QVERIFY(m_http > 0);
}

void TestHttpRequestAction::cleanupTestCase()
{
    m_engine.reset();
}

RawResponse TestHttpRequestAction::fetch(const std::string &host, const std::string &path)
{
    RawConnection c(m_http);
    c.send("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
    return c.readResponse("GET", 10000);
}

void TestHttpRequestAction::getResultFeedsCustomResponse()
{
    const RawResponse r = fetch("get.localhost");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, std::string("got [Hello from /greet] 200 attempts=1"));
    QCOMPARE(r.header("x-origin-name"), std::string()); // the front's upstream is not contacted
}

void TestHttpRequestAction::postReachesInternalUpstream()
{
    const RawResponse r = fetch("post.localhost", "/p");
    QCOMPARE(r.status, 200);
    QVERIFY2(r.body.starts_with("POST /headers HTTP/1.1\n"), r.body.c_str());
    QVERIFY2(r.body.find("x-call: GET-made\n") != std::string::npos, r.body.c_str());
    QVERIFY2(r.body.find("x-seen-query: from=%2Fp\n") != std::string::npos, r.body.c_str());
    QVERIFY2(r.body.find("switchyard-req-type: http-request\n") != std::string::npos, r.body.c_str());
    QVERIFY2(r.body.find("content-length: 10\n") != std::string::npos, r.body.c_str());
    QVERIFY2(r.body.find("host: headers.internal\n") != std::string::npos, r.body.c_str());
}

void TestHttpRequestAction::postBodyReachesInternalUpstream()
{
    const RawResponse r = fetch("postbody.localhost", "/x");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, std::string("echoed [payload /x]"));
}

void TestHttpRequestAction::nonInternalUrlIsAnError()
{
    const RawResponse r = fetch("external.localhost");
    QCOMPARE(r.status, 200); // on_error: continue (the default)
    QCOMPARE(r.body, std::string("ERR_SWITCHYARD_3605"));
}

void TestHttpRequestAction::timeoutContinue()
{
    QElapsedTimer timer;
    timer.start();
    const RawResponse r = fetch("timeout.localhost");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, std::string("continued ERR_SWITCHYARD_3602"));
    QVERIFY2(timer.elapsed() >= 900 && timer.elapsed() < 4000, std::to_string(timer.elapsed()).c_str());
}

void TestHttpRequestAction::timeoutHalt()
{
    const RawResponse r = fetch("halt.localhost");
    QCOMPARE(r.status, 504);
    QCOMPARE(r.header("switchyard-error-code"), std::string("ERR_SWITCHYARD_3602"));
    QVERIFY(r.body.find("not reached") == std::string::npos);
}

void TestHttpRequestAction::retryConditionRetries()
{
    const RawResponse r = fetch("retry.localhost");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, std::string("200 attempts=3"));
}

void TestHttpRequestAction::retriesStopAfterThree()
{
    const RawResponse r = fetch("retrymax.localhost");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, std::string("503 attempts=4"));
}

void TestHttpRequestAction::bodyOver256KbIsAnError()
{
    QCOMPARE(fetch("big.localhost").body, std::string("big ERR_SWITCHYARD_3601"));
    QCOMPARE(fetch("fits.localhost").body, std::string("200000"));
}

void TestHttpRequestAction::loopIsStopped()
{
    // looper -> loop -> loop -> loop -> (4th hop) refused; every call of
    // the loop fails with 3603, and looper (on_error: continue) goes on.
    const RawResponse r = fetch("loop.localhost");
    QVERIFY2(r.status == 200, r.body.c_str());
    QCOMPARE(r.body, std::string("loop ERR_SWITCHYARD_3603"));
}

void TestHttpRequestAction::concurrentCallsDoNotBlock()
{
    // 16 clients at once, each waiting for a 400 ms call, on one worker: a
    // worker that blocked would need 6.4 s (the bounds leave room for a
    // loaded machine).
    constexpr int Clients = 16;
    std::vector<std::unique_ptr<RawConnection>> connections;
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < Clients; ++i) {
        connections.push_back(std::make_unique<RawConnection>(m_http));
        connections.back()->send("GET / HTTP/1.1\r\nHost: many.localhost\r\n\r\n");
    }
    // A plain request meanwhile is answered before the calls end.
    const RawResponse quick = fetch("get.localhost");
    QCOMPARE(quick.status, 200);
    QVERIFY2(timer.elapsed() < 2000, std::to_string(timer.elapsed()).c_str());
    for (auto &c : connections) {
        const RawResponse r = c->readResponse("GET", 10000);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, std::string("200"));
    }
    QVERIFY2(timer.elapsed() < 5000, std::to_string(timer.elapsed()).c_str());
}

QTEST_GUILESS_MAIN(TestHttpRequestAction)
#include "tst_httprequestaction.moc"
