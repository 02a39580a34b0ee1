// SPDX-License-Identifier: Apache-2.0
// Answers a traffic policy makes keep the client connection when that is
// safe (and close it when not), circuit-breaker counts the engine's own
// 502s, runner actions leave actions.ngrok.* results for later rules, and
// only real CEL reads of req.body make the engine buffer bodies. Real
// sockets on 127.0.0.1, testorigin as the upstream.
#include "../../../support/freeport.h"
#include "../../../support/policytestengine.h"
#include "../../../support/rawhttpclient.h"

#include "policy/compile/policybodyuse.h"
#include "policy/runners/runtimeactions.h"

#include <QTest>

using namespace switchyard;
using switchyard::test::policyEndpoint;

namespace {

// /custom: custom-response, /deny: deny, /redirect: redirect, else the upstream.
const std::string AnswerPolicy = "on_http_request:\n"
    "  - expressions: [\"req.url.path == '/custom'\"]\n"
    "    actions:\n"
    "      - type: custom-response\n"
    "        config: {status_code: 200, body: \"from policy\"}\n"
    "  - expressions: [\"req.url.path == '/deny'\"]\n"
    "    actions:\n"
    "      - type: deny\n"
    "  - expressions: [\"req.url.path == '/redirect'\"]\n"
    "    actions:\n"
    "      - type: redirect\n"
    "        config: {to: \"http://elsewhere.localhost/\"}\n"
    "  - expressions: [\"req.url.path == '/close'\"]\n"
    "    actions:\n"
    "      - type: close-connection\n";

const std::string ResultPolicy = "on_http_request:\n"
    "  - actions:\n"
    "      - type: rate-limit\n"
    "        config: {name: results, algorithm: sliding_window, capacity: 1, rate: 60s, bucket_key: [req.url.path], enforce: false}\n"
    "  - expressions: [\"actions.ngrok.rate_limit.limited\"]\n"
    "    actions:\n"
    "      - type: custom-response\n"
    "        config: {status_code: 429, body: \"limited for ${actions.ngrok.rate_limit.bucket_key}\"}\n"
    "  - actions:\n"
    "      - type: custom-response\n"
    "        config: {status_code: 200, body: \"first for ${actions.ngrok.rate_limit.bucket_key}\"}\n";

std::string request(const std::string &method, const std::string &path, const std::string &extra = "",
                    const std::string &version = "HTTP/1.1", const std::string &host = "answers.localhost")
{
    return method + " " + path + " " + version + "\r\nHost: " + host + "\r\n" + extra + "\r\n";
}

} // namespace

class TestPolicyKeepAlive : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void twoAnswersOnOneConnection();
    void pipelinedAfterAnswerInOrder();
    void smallBodyDrained();
    void chunkedBodyDrained();
    void bigUnreadBodyCloses();
    void expectContinueCloses();
    void http10WithoutKeepAliveCloses();
    void http10KeepAlive();
    void clientCloseHonoured();
    void closeConnectionStillCloses();
    void breakerCountsEngineErrors();
    void laterRuleReadsActionResult();
    void bodyUseIsTokenBased_data();
    void bodyUseIsTokenBased();
    void interpolationBodyUse_data();
    void interpolationBodyUse();
    void literalDoesNotBuffer();

private:
    std::unique_ptr<OriginProcess> m_origin;
    EndpointRegistry m_registry;
    ActionRunnerRegistry m_runners;
    std::shared_ptr<PolicyRuntime> m_runtime;
    std::unique_ptr<Engine> m_engine;
    int m_http = 0;
};

