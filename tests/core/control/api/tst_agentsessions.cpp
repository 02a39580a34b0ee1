// SPDX-License-Identifier: Apache-2.0
// AgentSessions: leases, heartbeats, close and expiry take a session's
// endpoints out of the registry; the session routes of the agent API.
#include "apitesthelpers.h"
#include "control/api/agentsessions.h"
#include "control/api/apiservice.h"
#include "control/endpointregistry.h"
#include "control/store.h"
#include "policy/celexpressioncompiler.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

#include <thread>

using namespace switchyard;
using namespace std::chrono_literals;

namespace {

Endpoint agentEndpoint(const std::string &name, const std::string &url, bool pooled = false)
{
    Endpoint endpoint;
    endpoint.name = name;
    endpoint.url = *EndpointUrl::parse(url);
    endpoint.binding = url.find(".internal") != std::string::npos ? Binding::Internal : Binding::Public;
    endpoint.upstream = *Upstream::parse("8080", endpoint.url.scheme());
    endpoint.poolingEnabled = pooled;
    return endpoint;
}

bool online(const EndpointRegistry &registry, const std::string &id)
{
    for (const EndpointPtr &endpoint : registry.snapshot()->endpoints())
        if (endpoint->id == id)
            return true;
    return false;
}

} // namespace

class TestAgentSessions : public QObject
{
    Q_OBJECT

private slots:
    void leaseRunsOutWithoutHeartbeat();
    void heartbeatExtendsLease();
    void closeRemovesOnlyItsEndpoints();
    void endpointDeletedElsewhereDoesNotBlockOthers();
    void reaperThreadExpires();
    void routes();
    void unknownSessionHeaderCreatesNothing();
};

void TestAgentSessions::leaseRunsOutWithoutHeartbeat()
{
    EndpointRegistry registry;
    AgentSessions sessions(registry, 1500ms);
    const auto t0 = AgentSessions::Clock::now();
    const std::string id = sessions.open(t0);
    QVERIFY(id.starts_with("as_"));
    auto added = registry.add(agentEndpoint("web", "https://web.internal"));
    QVERIFY(added);
    QVERIFY(sessions.attach(id, (*added)->id));
    QCOMPARE(sessions.expire(t0 + 1400ms), 0);
    QVERIFY(online(registry, (*added)->id));
    QCOMPARE(sessions.expire(t0 + 1501ms), 1);
    QVERIFY(!online(registry, (*added)->id));
    QVERIFY(!sessions.info(id));
    QVERIFY(!sessions.heartbeat(id, t0 + 1600ms));
    QVERIFY(!sessions.attach(id, "ep_x"));
}

void TestAgentSessions::heartbeatExtendsLease()
{
    EndpointRegistry registry;
    AgentSessions sessions(registry, 1500ms);
    const auto t0 = AgentSessions::Clock::now();
    const std::string id = sessions.open(t0);
    auto added = registry.add(agentEndpoint("web", "https://web.internal"));
    QVERIFY(added && sessions.attach(id, (*added)->id));
    QVERIFY(sessions.heartbeat(id, t0 + 1000ms));
    QCOMPARE(sessions.expire(t0 + 2000ms), 0);
    QVERIFY(online(registry, (*added)->id));
    QCOMPARE(sessions.info(id)->endpointIds, std::vector<std::string>{(*added)->id});
    QCOMPARE(sessions.expire(t0 + 2501ms), 1);
    QVERIFY(!online(registry, (*added)->id));
}

void TestAgentSessions::closeRemovesOnlyItsEndpoints()
{
    EndpointRegistry registry;
    AgentSessions sessions(registry);
    const std::string a = sessions.open();
    const std::string b = sessions.open();
    auto first = registry.add(agentEndpoint("one", "https://pool.internal", true));
    auto second = registry.add(agentEndpoint("two", "https://pool.internal", true));
    auto loose = registry.add(agentEndpoint("loose", "https://loose.internal"));
    QVERIFY(first && second && loose);
    QVERIFY(sessions.attach(a, (*first)->id));
    QVERIFY(sessions.attach(b, (*second)->id));
    QVERIFY(sessions.close(a));
    QVERIFY(!sessions.close(a));
    QVERIFY(!online(registry, (*first)->id));
    QVERIFY(online(registry, (*second)->id));
    QVERIFY(online(registry, (*loose)->id));
    QCOMPARE(registry.snapshot()->endpoints().size(), std::size_t(2));
}

