// SPDX-License-Identifier: Apache-2.0
// tunnel_session on endpoint objects (ngrok-semantics.md §2, §5): the Ref
// {id, uri} of the agent session an endpoint belongs to, in both the agent
// and the management API; null for cloud endpoints and for agent endpoints
// without a session.
#include "apitesthelpers.h"
#include "control/api/agentsessions.h"
#include "control/api/apiservice.h"
#include "control/endpointregistry.h"
#include "control/store.h"
#include "model/account.h"
#include "policy/celexpressioncompiler.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace switchyard;

class TestTunnelSession : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void sessionOf();
    void agentApi();
    void managementApi();
    void nullWithoutSessionTable();

private:
    ApiResponse call(const std::string &method, const std::string &target, const std::string &body = {},
                     std::vector<std::pair<std::string, std::string>> headers = {});
    ApiResponse manage(const std::string &method, const std::string &target, const std::string &body = {});
    // POST /api/sessions; its id.
    std::string openSession();

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<EndpointRegistry> m_registry;
    std::unique_ptr<AgentSessions> m_sessions;
    std::unique_ptr<ApiService> m_service;
    CelExpressionCompiler m_compiler;
    std::string m_key;
};

void TestTunnelSession::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    auto store = Store::open(m_dir->path().toStdString());
    QVERIFY(store);
    m_store = std::move(*store);
    auto key = m_store->createApiKey(Account::DefaultId);
    QVERIFY(key);
    m_key = *key;
    m_registry = std::make_unique<EndpointRegistry>();
    m_sessions = std::make_unique<AgentSessions>(*m_registry);
    ApiService::Options options;
    options.management.compiler = &m_compiler;
    options.agent.compiler = &m_compiler;
    options.agent.sessions = m_sessions.get();
    m_service = std::make_unique<ApiService>(*m_store, *m_registry, std::move(options));
}

void TestTunnelSession::cleanup()
{
    m_service.reset();
    m_sessions.reset();
    m_registry.reset();
    m_store.reset();
    m_dir.reset();
}

ApiResponse TestTunnelSession::call(const std::string &method, const std::string &target, const std::string &body,
                                    std::vector<std::pair<std::string, std::string>> headers)
{
    if (!body.empty())
        headers.emplace_back("Content-Type", "application/json");
    return m_service->handle(apiRequest(method, target, body, std::move(headers)));
}

ApiResponse TestTunnelSession::manage(const std::string &method, const std::string &target, const std::string &body)
{
    return call(method, target, body, {{"Authorization", "Bearer " + m_key}});
}

std::string TestTunnelSession::openSession()
{
    const ApiResponse opened = call("POST", "/api/sessions");
    return jsonOf(opened).value("id").toString().toStdString();
}

void TestTunnelSession::sessionOf()
{
    const std::string a = m_sessions->open();
    const std::string b = m_sessions->open();
    QVERIFY(m_sessions->attach(a, "ep_1"));
    QVERIFY(m_sessions->attach(b, "ep_2"));
    QCOMPARE(m_sessions->sessionOf("ep_1"), std::optional<std::string>(a));
    QCOMPARE(m_sessions->sessionOf("ep_2"), std::optional<std::string>(b));
    QCOMPARE(m_sessions->sessionOf("ep_3"), std::optional<std::string>());
    m_sessions->detach("ep_1");
    QCOMPARE(m_sessions->sessionOf("ep_1"), std::optional<std::string>());
    QVERIFY(m_sessions->close(b));
    QCOMPARE(m_sessions->sessionOf("ep_2"), std::optional<std::string>());
}

