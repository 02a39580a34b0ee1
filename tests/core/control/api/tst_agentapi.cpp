// SPDX-License-Identifier: Apache-2.0
// The agent API over the route table (ApiService): DNS-rebinding guard,
// endpoint CRUD with upsert, status.
#include "apitesthelpers.h"
#include "control/api/apiservice.h"
#include "control/endpointregistry.h"
#include "control/store.h"
#include "policy/celexpressioncompiler.h"

#include <QTemporaryDir>
#include <QTest>

using namespace switchyard;

class TestAgentApi : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();

    void routes_data();
    void routes();
    void hostGuard_data();
    void hostGuard();
    void createListGetDelete();
    void upsert();
    void bodyErrors_data();
    void bodyErrors();
    void invalidPolicyDiagnostics();
    void conflictNamesExistingEndpoint();
    void cloudAndOtherAccountsInvisible();
    void metricsProvider();
    void status();

private:
    ApiResponse call(const std::string &method, const std::string &target, const std::string &body = {},
                     const std::string &host = "127.0.0.1:4040");
    void makeService(AgentApi::Options options);
    // Raw strings cannot go into QCOMPARE (moc): call sites use this.
    void expectStatus(const std::string &method, const std::string &target, const std::string &body, int status);

    QTemporaryDir m_dir;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<EndpointRegistry> m_registry;
    std::unique_ptr<ApiService> m_service;
    CelExpressionCompiler m_compiler;
};

void TestAgentApi::initTestCase()
{
    auto store = Store::open(m_dir.path().toStdString());
    QVERIFY(store);
    m_store = std::move(*store);
}

void TestAgentApi::init()
{
    AgentApi::Options options;
    options.allowHosts = {"switchyard.lan"};
    makeService(std::move(options));
}

void TestAgentApi::makeService(AgentApi::Options options)
{
    m_service.reset();
    m_registry = std::make_unique<EndpointRegistry>();
    ApiService::Options all;
    all.agent = std::move(options);
    all.agent.compiler = &m_compiler;
    m_service = std::make_unique<ApiService>(*m_store, *m_registry, std::move(all));
}

ApiResponse TestAgentApi::call(const std::string &method, const std::string &target, const std::string &body,
                               const std::string &host)
{
    return m_service->handle(apiRequest(method, target, body, {}, host));
}

void TestAgentApi::expectStatus(const std::string &method, const std::string &target, const std::string &body,
                                int status)
{
    const ApiResponse response = call(method, target, body);
    QVERIFY2(response.status == status, (method + " " + target + " gave " + std::to_string(response.status) + ": "
                                         + response.body).c_str());
}

void TestAgentApi::routes_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("body");
    QTest::addColumn<int>("status");
    const QString web = R"({"name":"web","url":"https://web.localhost","upstream":{"url":"8080"}})";
    const QString api = R"({"url":"https://api.localhost","upstream":{"url":"9090"}})";
    QTest::newRow("list") << "GET" << "/api/endpoints" << "" << 200;
    QTest::newRow("get") << "GET" << "/api/endpoints/web" << "" << 200;
    QTest::newRow("get unknown") << "GET" << "/api/endpoints/nope" << "" << 404;
    QTest::newRow("post") << "POST" << "/api/endpoints" << R"({"name":"new","url":"https://new.localhost","upstream":{"url":"8081"}})" << 201;
    QTest::newRow("put create") << "PUT" << "/api/endpoints/api" << api << 201;
    QTest::newRow("put replace") << "PUT" << "/api/endpoints/web" << web << 200;
    QTest::newRow("delete") << "DELETE" << "/api/endpoints/web" << "" << 204;
    QTest::newRow("delete unknown") << "DELETE" << "/api/endpoints/nope" << "" << 404;
    QTest::newRow("status") << "GET" << "/api/status" << "" << 200;
    QTest::newRow("patch not allowed") << "PATCH" << "/api/endpoints/web" << "" << 405;
    QTest::newRow("post on item") << "POST" << "/api/endpoints/web" << "" << 405;
    QTest::newRow("unknown") << "GET" << "/api/tunnels" << "" << 404;
    QTest::newRow("query refused") << "GET" << "/api/endpoints?x=1" << "" << 400;
    QTest::newRow("body on get") << "GET" << "/api/endpoints" << "{}" << 400;
}

