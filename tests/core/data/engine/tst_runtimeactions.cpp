// SPDX-License-Identifier: Apache-2.0
// The runtime actions of core/policy/runners on the data plane: an Engine
// with PolicyRuntime and registerRuntimeActions(), real sockets on
// 127.0.0.1 and a testorigin upstream. Each action's default behaviour:
// rate-limit answers 429 with retry-after after capacity, jwt-validation
// passes a good token and refuses a missing or forged one, circuit-breaker
// opens after upstream 5xx, half-opens after tripped_duration and closes on
// a good probe; keep-alive requests are counted one by one.
#include "../../../support/hs256token.h"
#include "../../../support/rawhttpclient.h"

#include "control/endpointregistry.h"
#include "data/engine/engine.h"
#include "data/engine/policyruntime.h"
#include "policy/runners/runtimeactions.h"

#include <QTest>

#include <thread>

using namespace switchyard;
using namespace switchyard::test;

namespace {

Endpoint endpoint(const std::string &url, int upstreamPort, const std::string &policy)
{
    Endpoint e;
    e.accountId = Account::DefaultId;
    e.url = *EndpointUrl::parse(url);
    e.binding = *EndpointUrl::resolveBinding(e.url, std::nullopt);
    e.upstream = *Upstream::parse("127.0.0.1:" + std::to_string(upstreamPort), e.url.scheme());
    e.trafficPolicy = policy;
    return e;
}

std::string get(const std::string &host, const std::string &path, const std::string &headers = "")
{
    return "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + headers + "\r\n";
}

// Far in the future, so the real clock never expires it.
const std::string Claims = R"({"iss":"https://issuer.example/","sub":"alice","exp":4102444800})";

} // namespace

class TestRuntimeActions : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void rateLimitAfterCapacity();
    void rateLimitOnKeepAlive();
    void jwtValid();
    void jwtMissing();
    void jwtBadSignature();
    void breakerOpensAndHalfOpens();

private:
    RawResponse fetch(const std::string &host, const std::string &path = "/status/200",
                      const std::string &headers = "");

    std::unique_ptr<OriginProcess> m_origin;
    EndpointRegistry m_registry;
    ActionRunnerRegistry m_runners;
    std::unique_ptr<Engine> m_engine;
    int m_http = 0;
};

void TestRuntimeActions::initTestCase()
{
    m_origin = std::make_unique<OriginProcess>("A");
    QVERIFY(m_origin->port() > 0);
    const int a = m_origin->port();
    RegistryChange change;
    change.add = {
        endpoint("http://limited.localhost", a,
                 "on_http_request:\n  - actions:\n      - type: rate-limit\n        config:\n"
                 "          name: per-client\n          algorithm: sliding_window\n          capacity: 2\n"
                 "          rate: 60s\n          bucket_key: [conn.client_ip]\n"),
        endpoint("http://keepalive.localhost", a,
                 "on_http_request:\n  - actions:\n      - type: rate-limit\n        config:\n"
                 "          name: per-client\n          algorithm: sliding_window\n          capacity: 3\n"
                 "          rate: 60s\n          bucket_key: [conn.client_ip]\n"),
        endpoint("http://jwt.localhost", a,
                 "on_http_request:\n  - actions:\n      - type: jwt-validation\n        config:\n"
                 "          issuer: {allow_list: [{value: \"https://issuer.example/\"}]}\n"
                 "          http: {tokens: [{type: jwt, method: header, name: Authorization, prefix: \"Bearer \"}]}\n"
                 "          jws:\n            allowed_algorithms: [HS256]\n"
                 "            keys: {sources: {jwks: '"
                     + hs256Jwks() + "'}}\n"),
        endpoint("http://breaker.localhost", a,
                 "on_http_request:\n  - actions:\n      - type: circuit-breaker\n"
                 "        config: {volume_threshold: 2, error_threshold: 0.5, window_duration: 10s, "
                 "tripped_duration: 1s}\n"),
    };
    const auto applied = m_registry.apply(change);
    QVERIFY2(applied.ok(), applied.ok() ? "" : applied.message().c_str());
    registerRuntimeActions(m_runners);

    EngineOptions options;
    options.apiAddr.clear();
    options.edgeHttps.clear();
    options.edgeHttp = "127.0.0.1:0";
    options.workers = 2;
    m_engine = std::make_unique<Engine>(m_registry, options);
    m_engine->setPolicyHook(std::make_shared<PolicyRuntime>(m_registry, &m_runners));
    const auto started = m_engine->start();
    QVERIFY2(started.ok(), started.ok() ? "" : started.message().c_str());
    m_http = m_engine->edgeHttpPort();
    QVERIFY(m_http > 0);
}