void TestTunnelSession::agentApi()
{
    const std::string session = openSession();
    QVERIFY(session.starts_with("as_"));
    const QJsonObject ref{{"id", QString::fromStdString(session)},
                          {"uri", QString::fromStdString("/api/sessions/" + session)}};

    const std::string attached = R"({"name": "attached", "url": "https://attached.internal", "upstream": {"url": "9"}})";
    const ApiResponse created = call("POST", "/api/endpoints", attached, {{"Switchyard-Session", session}});
    QCOMPARE(created.status, 201);
    QCOMPARE(jsonOf(created).value("tunnel_session").toObject(), ref);
    const std::string own = R"({"name": "own", "url": "https://own.internal", "upstream": {"url": "9"}})";
    const ApiResponse plain = call("POST", "/api/endpoints", own);
    QCOMPARE(plain.status, 201);
    QVERIFY(jsonOf(plain).value("tunnel_session").isNull());
    QVERIFY(jsonOf(plain).contains("tunnel_session"));

    QCOMPARE(jsonOf(call("GET", "/api/endpoints/attached")).value("tunnel_session").toObject(), ref);
    QVERIFY(jsonOf(call("GET", "/api/endpoints/own")).value("tunnel_session").isNull());
    int withRef = 0;
    for (const QJsonValue &item : jsonOf(call("GET", "/api/endpoints")).value("endpoints").toArray())
        withRef += item.toObject().value("tunnel_session").toObject() == ref ? 1 : 0;
    QCOMPARE(withRef, 1);

    // An upsert without the header keeps the endpoint in its session.
    const ApiResponse replaced = call("PUT", "/api/endpoints/attached",
                                      R"({"url": "https://attached.internal", "upstream": {"url": "10"}})");
    QCOMPARE(replaced.status, 200);
    QCOMPARE(jsonOf(replaced).value("tunnel_session").toObject(), ref);
}

void TestTunnelSession::managementApi()
{
    const std::string session = openSession();
    const std::string attached = R"({"name": "attached", "url": "https://attached.internal", "upstream": {"url": "9"}})";
    const ApiResponse created = call("POST", "/api/endpoints", attached, {{"Switchyard-Session", session}});
    const std::string id = jsonOf(created).value("id").toString().toStdString();
    const ApiResponse cloud = manage("POST", "/endpoints",
                                     R"({"url": "https://cloud.internal", "traffic_policy": "on_http_request: )"
                                     R"([{actions: [{type: deny}]}]"})");
    QCOMPARE(cloud.status, 201);
    QVERIFY(jsonOf(cloud).contains("tunnel_session"));
    QVERIFY(jsonOf(cloud).value("tunnel_session").isNull());

    const QJsonObject ref{{"id", QString::fromStdString(session)},
                          {"uri", QString::fromStdString("http://127.0.0.1:4040/api/sessions/" + session)}};
    const ApiResponse got = manage("GET", "/endpoints/" + id);
    QCOMPARE(got.status, 200);
    QCOMPARE(jsonOf(got).value("type").toString(), QString("agent"));
    QCOMPARE(jsonOf(got).value("tunnel_session").toObject(), ref);

    // The session ends: its endpoint is gone, and another one without a
    // session shows null.
    QCOMPARE(call("DELETE", "/api/sessions/" + session).status, 204);
    QCOMPARE(manage("GET", "/endpoints/" + id).status, 404);
    const ApiResponse own = call("POST", "/api/endpoints",
                                 R"({"name": "own", "url": "https://own.internal", "upstream": {"url": "9"}})");
    const std::string ownId = jsonOf(own).value("id").toString().toStdString();
    QVERIFY(jsonOf(manage("GET", "/endpoints/" + ownId)).value("tunnel_session").isNull());
}

void TestTunnelSession::nullWithoutSessionTable()
{
    // An ApiService without sessions (no session routes): always null.
    ApiService::Options options;
    options.agent.compiler = &m_compiler;
    ApiService service(*m_store, *m_registry, std::move(options));
    const ApiResponse created = service.handle(apiRequest(
        "POST", "/api/endpoints", R"({"name": "web", "url": "https://web.internal", "upstream": {"url": "9"}})",
        {{"Content-Type", "application/json"}}));
    QCOMPARE(created.status, 201);
    QVERIFY(jsonOf(created).contains("tunnel_session"));
    QVERIFY(jsonOf(created).value("tunnel_session").isNull());
}

QTEST_GUILESS_MAIN(TestTunnelSession)
#include "tst_tunnelsession.moc"
