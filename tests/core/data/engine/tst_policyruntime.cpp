// SPDX-License-Identifier: Apache-2.0
// Traffic policy on the data plane: an Engine with PolicyRuntime installed,
// real sockets on 127.0.0.1 and testorigin upstreams. Covers the quickstart
// (public agent endpoint -> forward-internal -> cloud custom-response),
// request/response header edits reaching the upstream and the client,
// deny, redirect, forward-internal to an internal agent endpoint's own
// upstream, loops (508), missing targets (404) and account isolation.
#include "../../../support/rawhttpclient.h"

#include "control/endpointregistry.h"
#include "data/engine/engine.h"
#include "data/engine/policyruntime.h"

#include <QTest>

using namespace switchyard;

namespace {

std::string forwardTo(const std::string &target)
{
    return "on_http_request:\n  - actions:\n      - type: forward-internal\n        config:\n          url: " + target
           + "\n";
}

Endpoint endpoint(const std::string &url, const std::string &name, int upstreamPort, const std::string &policy,
                  const std::string &account = Account::DefaultId)
{
    Endpoint e;
    e.name = name;
    e.accountId = account;
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

std::string get(const std::string &host, const std::string &path)
{
    return "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n";
}

} // namespace

class TestPolicyRuntime : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void quickstartHelloWorld();
    void requestHeadersReachUpstream();
    void responseHeadersReachClient();
    void denyIs403();
    void redirect();
    void forwardToInternalAgentUsesItsUpstream();
    void loopIs508();
    void missingTargetIs404();
    void otherAccountIsUnreachable();
    void policyChangeIsRecompiled();

private:
    RawResponse fetch(const std::string &host, const std::string &path = "/");

    std::unique_ptr<OriginProcess> m_originA;
    std::unique_ptr<OriginProcess> m_originB;
    EndpointRegistry m_registry;
    std::unique_ptr<Engine> m_engine;
    int m_http = 0;
};

void TestPolicyRuntime::initTestCase()
{
    m_originA = std::make_unique<OriginProcess>("A");
    m_originB = std::make_unique<OriginProcess>("B");
    QVERIFY(m_originA->port() > 0);
    QVERIFY(m_originB->port() > 0);
    const int a = m_originA->port();
    const int b = m_originB->port();
    QVERIFY(m_registry.createAccount("other"));
    const std::string otherId = m_registry.snapshot()->accountByName("other")->id;

    RegistryChange change;
    change.add = {
        endpoint("https://example.internal", "hello", 0,
                 "on_http_request:\n  - actions:\n      - type: custom-response\n        config:\n"
                 "          status_code: 200\n          headers:\n            content-type: text/plain\n"
                 "          content: Hello world!\n"),
        endpoint("http://web.localhost", "web", a, forwardTo("https://example.internal")),
        endpoint("http://addreq.localhost", "addreq", a,
                 "on_http_request:\n  - actions:\n      - type: add-headers\n        config:\n"
                 "          headers:\n            x-policy: \"${req.method}-added\"\n"),
        endpoint("http://addres.localhost", "addres", a,
                 "on_http_response:\n  - actions:\n      - type: add-headers\n        config:\n"
                 "          headers:\n            x-res-policy: seen\n"),
        endpoint("http://deny.localhost", "deny", a,
                 "on_http_request:\n  - expressions:\n      - req.url.path.startsWith('/admin')\n"
                 "    actions:\n      - type: deny\n"),
        endpoint("http://redir.localhost", "redir", a,
                 "on_http_request:\n  - actions:\n      - type: redirect\n        config:\n"
                 "          from: /old/(.*)\n          to: /new/$1\n          status_code: 301\n"),
        endpoint("http://front.localhost", "front", a, forwardTo("https://api.internal")),
        endpoint("https://api.internal", "api", b,
                 "on_http_request:\n  - actions:\n      - type: add-headers\n        config:\n"
                 "          headers:\n            x-hop: api\n"
                 "on_http_response:\n  - actions:\n      - type: add-headers\n        config:\n"
                 "          headers:\n            x-api-response: yes\n"),
        endpoint("http://loop.localhost", "loop", a, forwardTo("https://ping.internal")),
        endpoint("https://ping.internal", "ping", a, forwardTo("https://pong.internal")),
        endpoint("https://pong.internal", "pong", a, forwardTo("https://ping.internal")),
        endpoint("http://missing.localhost", "missing", a, forwardTo("https://nowhere.internal")),
        endpoint("http://cross.localhost", "cross", a, forwardTo("https://secret.internal")),
        endpoint("https://secret.internal", "secret", 0,
                 "on_http_request:\n  - actions:\n      - type: custom-response\n        config:\n"
                 "          content: leaked\n",
                 otherId),
    };
    const auto applied = m_registry.apply(change);
    QVERIFY2(applied.ok(), applied.ok() ? "" : applied.message().c_str());

    EngineOptions options;
    options.apiAddr.clear();
    options.edgeHttps.clear();
    options.edgeHttp = "127.0.0.1:0";
    options.workers = 2;
    m_engine = std::make_unique<Engine>(m_registry, options);
    m_engine->setPolicyHook(std::make_shared<PolicyRuntime>(m_registry));
    const auto started = m_engine->start();
    QVERIFY2(started.ok(), started.ok() ? "" : started.message().c_str());
    m_http = m_engine->edgeHttpPort();
    QVERIFY(m_http > 0);
}