void TestPolicyKeepAlive::initTestCase()
{
    m_origin = std::make_unique<OriginProcess>("A");
    QVERIFY(m_origin->port() > 0);
    const int a = m_origin->port();
    const int down = freePort(); // nothing listens there
    RegistryChange change;
    change.add = {
        policyEndpoint("http://answers.localhost", a, AnswerPolicy),
        policyEndpoint("http://down.localhost", down,
                       "on_http_request:\n  - actions:\n      - type: circuit-breaker\n"
                       "        config: {volume_threshold: 2, error_threshold: 0.5, window_duration: 10s, "
                       "tripped_duration: 10s}\n"),
        policyEndpoint("http://results.localhost", a, ResultPolicy),
    };
    const auto applied = m_registry.apply(change);
    QVERIFY2(applied.ok(), applied.ok() ? "" : applied.message().c_str());
    registerRuntimeActions(m_runners);

    m_runtime = std::make_shared<PolicyRuntime>(m_registry, &m_runners);
    std::string error;
    m_engine = test::startPolicyEngine(m_registry, m_runtime, error);
    QVERIFY2(m_engine, error.c_str());
    m_http = m_engine->edgeHttpPort();
    QVERIFY(m_http > 0);
}

void TestPolicyKeepAlive::cleanupTestCase()
{
    m_engine.reset();
}

void TestPolicyKeepAlive::twoAnswersOnOneConnection()
{
    RawConnection c(m_http);
    QVERIFY(c.send(request("GET", "/custom")));
    const RawResponse first = c.readResponse();
    QVERIFY(first.ok);
    QCOMPARE(first.status, 200);
    QCOMPARE(first.body, std::string("from policy"));
    QCOMPARE(first.header("connection"), std::string());
    QVERIFY(!first.closed);

    QVERIFY(c.send(request("GET", "/deny")));
    const RawResponse second = c.readResponse();
    QVERIFY(second.ok);
    QCOMPARE(second.status, 403);
    QCOMPARE(second.header("connection"), std::string());

    // The same connection still reaches the upstream afterwards.
    QVERIFY(c.send(request("GET", "/status/200")));
    const RawResponse third = c.readResponse();
    QCOMPARE(third.status, 200);
    QCOMPARE(third.header("x-origin-name"), std::string("A"));
}

void TestPolicyKeepAlive::pipelinedAfterAnswerInOrder()
{
    RawConnection c(m_http);
    QVERIFY(c.send(request("GET", "/deny") + request("GET", "/custom") + request("GET", "/status/201")
                   + request("GET", "/redirect")));
    const RawResponse deny = c.readResponse();
    const RawResponse custom = c.readResponse();
    const RawResponse upstream = c.readResponse();
    const RawResponse redirect = c.readResponse();
    QCOMPARE(deny.status, 403);
    QCOMPARE(custom.status, 200);
    QCOMPARE(custom.body, std::string("from policy"));
    QCOMPARE(upstream.status, 201);
    QCOMPARE(upstream.header("x-origin-name"), std::string("A"));
    QCOMPARE(redirect.status, 302);
    QCOMPARE(redirect.header("location"), std::string("http://elsewhere.localhost/"));
    QVERIFY(redirect.ok && !redirect.closed);
}

void TestPolicyKeepAlive::smallBodyDrained()
{
    RawConnection c(m_http);
    const std::string body(5000, 'b');
    // The body arrives after the answer went out; it is read and dropped,
    // and the request behind it is answered.
    QVERIFY(c.send(request("POST", "/custom", "Content-Length: " + std::to_string(body.size()) + "\r\n")));
    const RawResponse first = c.readResponse();
    QCOMPARE(first.status, 200);
    QCOMPARE(first.header("connection"), std::string());
    QVERIFY(c.send(body + request("GET", "/deny")));
    const RawResponse second = c.readResponse();
    QCOMPARE(second.status, 403);
    QVERIFY(!second.closed);
}

void TestPolicyKeepAlive::chunkedBodyDrained()
{
    RawConnection c(m_http);
    QVERIFY(c.send(request("POST", "/custom", "Transfer-Encoding: chunked\r\n") + "5\r\nhello\r\n0\r\n\r\n"
                   + request("GET", "/custom")));
    const RawResponse first = c.readResponse();
    const RawResponse second = c.readResponse();
    QCOMPARE(first.status, 200);
    QCOMPARE(second.status, 200);
    QCOMPARE(second.body, std::string("from policy"));
}