void TestRuntimeActions::cleanupTestCase()
{
    m_engine.reset();
}

RawResponse TestRuntimeActions::fetch(const std::string &host, const std::string &path, const std::string &headers)
{
    RawConnection c(m_http);
    c.send(get(host, path, headers));
    return c.readResponse();
}

void TestRuntimeActions::rateLimitAfterCapacity()
{
    for (int i = 0; i < 2; ++i) {
        const RawResponse r = fetch("limited.localhost");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("x-origin-name"), std::string("A"));
    }
    const RawResponse limited = fetch("limited.localhost");
    QVERIFY(limited.ok);
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.header("switchyard-error-code"), std::string("ERR_SWITCHYARD_3206"));
    QCOMPARE(limited.header("x-origin-name"), std::string());
    // Whole seconds until one more request fits: within the 60 s window plus
    // the part of the next one the sliding weight needs.
    const int retry = std::stoi(limited.header("retry-after"));
    QVERIFY2(retry >= 1 && retry <= 90, limited.header("retry-after").c_str());
    QCOMPARE(limited.body, std::string("rate limit exceeded: at most 2 requests per 60s\n"));
}

void TestRuntimeActions::rateLimitOnKeepAlive()
{
    RawConnection c(m_http);
    std::vector<int> statuses;
    for (int i = 0; i < 4; ++i) {
        c.send(get("keepalive.localhost", "/status/200"));
        statuses.push_back(c.readResponse().status);
    }
    QCOMPARE(statuses, (std::vector<int>{200, 200, 200, 429}));
}

void TestRuntimeActions::jwtValid()
{
    const RawResponse r = fetch("jwt.localhost", "/headers", "Authorization: Bearer " + hs256Token(Claims) + "\r\n");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("x-origin-name"), std::string("A"));
    // The token is forwarded as it came.
    QVERIFY2(r.body.find("authorization: Bearer ") != std::string::npos, r.body.c_str());
}

void TestRuntimeActions::jwtMissing()
{
    const RawResponse r = fetch("jwt.localhost");
    QCOMPARE(r.status, 401);
    QCOMPARE(r.header("www-authenticate"), std::string(R"(Bearer realm="switchyard")"));
    QCOMPARE(r.header("x-origin-name"), std::string());
    QCOMPARE(r.body, std::string("authentication required\n"));
}

void TestRuntimeActions::jwtBadSignature()
{
    const std::string forged = hs256Token(Claims, "k1", std::string(32, 'x'));
    const RawResponse r = fetch("jwt.localhost", "/status/200", "Authorization: Bearer " + forged + "\r\n");
    QCOMPARE(r.status, 401);
    QCOMPARE(r.header("www-authenticate"), std::string(R"(Bearer realm="switchyard", error="invalid_token")"));
    QCOMPARE(r.header("x-origin-name"), std::string());
}

void TestRuntimeActions::breakerOpensAndHalfOpens()
{
    // Closed: the upstream's 5xx pass through and are counted.
    QCOMPARE(fetch("breaker.localhost", "/status/500").status, 500);
    QCOMPARE(fetch("breaker.localhost", "/status/502").status, 502);
    // Two failures of two outcomes: open.
    const RawResponse open = fetch("breaker.localhost", "/status/200");
    QCOMPARE(open.status, 503);
    QCOMPARE(open.header("switchyard-error-code"), std::string("ERR_SWITCHYARD_3202"));
    QCOMPARE(open.header("retry-after"), std::string("1"));
    QCOMPARE(open.header("x-origin-name"), std::string());

    // After tripped_duration one probe goes through; its success closes the breaker.
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    const RawResponse probe = fetch("breaker.localhost", "/status/200");
    QCOMPARE(probe.status, 200);
    QCOMPARE(probe.header("x-origin-name"), std::string("A"));
    QCOMPARE(fetch("breaker.localhost", "/status/201").status, 201);
    QCOMPARE(fetch("breaker.localhost", "/status/202").status, 202);
}

QTEST_GUILESS_MAIN(TestRuntimeActions)
#include "tst_runtimeactions.moc"