void TestPolicyRuntime::cleanupTestCase()
{
    m_engine.reset();
}

RawResponse TestPolicyRuntime::fetch(const std::string &host, const std::string &path)
{
    RawConnection c(m_http);
    c.send(get(host, path));
    return c.readResponse();
}

void TestPolicyRuntime::quickstartHelloWorld()
{
    const RawResponse r = fetch("web.localhost");
    QVERIFY(r.ok);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, std::string("Hello world!"));
    QCOMPARE(r.header("content-type"), std::string("text/plain"));
}

void TestPolicyRuntime::requestHeadersReachUpstream()
{
    const RawResponse r = fetch("addreq.localhost", "/headers");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("x-origin-name"), std::string("A"));
    QVERIFY2(r.body.find("x-policy: GET-added\n") != std::string::npos, r.body.c_str());
}

void TestPolicyRuntime::responseHeadersReachClient()
{
    const RawResponse r = fetch("addres.localhost", "/status/201");
    QCOMPARE(r.status, 201);
    QCOMPARE(r.header("x-res-policy"), std::string("seen"));
    QCOMPARE(r.header("x-origin-name"), std::string("A"));
}

void TestPolicyRuntime::denyIs403()
{
    QCOMPARE(fetch("deny.localhost", "/admin/x").status, 403);
    const RawResponse open = fetch("deny.localhost", "/status/200");
    QCOMPARE(open.status, 200);
    QCOMPARE(open.header("x-origin-name"), std::string("A"));
}

void TestPolicyRuntime::redirect()
{
    const RawResponse r = fetch("redir.localhost", "/old/page?q=1");
    QCOMPARE(r.status, 301);
    QCOMPARE(r.header("location"), std::string("http://redir.localhost/new/page?q=1"));
    QCOMPARE(r.header("x-origin-name"), std::string());
}

void TestPolicyRuntime::forwardToInternalAgentUsesItsUpstream()
{
    const RawResponse r = fetch("front.localhost", "/headers");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("x-origin-name"), std::string("B")); // api's upstream, not front's (A)
    QVERIFY2(r.body.find("x-hop: api\n") != std::string::npos, r.body.c_str());
    QCOMPARE(r.header("x-api-response"), std::string("yes"));
}

void TestPolicyRuntime::loopIs508()
{
    const RawResponse r = fetch("loop.localhost");
    QCOMPARE(r.status, 508);
    QCOMPARE(r.header("switchyard-error-code"), std::string("ERR_SWITCHYARD_3501"));
}

void TestPolicyRuntime::missingTargetIs404()
{
    const RawResponse r = fetch("missing.localhost");
    QCOMPARE(r.status, 404);
    QCOMPARE(r.header("switchyard-error-code"), std::string("ERR_SWITCHYARD_3200"));
}

void TestPolicyRuntime::otherAccountIsUnreachable()
{
    const RawResponse r = fetch("cross.localhost");
    QCOMPARE(r.status, 404);
    QCOMPARE(r.header("switchyard-error-code"), std::string("ERR_SWITCHYARD_3200"));
    QVERIFY(r.body.find("leaked") == std::string::npos);
}

void TestPolicyRuntime::policyChangeIsRecompiled()
{
    const EndpointPtr hello = m_registry.snapshot()->endpointByName(Account::DefaultId, "hello");
    QVERIFY(hello);
    Endpoint changed = *hello;
    changed.trafficPolicy = "on_http_request:\n  - actions:\n      - type: custom-response\n        config:\n"
                            "          status_code: 202\n          content: changed\n";
    RegistryChange change;
    change.removeIds = {hello->id};
    change.add = {changed};
    QVERIFY(m_registry.apply(change));
    const RawResponse r = fetch("web.localhost");
    QCOMPARE(r.status, 202);
    QCOMPARE(r.body, std::string("changed"));
}

QTEST_GUILESS_MAIN(TestPolicyRuntime)
#include "tst_policyruntime.moc"