void TestPolicyKeepAlive::bigUnreadBodyCloses()
{
    RawConnection c(m_http);
    QVERIFY(c.send(request("POST", "/custom", "Content-Length: 10000000\r\n") + std::string(1000, 'x')));
    const RawResponse r = c.readResponse();
    QVERIFY(r.ok);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("connection"), std::string("close"));
    QVERIFY(c.waitClosed());

    // Chunked past the drain limit: the answer is out, then the connection goes.
    RawConnection chunked(m_http);
    QVERIFY(chunked.send(request("POST", "/custom", "Transfer-Encoding: chunked\r\n")));
    const RawResponse answer = chunked.readResponse();
    QCOMPARE(answer.status, 200);
    const std::string chunk = "10000\r\n" + std::string(0x10000, 'y') + "\r\n";
    bool closed = false;
    for (int i = 0; i < 4 && !closed; ++i)
        closed = !chunked.send(chunk);
    QVERIFY(closed || chunked.waitClosed());
}

void TestPolicyKeepAlive::expectContinueCloses()
{
    RawConnection c(m_http);
    QVERIFY(c.send(request("POST", "/deny", "Content-Length: 10\r\nExpect: 100-continue\r\n")));
    const RawResponse r = c.readResponse();
    QCOMPARE(r.status, 403);
    QCOMPARE(r.header("connection"), std::string("close"));
    QVERIFY(c.waitClosed());
}

void TestPolicyKeepAlive::http10WithoutKeepAliveCloses()
{
    RawConnection c(m_http);
    QVERIFY(c.send(request("GET", "/custom", "", "HTTP/1.0")));
    const RawResponse r = c.readResponse();
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("connection"), std::string("close"));
    QVERIFY(c.waitClosed());
}

void TestPolicyKeepAlive::http10KeepAlive()
{
    RawConnection c(m_http);
    QVERIFY(c.send(request("GET", "/custom", "Connection: keep-alive\r\n", "HTTP/1.0")));
    const RawResponse first = c.readResponse();
    QCOMPARE(first.status, 200);
    QCOMPARE(first.header("connection"), std::string("keep-alive"));
    QVERIFY(c.send(request("GET", "/deny", "Connection: keep-alive\r\n", "HTTP/1.0")));
    const RawResponse second = c.readResponse();
    QCOMPARE(second.status, 403);
}

void TestPolicyKeepAlive::clientCloseHonoured()
{
    RawConnection c(m_http);
    QVERIFY(c.send(request("GET", "/custom", "Connection: close\r\n")));
    const RawResponse r = c.readResponse();
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("connection"), std::string("close"));
    QVERIFY(c.waitClosed());
}

void TestPolicyKeepAlive::closeConnectionStillCloses()
{
    RawConnection c(m_http);
    QVERIFY(c.send(request("GET", "/close")));
    const RawResponse r = c.readResponse();
    QVERIFY(!r.ok);
    QVERIFY(r.closed);
}

void TestPolicyKeepAlive::breakerCountsEngineErrors()
{
    // Two 502s from the engine (nothing listens upstream) fill the volume
    // threshold at 100% errors: the third request is refused before dialing.
    for (int i = 0; i < 2; ++i) {
        RawConnection c(m_http);
        QVERIFY(c.send(request("GET", "/", "", "HTTP/1.1", "down.localhost")));
        const RawResponse r = c.readResponse();
        QCOMPARE(r.status, 502);
        QCOMPARE(r.header("switchyard-error-code"), std::string("ERR_SWITCHYARD_8012"));
    }
    RawConnection c(m_http);
    QVERIFY(c.send(request("GET", "/", "", "HTTP/1.1", "down.localhost")));
    const RawResponse r = c.readResponse();
    QCOMPARE(r.status, 503);
    QCOMPARE(r.header("switchyard-error-code"), std::string("ERR_SWITCHYARD_3202"));
    QVERIFY(!r.header("retry-after").empty());
}