void TestAgentSessions::endpointDeletedElsewhereDoesNotBlockOthers()
{
    EndpointRegistry registry;
    AgentSessions sessions(registry);
    const std::string id = sessions.open();
    auto first = registry.add(agentEndpoint("one", "https://one.internal"));
    auto second = registry.add(agentEndpoint("two", "https://two.internal"));
    QVERIFY(first && second);
    QVERIFY(sessions.attach(id, (*first)->id));
    QVERIFY(sessions.attach(id, (*second)->id));
    QVERIFY(registry.remove((*first)->id));
    QVERIFY(sessions.close(id));
    QVERIFY(registry.snapshot()->endpoints().empty());
}

void TestAgentSessions::reaperThreadExpires()
{
    EndpointRegistry registry;
    AgentSessions sessions(registry, 200ms);
    sessions.startReaper(20ms);
    const std::string id = sessions.open();
    auto added = registry.add(agentEndpoint("web", "https://web.internal"));
    QVERIFY(added && sessions.attach(id, (*added)->id));
    QElapsedTimer timer;
    timer.start();
    while (online(registry, (*added)->id) && timer.elapsed() < 5000)
        std::this_thread::sleep_for(10ms);
    QVERIFY(!online(registry, (*added)->id));
    QVERIFY2(timer.elapsed() >= 150, qPrintable(QString::number(timer.elapsed())));
    QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
}

void TestAgentSessions::routes()
{
    QTemporaryDir dir;
    auto store = Store::open(dir.path().toStdString());
    QVERIFY(store);
    EndpointRegistry registry;
    AgentSessions sessions(registry);
    CelExpressionCompiler compiler;
    ApiService::Options options;
    options.agent.compiler = &compiler;
    options.agent.sessions = &sessions;
    ApiService service(**store, registry, std::move(options));

    const ApiResponse opened = service.handle(apiRequest("POST", "/api/sessions"));
    QCOMPARE(opened.status, 201);
    const std::string id = jsonOf(opened).value("id").toString().toStdString();
    QVERIFY(sessions.info(id));
    QCOMPARE(jsonOf(opened).value("lease_ms").toInt(), 1500);
    QCOMPARE(jsonOf(opened).value("heartbeat_interval_ms").toInt(), 500);

    const std::string body = R"({"name": "web", "url": "https://web.internal", "upstream": {"url": "8080"}})";
    QCOMPARE(service.handle(apiRequest("POST", "/api/endpoints", body, {{"Switchyard-Session", id}})).status, 201);
    const std::string put = R"({"url": "https://put.internal", "upstream": {"url": "8081"}})";
    QCOMPARE(service.handle(apiRequest("PUT", "/api/endpoints/put", put, {{"Switchyard-Session", id}})).status, 201);
    QCOMPARE(sessions.info(id)->endpointIds.size(), std::size_t(2));

    const ApiResponse beat = service.handle(apiRequest("POST", "/api/sessions/" + id + "/heartbeat"));
    QCOMPARE(beat.status, 200);
    QCOMPARE(jsonOf(beat).value("endpoints").toArray().size(), 2);
    QCOMPARE(service.handle(apiRequest("GET", "/api/sessions/" + id, {}, {}, "evil.example")).status, 403);
    QCOMPARE(service.handle(apiRequest("DELETE", "/api/sessions/" + id)).status, 204);
    QVERIFY(registry.snapshot()->endpoints().empty());
    const ApiResponse gone = service.handle(apiRequest("POST", "/api/sessions/" + id + "/heartbeat"));
    QVERIFY2(errorMismatch(gone, 404, "ERR_SWITCHYARD_404", "*No agent session").isEmpty(),
             qPrintable(errorMismatch(gone, 404, "ERR_SWITCHYARD_404", "*No agent session")));
    const ApiResponse status = service.handle(apiRequest("GET", "/api/status"));
    QCOMPARE(jsonOf(status).value("sessions_uri").toString(), QString("/api/sessions"));
}

void TestAgentSessions::unknownSessionHeaderCreatesNothing()
{
    QTemporaryDir dir;
    auto store = Store::open(dir.path().toStdString());
    QVERIFY(store);
    EndpointRegistry registry;
    AgentSessions sessions(registry);
    ApiService::Options options;
    options.agent.sessions = &sessions;
    ApiService service(**store, registry, std::move(options));
    const std::string body = R"({"name": "web", "url": "https://web.internal", "upstream": {"url": "8080"}})";
    const ApiResponse response =
        service.handle(apiRequest("POST", "/api/endpoints", body, {{"Switchyard-Session", "as_NOPE"}}));
    QCOMPARE(response.status, 404);
    QVERIFY(messageOf(response).contains("as_NOPE"));
    QVERIFY(registry.snapshot()->endpoints().empty());
}

QTEST_GUILESS_MAIN(TestAgentSessions)
#include "tst_agentsessions.moc"