void TestAgentApi::routes()
{
    QFETCH(QString, method);
    QFETCH(QString, target);
    QFETCH(QString, body);
    QFETCH(int, status);
    expectStatus("POST", "/api/endpoints", R"({"name":"web","url":"https://web.localhost","upstream":{"url":"8080"}})", 201);
    const ApiResponse response = call(method.toStdString(), target.toStdString(), body.toStdString());
    QCOMPARE(response.status, status);
    if (status >= 400)
        QCOMPARE(errorShapeProblem(response), QString());
    if (status == 204)
        QCOMPARE(response.body, std::string());
}

void TestAgentApi::hostGuard_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("status");
    QTest::newRow("127.0.0.1") << "127.0.0.1:4040" << 200;
    QTest::newRow("localhost") << "localhost:4040" << 200;
    QTest::newRow("::1") << "[::1]:4040" << 200;
    QTest::newRow("allow-listed") << "switchyard.lan:4040" << 200;
    QTest::newRow("rebinding") << "attacker.example:4040" << 403;
    QTest::newRow("lan ip") << "192.168.0.10:4040" << 403;
    QTest::newRow("no host") << "" << 403;
}

void TestAgentApi::hostGuard()
{
    QFETCH(QString, host);
    QFETCH(int, status);
    const std::string h = host.toStdString();
    for (const auto &[method, target, body] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"GET", "/api/endpoints", ""},
             {"GET", "/api/status", ""},
             {"GET", "/api/endpoints/x", ""},
             {"POST", "/api/endpoints", R"({"name":"g","url":"https://g.localhost","upstream":{"url":"1"}})"},
             {"PUT", "/api/endpoints/g", R"({"url":"https://g.localhost","upstream":{"url":"1"}})"},
             {"DELETE", "/api/endpoints/g", ""}}) {
        const ApiResponse response = call(method, target, body, h);
        if (status == 403) {
            QCOMPARE(response.status, 403);
            QCOMPARE(errorShapeProblem(response), QString());
            QCOMPARE(errorCodeOf(response), QString("ERR_SWITCHYARD_403"));
        } else {
            QVERIFY2(response.status != 403, (method + " " + target).c_str());
        }
    }
    QCOMPARE(m_registry->snapshot()->endpoints().size(), std::size_t(0)); // POST+PUT then DELETE, or nothing
}