void TestPolicyKeepAlive::laterRuleReadsActionResult()
{
    RawConnection c(m_http);
    QVERIFY(c.send(request("GET", "/r", "", "HTTP/1.1", "results.localhost")));
    const RawResponse first = c.readResponse();
    QCOMPARE(first.status, 200);
    QCOMPARE(first.body, std::string("first for /r"));
    QVERIFY(c.send(request("GET", "/r", "", "HTTP/1.1", "results.localhost")));
    const RawResponse second = c.readResponse();
    QCOMPARE(second.status, 429);
    QCOMPARE(second.body, std::string("limited for /r"));
}

void TestPolicyKeepAlive::bodyUseIsTokenBased_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<bool>("reads");
    QTest::newRow("field") << "req.body.contains('x')" << true;
    QTest::newRow("index") << "req['body'] != ''" << true;
    QTest::newRow("spaced") << "size(req . body) > 0" << true;
    QTest::newRow("string literal") << "req.url.path == 'req.body'" << false;
    QTest::newRow("other root") << "res.body == ''" << false;
    QTest::newRow("other field") << "req.body_size == 1" << false;
    QTest::newRow("comment") << "true // req.body" << false;
}

void TestPolicyKeepAlive::bodyUseIsTokenBased()
{
    QFETCH(QString, source);
    QFETCH(bool, reads);
    QCOMPARE(PolicyBodyUse::mentions(source.toStdString(), "req"), reads);
}

void TestPolicyKeepAlive::interpolationBodyUse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("reads");
    QTest::newRow("plain text") << "see req.body" << false;
    QTest::newRow("interpolated") << "len ${size(req.body)}" << true;
    QTest::newRow("after a closed one") << "${req.method} req.body" << false;
    QTest::newRow("brace in a string") << "${'}' + req.body}" << true;
    QTest::newRow("nested braces") << "${ {'a': req.body}.a }" << true;
    QTest::newRow("second one") << "${req.method}-${req.body}" << true;
}

void TestPolicyKeepAlive::interpolationBodyUse()
{
    QFETCH(QString, text);
    QFETCH(bool, reads);
    QCOMPARE(PolicyBodyUse::interpolationsMention(text.toStdString(), "req"), reads);
}

void TestPolicyKeepAlive::literalDoesNotBuffer()
{
    // The text "req.body" in a string literal and in plain config text
    // compiles (req.body is no declared variable, so a real read does not)
    // and must not make the engine read bodies.
    Endpoint literal = policyEndpoint("http://literal.localhost", m_origin->port(),
                                "on_http_request:\n  - expressions: [\"req.url.path == 'req.body'\"]\n"
                                "    actions:\n      - type: custom-response\n"
                                "        config: {body: \"see req.body and res.body\"}\n"
                                "on_http_response:\n  - actions:\n      - type: add-headers\n"
                                "        config: {headers: {x-doc: \"res.body ${res.status_code}\"}}\n");
    literal.id = "ep_literal";
    Endpoint webhook = policyEndpoint("http://webhook.localhost", m_origin->port(),
                                "on_http_request:\n  - actions:\n      - type: verify-webhook\n"
                                "        config: {provider: github, secret: s3cret}\n");
    webhook.id = "ep_webhook";
    QVERIFY(m_runtime->policyFor(literal));
    QVERIFY(m_runtime->policyFor(webhook));
    QCOMPARE(m_runtime->needsRequestBody(literal), false);
    QCOMPARE(m_runtime->needsResponseBody(literal), false);
    QCOMPARE(m_runtime->needsRequestBody(webhook), true);
}

QTEST_GUILESS_MAIN(TestPolicyKeepAlive)
#include "tst_policykeepalive.moc"