void TestAgentApi::createListGetDelete()
{
    const ApiResponse created = call(
        "POST", "/api/endpoints",
        R"({"name":"web","url":"https://web.internal","upstream":{"url":"8080","protocol":"http1"},"pooling_enabled":true,
            "description":"d","metadata":"m","traffic_policy":{"on_http_request":[{"actions":[{"type":"add-headers","config":{"headers":{"x":"y"}}}]}]}})");
    QCOMPARE(created.status, 201);
    const QJsonObject o = jsonOf(created);
    QCOMPARE(o.value("name").toString(), QString("web"));
    QCOMPARE(o.value("uri").toString(), QString("/api/endpoints/web"));
    QCOMPARE(o.value("url").toString(), QString("https://web.internal"));
    QCOMPARE(o.value("bindings").toArray(), QJsonArray{"internal"});
    QCOMPARE(o.value("upstream").toObject(), (QJsonObject{{"url", "http://localhost:8080"}, {"protocol", "http1"}}));
    QCOMPARE(o.value("inspect").toBool(), true);
    QCOMPARE(o.value("pooling_enabled").toBool(), true);
    const QString compactPolicy =
        R"({"on_http_request":[{"actions":[{"config":{"headers":{"x":"y"}},"type":"add-headers"}]}]})";
    QCOMPARE(o.value("traffic_policy").toString(), compactPolicy);
    QCOMPARE(o.value("description").toString(), QString("d"));
    QVERIFY(o.value("id").toString().startsWith("ep_"));

    const EndpointPtr live = m_registry->snapshot()->endpointByName(Account::DefaultId, "web");
    QVERIFY(live);
    QVERIFY(live->type == EndpointType::Agent);
    QCOMPARE(live->upstream->port(), 8080);

    // A numeric upstream url, as config files write it.
    expectStatus("POST", "/api/endpoints", R"({"name":"n","url":"http://n.localhost","upstream":{"url":9000}})", 201);

    const QJsonObject list = jsonOf(call("GET", "/api/endpoints"));
    QCOMPARE(list.value("uri").toString(), QString("/api/endpoints"));
    QCOMPARE(list.value("endpoints").toArray().size(), 2);
    QCOMPARE(list.value("endpoints").toArray().first().toObject(), o);

    const QJsonObject got = jsonOf(call("GET", "/api/endpoints/web"));
    QCOMPARE(got.value("metrics").toObject(), AgentApi::zeroMetrics());
    QJsonObject withoutMetrics = got;
    withoutMetrics.remove("metrics");
    QCOMPARE(withoutMetrics, o);
    QCOMPARE(got.value("metrics").toObject().value("conns").toObject().keys(),
             (QStringList{"count", "gauge", "p50", "p90", "p95", "p99", "rate1", "rate15", "rate5"}));

    // Duplicate name: 409, nothing changes.
    const auto generation = m_registry->snapshot()->generation();
    const ApiResponse duplicate =
        call("POST", "/api/endpoints", R"({"name":"web","url":"https://other.localhost","upstream":{"url":"1"}})");
    QCOMPARE(duplicate.status, 409);
    QCOMPARE(errorCodeOf(duplicate), QString("ERR_SWITCHYARD_334"));
    QCOMPARE(m_registry->snapshot()->generation(), generation);

    QCOMPARE(call("DELETE", "/api/endpoints/web").status, 204);
    QCOMPARE(call("GET", "/api/endpoints/web").status, 404);
    QCOMPARE(call("DELETE", "/api/endpoints/web").status, 404);
    QCOMPARE(jsonOf(call("GET", "/api/endpoints")).value("endpoints").toArray().size(), 1);
}

void TestAgentApi::upsert()
{
    const ApiResponse created = call("PUT", "/api/endpoints/svc", R"({"url":"https://svc.localhost","upstream":{"url":"8080"}})");
    QCOMPARE(created.status, 201);
    const QString id = jsonOf(created).value("id").toString();
    QCOMPARE(jsonOf(created).value("name").toString(), QString("svc"));

    const ApiResponse replaced =
        call("PUT", "/api/endpoints/svc", R"({"name":"svc","url":"https://svc2.localhost","upstream":{"url":"9090"}})");
    QCOMPARE(replaced.status, 200);
    QCOMPARE(jsonOf(replaced).value("id").toString(), id); // same endpoint, replaced in place
    QCOMPARE(jsonOf(replaced).value("url").toString(), QString("https://svc2.localhost"));
    QCOMPARE(jsonOf(replaced).value("upstream").toObject().value("url").toString(), QString("http://localhost:9090"));
    QCOMPARE(m_registry->snapshot()->endpoints().size(), std::size_t(1));

    const ApiResponse mismatch = call("PUT", "/api/endpoints/svc", R"({"name":"other","url":"https://svc.localhost","upstream":{"url":"1"}})");
    QCOMPARE(mismatch.status, 400);
    QVERIFY(messageOf(mismatch).contains("does not match the name in the path, 'svc'"));
    // Names with escapes in the path.
    expectStatus("PUT", "/api/endpoints/my%20svc", R"({"url":"https://spaced.localhost","upstream":{"url":"1"}})", 201);
    QCOMPARE(jsonOf(call("GET", "/api/endpoints/my%20svc")).value("uri").toString(), QString("/api/endpoints/my%20svc"));
}

void TestAgentApi::bodyErrors_data()
{
    QTest::addColumn<QString>("body");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("msg");
    QTest::newRow("malformed") << "{\"name\": }" << "ERR_SWITCHYARD_213" << "*at byte offset 9";
    QTest::newRow("missing name") << R"({"url":"https://a.localhost","upstream":{"url":"1"}})" << "ERR_SWITCHYARD_18015"
                                  << "Invalid field \"name\": an agent endpoint needs a name";
    QTest::newRow("missing url") << R"({"name":"a","upstream":{"url":"1"}})" << "ERR_SWITCHYARD_18015" << "*give the endpoint's URL";
    QTest::newRow("missing upstream") << R"({"name":"a","url":"https://a.localhost"})" << "ERR_SWITCHYARD_18015"
                                      << "*give the upstream";
    QTest::newRow("upstream without url") << R"({"name":"a","url":"https://a.localhost","upstream":{}})"
                                          << "ERR_SWITCHYARD_18015" << "*\"upstream.url\": missing";
    QTest::newRow("upstream unknown field") << R"({"name":"a","url":"https://a.localhost","upstream":{"url":"1","addr":"x"}})"
                                            << "ERR_SWITCHYARD_18014" << "*\"upstream.addr\": unknown field";
    QTest::newRow("http2") << R"({"name":"a","url":"https://a.localhost","upstream":{"url":"1","protocol":"http2"}})"
                           << "ERR_SWITCHYARD_18014" << "*only \"http1\" is supported";
    QTest::newRow("bad upstream") << R"({"name":"a","url":"tcp://a.internal:5432","upstream":{"url":"localhost"}})"
                                  << "ERR_SWITCHYARD_18014" << "*\"upstream.url\": \"localhost\"";
    QTest::newRow("bad url") << R"({"name":"a","url":"https://a b","upstream":{"url":"1"}})" << "ERR_SWITCHYARD_18014"
                             << "*Invalid field \"url\"";
    QTest::newRow("unknown field") << R"({"name":"a","url":"https://a.localhost","upstream":{"url":"1"},"inspect":false})"
                                   << "ERR_SWITCHYARD_18014" << "*unknown field \"inspect\"";
    QTest::newRow("policy number") << R"({"name":"a","url":"https://a.localhost","upstream":{"url":"1"},"traffic_policy":3})"
                                   << "ERR_SWITCHYARD_18014" << "*expected a string (YAML or JSON) or an object, found a number";
    QTest::newRow("binding clash") << R"({"name":"a","url":"https://a.internal","upstream":{"url":"1"},"bindings":["public"]})"
                                   << "ERR_SWITCHYARD_18007" << "*bindings";
}

void TestAgentApi::bodyErrors()
{
    QFETCH(QString, body);
    QFETCH(QString, code);
    QFETCH(QString, msg);
    for (const char *method : {"POST", "PUT"}) {
        const std::string target = std::string(method) == "POST" ? "/api/endpoints" : "/api/endpoints/a";
        const ApiResponse response = call(method, target, body.toStdString());
        if (std::string(method) == "PUT" && code == "ERR_SWITCHYARD_18015" && msg.contains("name"))
            continue; // PUT takes the name from the path: created
        QCOMPARE(errorMismatch(response, 400, code, msg), QString());
    }
    const bool putCreated = code == "ERR_SWITCHYARD_18015" && msg.contains("name");
    QCOMPARE(m_registry->snapshot()->endpoints().size(), std::size_t(putCreated ? 1 : 0));
}

void TestAgentApi::invalidPolicyDiagnostics()
{
    const ApiResponse response =
        call("POST", "/api/endpoints",
             R"({"name":"a","url":"https://a.localhost","upstream":{"url":"1"},"traffic_policy":"on_http_request:\n  - expressions: [\"req.nope == 1\"]\n    actions:\n      - type: deny\n"})");
    QCOMPARE(response.status, 400);
    QCOMPARE(errorCodeOf(response), QString("ERR_SWITCHYARD_18002"));
    const QJsonArray diagnostics = jsonOf(response).value("details").toObject().value("diagnostics").toArray();
    QCOMPARE(diagnostics.size(), 1);
    const QJsonObject d = diagnostics.first().toObject();
    QCOMPARE(d.value("line").toInt(), 2);
    QCOMPARE(d.value("column").toInt(), 24); // at "nope" inside the expression
    QVERIFY2(d.value("message").toString().contains("nope"), qPrintable(d.value("message").toString()));
    // An agent endpoint need not terminate traffic: a policy that only adds headers is fine.
    expectStatus("POST", "/api/endpoints", R"({"name":"b","url":"https://b.localhost","upstream":{"url":"1"},"traffic_policy":"on_http_request:\n  - actions:\n      - type: add-headers\n        config: {headers: {a: b}}\n"})", 201);
}

void TestAgentApi::conflictNamesExistingEndpoint()
{
    expectStatus("POST", "/api/endpoints", R"({"name":"one","url":"https://same.localhost","upstream":{"url":"1"}})", 201);
    const ApiResponse clash = call("POST", "/api/endpoints", R"({"name":"two","url":"https://same.localhost","upstream":{"url":"2"}})");
    QCOMPARE(clash.status, 409);
    QCOMPARE(errorCodeOf(clash), QString("ERR_SWITCHYARD_334"));
    QVERIFY2(messageOf(clash).contains("('one')"), qPrintable(messageOf(clash)));
    QVERIFY(messageOf(clash).contains("--pooling-enabled"));
    // A failed upsert of an existing endpoint leaves the old one running.
    expectStatus("POST", "/api/endpoints", R"({"name":"three","url":"https://three.localhost","upstream":{"url":"3"}})", 201);
    const ApiResponse moved = call("PUT", "/api/endpoints/three", R"({"url":"https://same.localhost","upstream":{"url":"3"}})");
    QCOMPARE(moved.status, 409);
    QCOMPARE(m_registry->snapshot()->endpointByName(Account::DefaultId, "three")->url.host(), std::string("three.localhost"));
}

void TestAgentApi::cloudAndOtherAccountsInvisible()
{
    auto account = m_registry->createAccount("team");
    QVERIFY(account);
    Endpoint foreign;
    foreign.name = "foreign";
    foreign.accountId = account->id;
    foreign.url = *EndpointUrl::parse("https://foreign.internal");
    foreign.binding = Binding::Internal;
    foreign.upstream = *Upstream::parse("1", Scheme::Https);
    QVERIFY(m_registry->add(foreign));
    Endpoint cloud;
    cloud.type = EndpointType::Cloud;
    cloud.name = "cloudy";
    cloud.url = *EndpointUrl::parse("https://cloudy.internal");
    cloud.binding = Binding::Internal;
    cloud.trafficPolicy = "on_http_request: [{actions: [{type: deny}]}]";
    QVERIFY(m_registry->add(cloud));

    QCOMPARE(jsonOf(call("GET", "/api/endpoints")).value("endpoints").toArray().size(), 0);
    QCOMPARE(call("GET", "/api/endpoints/foreign").status, 404);
    QCOMPARE(call("DELETE", "/api/endpoints/cloudy").status, 404);
    QCOMPARE(m_registry->snapshot()->endpoints().size(), std::size_t(2));
    // The same internal URL in the default account does not clash with the other account's.
    expectStatus("POST", "/api/endpoints", R"({"name":"mine","url":"https://foreign.internal","upstream":{"url":"1"}})", 201);
}

void TestAgentApi::metricsProvider()
{
    AgentApi::Options options;
    options.metrics = [](const Endpoint &e) { return QJsonObject{{"for", QString::fromStdString(e.name)}}; };
    makeService(std::move(options));
    expectStatus("POST", "/api/endpoints", R"({"name":"m","url":"https://m.localhost","upstream":{"url":"1"}})", 201);
    QCOMPARE(jsonOf(call("GET", "/api/endpoints/m")).value("metrics").toObject(), (QJsonObject{{"for", "m"}}));
    // The allow list of init() is gone with the new options.
    QCOMPARE(call("GET", "/api/status", {}, "switchyard.lan").status, 403);
}

void TestAgentApi::status()
{
    const ApiResponse response = call("GET", "/api/status");
    QCOMPARE(response.status, 200);
    QCOMPARE(jsonOf(response), (QJsonObject{{"status", "online"},
                                            {"agent_version", SWITCHYARD_VERSION},
                                            {"session", QJsonObject{{"legs", QJsonArray{}}}},
                                            {"uri", "/api/status"}}));
}

QTEST_GUILESS_MAIN(TestAgentApi)
#include "tst_agentapi.moc"
