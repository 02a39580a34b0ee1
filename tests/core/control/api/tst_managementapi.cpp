// SPDX-License-Identifier: Apache-2.0
// The management API over the route table (ApiService), with a real Store
// in a temporary data dir and the real CEL compiler.
#include "managementfixture.h"

#include <QRegularExpression>

class TestManagementApi : public QObject, protected ManagementFixture
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void routes_data();
    void routes();
    void auth_data();
    void auth();
    void versionHeader_data();
    void versionHeader();
    void createReturnsEndpointObject();
    void createErrors_data();
    void createErrors();
    void invalidPolicyDiagnostics_data();
    void invalidPolicyDiagnostics();
    void paging();
    void pagingErrors_data();
    void pagingErrors();
    void getPatchDelete();
    void patchErrors_data();
    void patchErrors();
    void rejectedChangeLeavesStateUntouched();
    void accountIsolation();
    void internalUrlsNamespacedPerAccount();
    void agentEndpointsReadOnly();
    void persistsAcrossReopenedStore();
    void accountCreatedWhileRunning();

};

void TestManagementApi::init()
{
    setUp();
}

void TestManagementApi::cleanup()
{
    tearDown();
}

void TestManagementApi::routes_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("target");
    QTest::addColumn<bool>("withBody");
    QTest::addColumn<int>("status");
    QTest::newRow("list") << "GET" << "/endpoints" << false << 200;
    QTest::newRow("create") << "POST" << "/endpoints" << true << 201;
    QTest::newRow("get") << "GET" << "/endpoints/{id}" << false << 200;
    QTest::newRow("patch") << "PATCH" << "/endpoints/{id}" << true << 200;
    QTest::newRow("delete") << "DELETE" << "/endpoints/{id}" << false << 204;
    QTest::newRow("get unknown") << "GET" << "/endpoints/ep_UNKNOWN" << false << 404;
    QTest::newRow("patch unknown") << "PATCH" << "/endpoints/ep_UNKNOWN" << true << 404;
    QTest::newRow("delete unknown") << "DELETE" << "/endpoints/ep_UNKNOWN" << false << 404;
    QTest::newRow("put not allowed") << "PUT" << "/endpoints/{id}" << true << 405;
    QTest::newRow("delete collection") << "DELETE" << "/endpoints" << false << 405;
    QTest::newRow("unknown resource") << "GET" << "/tunnels" << false << 404;
    QTest::newRow("healthz") << "GET" << "/healthz" << false << 200;
}

void TestManagementApi::routes()
{
    QFETCH(QString, method);
    QFETCH(QString, target);
    QFETCH(bool, withBody);
    QFETCH(int, status);
    const QJsonObject existing = createOk("https://routes.internal");
    const std::string id = existing.value("id").toString().toStdString();
    std::string path = target.toStdString();
    if (auto at = path.find("{id}"); at != std::string::npos)
        path.replace(at, 4, id);
    const std::string body = method == "POST" ? createBody("https://other.internal")
                             : withBody       ? R"({"description":"changed"})"
                                              : "";
    const ApiResponse response = call(method.toStdString(), path, body);
    QCOMPARE(response.status, status);
    if (status >= 400)
        QCOMPARE(errorShapeProblem(response), QString());
    if (status == 204)
        QCOMPARE(response.body, std::string());
    if (target == "/healthz")
        QCOMPARE(response.body, std::string("ok"));
}

void TestManagementApi::auth_data()
{
    QTest::addColumn<QString>("authorization"); // "<none>" = no header
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::newRow("valid") << "Bearer KEY" << 200 << "";
    QTest::newRow("scheme case-insensitive") << "bearer KEY" << 200 << "";
    QTest::newRow("missing") << "<none>" << 401 << "ERR_SWITCHYARD_200";
    QTest::newRow("basic") << "Basic dXNlcjpwYXNz" << 401 << "ERR_SWITCHYARD_201";
    QTest::newRow("no credential") << "Bearer" << 401 << "ERR_SWITCHYARD_201";
    QTest::newRow("not a key") << "Bearer hunter2" << 401 << "ERR_SWITCHYARD_202";
    QTest::newRow("ngrok key") << "Bearer 2abcDEF_ghijklmnopqrstuvwxyz0123456789AB" << 401 << "ERR_SWITCHYARD_202";
    QTest::newRow("unknown key") << "Bearer sy_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" << 401 << "ERR_SWITCHYARD_203";
}

void TestManagementApi::auth()
{
    QFETCH(QString, authorization);
    QFETCH(int, status);
    QFETCH(QString, code);
    std::string header = authorization.toStdString();
    if (auto at = header.find("KEY"); at != std::string::npos)
        header.replace(at, 3, m_key);
    for (const char *target : {"/endpoints", "/endpoints/ep_X"}) {
        const ApiResponse response = call("GET", target, {}, {}, {{"Authorization", header}});
        if (status == 200) {
            QCOMPARE(response.status, std::string(target) == "/endpoints" ? 200 : 404);
            continue;
        }
        QCOMPARE(response.status, status);
        QCOMPARE(errorShapeProblem(response), QString());
        QCOMPARE(errorCodeOf(response), code);
        QCOMPARE(response.header("WWW-Authenticate"), std::optional<std::string_view>("Bearer"));
        // The secret is never echoed back.
        QVERIFY(!QString::fromStdString(response.body).contains("hunter2"));
    }
}

void TestManagementApi::versionHeader_data()
{
    QTest::addColumn<QString>("version");
    QTest::addColumn<int>("status");
    QTest::newRow("2") << "2" << 200;
    QTest::newRow("absent") << "<none>" << 200;
    QTest::newRow("1") << "1" << 400;
    QTest::newRow("3") << "3" << 400;
    QTest::newRow("empty") << "" << 400;
}

void TestManagementApi::versionHeader()
{
    QFETCH(QString, version);
    QFETCH(int, status);
    const ApiResponse response = call("GET", "/endpoints", {}, {}, {{"Ngrok-Version", version.toStdString()}});
    QCOMPARE(response.status, status);
    if (status == 400) {
        QCOMPARE(errorCodeOf(response), QString("ERR_SWITCHYARD_217"));
        QCOMPARE(messageOf(response), "The API version '" + version
                                          + "' in the Ngrok-Version header is invalid or unsupported. Supported "
                                            "versions: 2.");
    }
}

void TestManagementApi::createReturnsEndpointObject()
{
    const ApiResponse response =
        call("POST", "/endpoints",
             createBody("https://Example.internal:8443", HelloJson,
                        R"({"type":"cloud","description":"hello","metadata":"{\"team\":\"x\"}","pooling_enabled":true,"bindings":["internal"]})"));
    QCOMPARE(response.status, 201);
    const QJsonObject o = jsonOf(response);
    const QString id = o.value("id").toString();
    QVERIFY2(QRegularExpression("^ep_[A-Z2-7]{26}$").match(id).hasMatch(), qPrintable(id));
    QCOMPARE(o.value("type").toString(), QString("cloud"));
    QCOMPARE(o.value("url").toString(), QString("https://example.internal:8443"));
    QCOMPARE(o.value("public_url").toString(), QString("https://example.internal:8443"));
    QCOMPARE(o.value("proto").toString(), QString("https"));
    QCOMPARE(o.value("scheme").toString(), QString("https"));
    QCOMPARE(o.value("host").toString(), QString("example.internal"));
    QCOMPARE(o.value("port").toInt(), 8443);
    QCOMPARE(o.value("hostport").toString(), QString("example.internal:8443"));
    QCOMPARE(o.value("bindings").toArray(), QJsonArray{"internal"});
    QCOMPARE(o.value("pooling_enabled").toBool(), true);
    QCOMPARE(o.value("traffic_policy").toString(), QString(HelloJson));
    QCOMPARE(o.value("description").toString(), QString("hello"));
    QCOMPARE(o.value("metadata").toString(), QString(R"({"team":"x"})"));
    QCOMPARE(o.value("created_at").toString(), QString("2026-11-27T22:00:01Z"));
    QCOMPARE(o.value("updated_at").toString(), QString("2026-11-27T22:00:01Z"));
    QCOMPARE(o.value("uri").toString(), "http://127.0.0.1:4040/endpoints/" + id);
    QVERIFY(!o.contains("upstream_url"));
    QCOMPARE(response.header("Content-Type"), std::optional<std::string_view>("application/json"));

    // In the registry (atomically applied) and in the store.
    const EndpointPtr live = m_registry->snapshot()->endpoint(id.toStdString());
    QVERIFY(live);
    QVERIFY(live->type == EndpointType::Cloud);
    QVERIFY(live->binding == Binding::Internal);
    QCOMPARE(storedCount(), 1);

    // Public binding is inferred for a public host; port left out when default.
    const QJsonObject pub = createOk("https://app.localhost");
    QCOMPARE(pub.value("bindings").toArray(), QJsonArray{"public"});
    QCOMPARE(pub.value("port").toInt(), 443);
    QCOMPARE(pub.value("hostport").toString(), QString("app.localhost:443"));
    QVERIFY(!pub.contains("description"));
}

void TestManagementApi::createErrors_data()
{
    QTest::addColumn<QString>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("msg"); // exact, or "*part" for contains
    const QString pol = QString::fromUtf8(QJsonDocument(QJsonObject{{"traffic_policy", DenyAll}}).toJson(QJsonDocument::Compact))
                            .mid(1)
                            .chopped(1);
    auto with = [&](const QString &fields) { return "{" + pol + "," + fields + "}"; };

    QTest::newRow("malformed json") << "{\"url\": \"https://a.internal\",}" << 400 << "ERR_SWITCHYARD_213"
                                    << "*at byte offset 29";
    QTest::newRow("array body") << "[]" << 400 << "ERR_SWITCHYARD_213"
                                << "The request body is not valid JSON: expected a JSON object at byte offset 0, found an array";
    QTest::newRow("unknown field") << with("\"url\":\"https://a.internal\",\"pooling\":true") << 400
                                   << "ERR_SWITCHYARD_18014" << "*unknown field \"pooling\"; known fields: url type bindings";
    QTest::newRow("typo field") << with("\"url\":\"https://a.internal\",\"pooling_enable\":true") << 400
                                << "ERR_SWITCHYARD_18014" << "*did you mean \"pooling_enabled\"?";
    QTest::newRow("wrong type") << with("\"url\":\"https://a.internal\",\"pooling_enabled\":\"yes\"") << 400
                                << "ERR_SWITCHYARD_18014"
                                << "Invalid field \"pooling_enabled\": expected a boolean (true or false), found a string";
    QTest::newRow("url number") << with("\"url\":443") << 400 << "ERR_SWITCHYARD_18014"
                                << "Invalid field \"url\": expected a string, found a number";
    QTest::newRow("type agent") << with("\"url\":\"https://a.internal\",\"type\":\"agent\"") << 400
                                << "ERR_SWITCHYARD_248" << "*only \"cloud\" endpoints";
    QTest::newRow("missing url") << "{" + pol + "}" << 400 << "ERR_SWITCHYARD_18015" << "*needs a URL";
    QTest::newRow("no scheme") << with("\"url\":\"a.internal\"") << 400 << "ERR_SWITCHYARD_18001"
                               << "*not a fully qualified URL";
    QTest::newRow("bad url") << with("\"url\":\"https://bad_host.internal\"") << 400 << "ERR_SWITCHYARD_18001" << "*bad_host";
    QTest::newRow("two bindings") << with("\"url\":\"https://a.internal\",\"bindings\":[\"internal\",\"public\"]")
                                  << 400 << "ERR_SWITCHYARD_18007" << "*exactly one binding";
    QTest::newRow("kubernetes") << with("\"url\":\"https://a.internal\",\"bindings\":[\"kubernetes\"]") << 400
                                << "ERR_SWITCHYARD_18007" << "*kubernetes binding is not supported";
    QTest::newRow("public internal") << with("\"url\":\"https://a.internal\",\"bindings\":[\"public\"]") << 400
                                     << "ERR_SWITCHYARD_18007" << "*Invalid field \"bindings\"";
    QTest::newRow("missing policy") << "{\"url\":\"https://a.internal\"}" << 400 << "ERR_SWITCHYARD_18011"
                                    << "*non-empty traffic policy";
    QTest::newRow("blank policy") << "{\"url\":\"https://a.internal\",\"traffic_policy\":\"  \"}" << 400
                                  << "ERR_SWITCHYARD_18011" << "*non-empty traffic policy";
    QTest::newRow("policy as object") << "{\"url\":\"https://a.internal\",\"traffic_policy\":{}}" << 400
                                      << "ERR_SWITCHYARD_18014" << "*expected a string, found an object";
    QTest::newRow("long description") << with("\"url\":\"https://a.internal\",\"description\":\"" + QString(256, 'd') + "\"")
                                      << 400 << "ERR_SWITCHYARD_18014"
                                      << "Invalid field \"description\": at most 255 bytes, found 256";
    QTest::newRow("long metadata") << with("\"url\":\"https://a.internal\",\"metadata\":\"" + QString(4097, 'm') + "\"")
                                   << 400 << "ERR_SWITCHYARD_100"
                                   << "Invalid field \"metadata\": at most 4096 bytes, found 4097";
    QTest::newRow("empty body") << "" << 400 << "ERR_SWITCHYARD_213"
                                << "The request body is not valid JSON: the body is empty; send a JSON object";
    QTest::newRow("oversize") << "{\"description\":\"" + QString(1024 * 1024, 'x') + "\"}" << 413
                              << "ERR_SWITCHYARD_413" << "*the API accepts at most 1048576 bytes";
    QTest::newRow("query not taken") << "?x=1" << 400 << "ERR_SWITCHYARD_231" << "*does not take";
    QTest::newRow("text body") << "content-type" << 415 << "ERR_SWITCHYARD_210" << "*send 'Content-Type: application/json'";
}

void TestManagementApi::createErrors()
{
    QFETCH(QString, body);
    QFETCH(int, status);
    QFETCH(QString, code);
    QFETCH(QString, msg);
    ApiResponse response;
    const std::string valid = createBody("https://a.internal");
    if (body == "?x=1")
        response = call("POST", "/endpoints?x=1", valid);
    else if (body == "content-type")
        response = call("POST", "/endpoints", valid, {}, {{"Content-Type", "text/plain"}});
    else
        response = call("POST", "/endpoints", body.toStdString());
    QCOMPARE(errorMismatch(response, status, code, msg), QString());
    QCOMPARE(storedCount(), 0);
    QCOMPARE(m_registry->snapshot()->endpoints().size(), std::size_t(0));
}

void TestManagementApi::invalidPolicyDiagnostics_data()
{
    QTest::addColumn<QString>("policy");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("message"); // part of the expected diagnostic's message
    QTest::newRow("yaml unknown action") << "on_http_request:\n  - actions:\n      - type: dney\n" << 3 << 15
                                         << "unknown action type 'dney'";
    QTest::newRow("yaml bad cel") << "on_http_request:\n  - expressions: [\"req.method ==\"]\n    actions:\n      - type: deny\n"
                                  << 2 << 33 << "unexpected end of expression";
    QTest::newRow("yaml syntax") << "on_http_request:\n  - actions: [\n" << 3 << 1 << "";
    QTest::newRow("json trailing comma")
        << "{\"on_http_request\": [{\"actions\": [{\"type\": \"deny\"},]}]}" << 1 << 52 << "";
    QTest::newRow("json unknown phase") << "{\n  \"on_http_requests\": []\n}" << 2 << 3
                                        << "unknown phase 'on_http_requests'; did you mean 'on_http_request'?";
    QTest::newRow("does not terminate")
        << "on_http_request:\n  - actions:\n      - type: add-headers\n        config: {headers: {a: b}}\n" << 0 << 0
        << "cloud";
}

void TestManagementApi::invalidPolicyDiagnostics()
{
    QFETCH(QString, policy);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, message);
    const ApiResponse response = call("POST", "/endpoints", createBody("https://a.internal", policy.toStdString()));
    QCOMPARE(response.status, 400);
    QCOMPARE(errorShapeProblem(response), QString());
    QCOMPARE(errorCodeOf(response), QString("ERR_SWITCHYARD_18002"));
    const QJsonArray diagnostics = jsonOf(response).value("details").toObject().value("diagnostics").toArray();
    QJsonObject found;
    for (const QJsonValue &d : diagnostics)
        if (found.isEmpty() && d.toObject().value("message").toString().contains(message))
            found = d.toObject();
    QVERIFY2(!found.isEmpty(), response.body.c_str());
    QCOMPARE(found.keys(), (QStringList{"column", "line", "message", "path", "severity"}));
    QCOMPARE(found.value("severity").toString(), QString("error"));
    if (line > 0) {
        QCOMPARE(found.value("line").toInt(), line);
        QCOMPARE(found.value("column").toInt(), column);
    }
    QVERIFY(messageOf(response).startsWith("The traffic policy is invalid ("));
    QCOMPARE(storedCount(), 0);
}

void TestManagementApi::paging()
{
    std::vector<QString> ids; // oldest first
    for (int i = 0; i < 5; ++i)
        ids.push_back(createOk("https://p" + std::to_string(i) + ".internal").value("id").toString());

    const QJsonObject all = jsonOf(call("GET", "/endpoints"));
    QCOMPARE(all.value("uri").toString(), QString("http://127.0.0.1:4040/endpoints"));
    QCOMPARE(all.value("next_page_uri"), QJsonValue(QJsonValue::Null));
    const QJsonArray list = all.value("endpoints").toArray();
    QCOMPARE(list.size(), 5);
    for (int i = 0; i < 5; ++i)
        QCOMPARE(list.at(i).toObject().value("id").toString(), ids[static_cast<std::size_t>(4 - i)]); // newest first

    // Follow next_page_uri with limit 2: 2 + 2 + 1, then no next page.
    QStringList seen;
    std::string target = "/endpoints?limit=2";
    int pages = 0;
    while (!target.empty()) {
        const ApiResponse response = call("GET", target);
        QCOMPARE(response.status, 200);
        const QJsonObject page = jsonOf(response);
        for (const QJsonValue &e : page.value("endpoints").toArray())
            seen << e.toObject().value("id").toString();
        ++pages;
        const QJsonValue next = page.value("next_page_uri");
        target.clear();
        if (next.isString()) {
            QVERIFY(next.toString().startsWith("http://127.0.0.1:4040/endpoints?limit=2&before_id=ep_"));
            target = next.toString().mid(QString("http://127.0.0.1:4040").size()).toStdString();
        }
    }
    QCOMPARE(pages, 3);
    QCOMPARE(seen, (QStringList{ids[4], ids[3], ids[2], ids[1], ids[0]}));

    // Exactly limit items left: no next page.
    const QJsonObject tail = jsonOf(call("GET", "/endpoints?limit=2&before_id=" + ids[2].toStdString()));
    QCOMPARE(tail.value("endpoints").toArray().size(), 2);
    QCOMPARE(tail.value("next_page_uri"), QJsonValue(QJsonValue::Null));
    // The oldest has nothing before it.
    QCOMPARE(jsonOf(call("GET", "/endpoints?before_id=" + ids[0].toStdString())).value("endpoints").toArray().size(), 0);
    QCOMPARE(jsonOf(call("GET", "/endpoints?limit=100")).value("endpoints").toArray().size(), 5);
    QCOMPARE(jsonOf(call("GET", "/endpoints?limit=1")).value("endpoints").toArray().size(), 1);
    // The uri follows the Host the client used.
    const ApiResponse viaName = m_service->handle(apiRequest(
        "GET", "/endpoints?limit=4", {}, {{"Authorization", "Bearer " + m_key}}, "localhost:4040"));
    QVERIFY(jsonOf(viaName).value("next_page_uri").toString().startsWith("http://localhost:4040/endpoints?limit=4&before_id="));
}

void TestManagementApi::pagingErrors_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("msg");
    QTest::newRow("limit 0") << "limit=0" << "ERR_SWITCHYARD_215" << "limit must be a whole number from 1 to 100, not '0'.";
    QTest::newRow("limit 101") << "limit=101" << "ERR_SWITCHYARD_215" << "limit must be a whole number from 1 to 100, not '101'.";
    QTest::newRow("limit negative") << "limit=-1" << "ERR_SWITCHYARD_215" << "limit must be a whole number from 1 to 100, not '-1'.";
    QTest::newRow("limit text") << "limit=ten" << "ERR_SWITCHYARD_215" << "limit must be a whole number from 1 to 100, not 'ten'.";
    QTest::newRow("limit empty") << "limit=" << "ERR_SWITCHYARD_215" << "limit must be a whole number from 1 to 100, not ''.";
    QTest::newRow("before_id unknown") << "before_id=ep_NOPE" << "ERR_SWITCHYARD_215"
                                       << "before_id 'ep_NOPE' is not an endpoint of this account (it may have been "
                                          "deleted); list again without before_id.";
    QTest::newRow("unknown parameter") << "filter=obj.type" << "ERR_SWITCHYARD_231"
                                       << "Unknown query parameter 'filter'. Supported: limit, before_id.";
    QTest::newRow("bad escape") << "limit=%zz" << "ERR_SWITCHYARD_215"
                                << "The query is invalid: malformed percent-escape '%zz'";
}

void TestManagementApi::pagingErrors()
{
    QFETCH(QString, query);
    QFETCH(QString, code);
    QFETCH(QString, msg);
    createOk("https://one.internal");
    const ApiResponse response = call("GET", "/endpoints?" + query.toStdString());
    QCOMPARE(response.status, 400);
    QCOMPARE(errorShapeProblem(response), QString());
    QCOMPARE(errorCodeOf(response), code);
    QCOMPARE(messageOf(response), msg);
}

void TestManagementApi::getPatchDelete()
{
    const QJsonObject created = createOk("https://svc.internal");
    const std::string id = created.value("id").toString().toStdString();
    const ApiResponse got = call("GET", "/endpoints/" + id);
    QCOMPARE(got.status, 200);
    QCOMPARE(jsonOf(got), created);

    QJsonObject change{{"description", "new"}, {"traffic_policy", HelloJson}, {"id", QString::fromStdString(id)}};
    const ApiResponse response = call("PATCH", "/endpoints/" + id, QJsonDocument(change).toJson().toStdString());
    QCOMPARE(response.status, 200);
    const QJsonObject after = jsonOf(response);
    QCOMPARE(after.value("description").toString(), QString("new"));
    QCOMPARE(after.value("traffic_policy").toString(), QString(HelloJson));
    QCOMPARE(after.value("created_at"), created.value("created_at"));
    QVERIFY(after.value("updated_at").toString() > created.value("updated_at").toString());
    QCOMPARE(after.value("url"), created.value("url"));
    QCOMPARE(m_registry->snapshot()->endpoint(id)->description, std::string("new"));
    auto revisions = m_store->policyRevisions(id);
    QVERIFY(revisions);
    QCOMPARE(revisions->size(), std::size_t(2));
    QCOMPARE(revisions->back().trafficPolicy, std::string(HelloJson));

    // A new URL re-infers the binding; pooling can be switched.
    const ApiResponse moved = call("PATCH", "/endpoints/" + id, R"({"url":"https://moved.localhost","pooling_enabled":true})");
    QCOMPARE(moved.status, 200);
    QCOMPARE(jsonOf(moved).value("bindings").toArray(), QJsonArray{"public"});
    QCOMPARE(jsonOf(moved).value("pooling_enabled").toBool(), true);

    const ApiResponse deleted = call("DELETE", "/endpoints/" + id);
    QCOMPARE(deleted.status, 204);
    QCOMPARE(deleted.body, std::string());
    QCOMPARE(call("GET", "/endpoints/" + id).status, 404);
    QCOMPARE(call("DELETE", "/endpoints/" + id).status, 404);
    QCOMPARE(storedCount(), 0);
    QVERIFY(!m_registry->snapshot()->endpoint(id));
}

void TestManagementApi::patchErrors_data()
{
    QTest::addColumn<QString>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("msg");
    QTest::newRow("empty object") << "{}" << 400 << "ERR_SWITCHYARD_18004" << "*has no values";
    QTest::newRow("only id") << "{\"id\":\"ID\"}" << 400 << "ERR_SWITCHYARD_18004" << "*has no values";
    QTest::newRow("only nulls") << "{\"description\":null}" << 400 << "ERR_SWITCHYARD_18004" << "*has no values";
    QTest::newRow("other id") << "{\"id\":\"ep_OTHER\",\"description\":\"x\"}" << 400 << "ERR_SWITCHYARD_18014"
                              << "*does not match the endpoint in the path";
    QTest::newRow("type not updatable") << "{\"type\":\"cloud\"}" << 400 << "ERR_SWITCHYARD_18014"
                                        << "*unknown field \"type\"";
    QTest::newRow("scheme change") << "{\"url\":\"http://svc.internal\"}" << 400 << "ERR_SWITCHYARD_18005"
                                   << "*the scheme cannot change in place (https to http)";
    QTest::newRow("empty policy") << "{\"traffic_policy\":\"\"}" << 400 << "ERR_SWITCHYARD_18011" << "*non-empty";
    QTest::newRow("invalid policy") << "{\"traffic_policy\":\"on_http_request: 3\"}" << 400 << "ERR_SWITCHYARD_18002"
                                    << "*The traffic policy is invalid";
    QTest::newRow("binding clash") << "{\"bindings\":[\"public\"]}" << 400 << "ERR_SWITCHYARD_18007" << "*bindings";
    QTest::newRow("malformed") << "{\"description\":" << 400 << "ERR_SWITCHYARD_213" << "*byte offset 15";
    QTest::newRow("url taken") << "{\"url\":\"https://taken.internal\"}" << 409 << "ERR_SWITCHYARD_18009"
                               << "*https://taken.internal";
}

void TestManagementApi::patchErrors()
{
    QFETCH(QString, body);
    QFETCH(int, status);
    QFETCH(QString, code);
    QFETCH(QString, msg);
    createOk("https://taken.internal");
    const QJsonObject created = createOk("https://svc.internal");
    const std::string id = created.value("id").toString().toStdString();
    const auto generation = m_registry->snapshot()->generation();
    std::string text = body.toStdString();
    if (auto at = text.find("\"ID\""); at != std::string::npos)
        text.replace(at, 4, "\"" + id + "\"");
    const ApiResponse response = call("PATCH", "/endpoints/" + id, text);
    QCOMPARE(errorMismatch(response, status, code, msg), QString());
    // Nothing changed anywhere.
    QCOMPARE(m_registry->snapshot()->generation(), generation);
    QCOMPARE(jsonOf(call("GET", "/endpoints/" + id)), created);
    auto revisions = m_store->policyRevisions(id);
    QVERIFY(revisions);
    QCOMPARE(revisions->size(), std::size_t(1));
}

void TestManagementApi::rejectedChangeLeavesStateUntouched()
{
    const QJsonObject first = createOk("https://one.internal");
    const auto before = m_registry->snapshot();
    auto storedBefore = m_store->cloudEndpoints();
    QVERIFY(storedBefore);

    // A conflict (same URL, no pooling) is refused before anything is written.
    const ApiResponse conflict = call("POST", "/endpoints", createBody("https://one.internal"));
    QCOMPARE(conflict.status, 409);
    QCOMPARE(errorCodeOf(conflict), QString("ERR_SWITCHYARD_18009"));
    QVERIFY2(messageOf(conflict).contains(first.value("id").toString()), qPrintable(messageOf(conflict)));
    // An invalid policy on an update.
    const ApiResponse invalid = call("PATCH", "/endpoints/" + first.value("id").toString().toStdString(),
                                     R"({"traffic_policy":"on_http_request:\n  - actions:\n      - type: nope\n"})");
    QCOMPARE(invalid.status, 400);

    QCOMPARE(m_registry->snapshot(), before); // the very same snapshot: nothing was published
    auto storedAfter = m_store->cloudEndpoints();
    QVERIFY(storedAfter);
    QCOMPARE(*storedAfter, *storedBefore);

    // Pooling on both sides is not a conflict.
    const QJsonObject poolA = jsonOf(call("POST", "/endpoints", createBody("https://pool.internal", DenyAll, R"({"pooling_enabled":true})")));
    const ApiResponse poolB = call("POST", "/endpoints", createBody("https://pool.internal", DenyAll, R"({"pooling_enabled":true})"));
    QCOMPARE(poolB.status, 201);
    QVERIFY(jsonOf(poolB).value("id") != poolA.value("id"));
}

void TestManagementApi::accountIsolation()
{
    const QJsonObject mine = createOk("https://mine.internal");
    const std::string id = mine.value("id").toString().toStdString();
    const QJsonObject theirs = createOk("https://theirs.internal", DenyAll, m_otherKey);

    for (const char *method : {"GET", "PATCH", "DELETE"}) {
        const ApiResponse response =
            call(method, "/endpoints/" + id, std::string(method) == "PATCH" ? R"({"description":"x"})" : "", m_otherKey);
        QCOMPARE(response.status, 403);
        QCOMPARE(errorCodeOf(response), QString("ERR_SWITCHYARD_18008"));
        QCOMPARE(errorShapeProblem(response), QString());
    }
    const QJsonArray otherList = jsonOf(call("GET", "/endpoints", {}, m_otherKey)).value("endpoints").toArray();
    QCOMPARE(otherList.size(), 1);
    QCOMPARE(otherList.first().toObject().value("id"), theirs.value("id"));
    const QJsonArray myList = jsonOf(call("GET", "/endpoints")).value("endpoints").toArray();
    QCOMPARE(myList.size(), 1);
    QCOMPARE(myList.first().toObject().value("id"), mine.value("id"));
    // Another account's id cannot be used for paging either.
    QCOMPARE(call("GET", "/endpoints?before_id=" + theirs.value("id").toString().toStdString()).status, 400);
    QCOMPARE(m_registry->snapshot()->endpoint(id)->description, std::string());
}

void TestManagementApi::internalUrlsNamespacedPerAccount()
{
    const QJsonObject a = createOk("https://api.internal");
    const QJsonObject b = createOk("https://api.internal", DenyAll, m_otherKey);
    QVERIFY(a.contains("id"));
    QVERIFY(b.contains("id"));
    QVERIFY(a.value("id") != b.value("id"));
    // Within one account the URL is taken.
    QCOMPARE(call("POST", "/endpoints", createBody("https://api.internal"), m_otherKey).status, 409);
    // Public URLs are machine-wide: a second account cannot take one.
    createOk("https://shared.localhost");
    const ApiResponse publicClash = call("POST", "/endpoints", createBody("https://shared.localhost"), m_otherKey);
    QCOMPARE(publicClash.status, 409);
    // A forward-internal target in another account is not visible: the
    // policy validates as for a missing target (a warning), never reaching it.
    const auto snapshot = m_registry->snapshot();
    const auto *poolA = snapshot->lookup(Binding::Internal, Account::DefaultId, Scheme::Https, "api.internal", 443);
    QVERIFY(poolA);
    QCOMPARE(QString::fromStdString(poolA->members.front()->id), a.value("id").toString());
}

void TestManagementApi::agentEndpointsReadOnly()
{
    Endpoint agent;
    agent.name = "web";
    agent.type = EndpointType::Agent;
    agent.url = *EndpointUrl::parse("https://web.localhost");
    agent.upstream = *Upstream::parse("8080", Scheme::Https);
    auto added = m_registry->add(agent);
    QVERIFY(added);
    const std::string id = (*added)->id;
    createOk("https://cloud.internal");

    const QJsonArray list = jsonOf(call("GET", "/endpoints")).value("endpoints").toArray();
    QCOMPARE(list.size(), 2);
    QJsonObject listed;
    for (const QJsonValue &v : list)
        if (v.toObject().value("id").toString().toStdString() == id)
            listed = v.toObject();
    QCOMPARE(listed.value("type").toString(), QString("agent"));
    QCOMPARE(listed.value("name").toString(), QString("web"));
    QCOMPARE(listed.value("upstream_url").toString(), QString("http://localhost:8080"));
    QCOMPARE(listed.value("upstream_protocol").toString(), QString("http1"));
    QCOMPARE(call("GET", "/endpoints/" + id).status, 200);
    for (const char *method : {"PATCH", "DELETE"}) {
        const ApiResponse response =
            call(method, "/endpoints/" + id, std::string(method) == "PATCH" ? R"({"description":"x"})" : "");
        QCOMPARE(response.status, 400);
        QCOMPARE(errorCodeOf(response), QString("ERR_SWITCHYARD_248"));
    }
    QVERIFY(m_registry->snapshot()->endpoint(id));
    // Not persisted: agent endpoints live with their agent.
    QCOMPARE(storedCount(), 1);
}

void TestManagementApi::persistsAcrossReopenedStore()
{
    const QJsonObject a = createOk("https://keep.internal");
    const std::string id = a.value("id").toString().toStdString();
    const QJsonObject b = createOk("https://other.internal", HelloJson, m_otherKey);
    const ApiResponse patched = call("PATCH", "/endpoints/" + id, R"({"description":"kept","metadata":"m"})");
    QCOMPARE(patched.status, 200);
    const QJsonObject deletedLater = createOk("https://gone.internal");
    QCOMPARE(call("DELETE", "/endpoints/" + deletedLater.value("id").toString().toStdString()).status, 204);

    reopen(); // a restart: new Store, new registry loaded from it

    QCOMPARE(jsonOf(call("GET", "/endpoints/" + id)), jsonOf(patched));
    QCOMPARE(jsonOf(call("GET", "/endpoints/" + b.value("id").toString().toStdString(), {}, m_otherKey)), b);
    QCOMPARE(call("GET", "/endpoints/" + deletedLater.value("id").toString().toStdString()).status, 404);
    QCOMPARE(jsonOf(call("GET", "/endpoints")).value("endpoints").toArray().size(), 1);
    const EndpointPtr live = m_registry->snapshot()->endpoint(id);
    QVERIFY(live);
    QCOMPARE(live->metadata, std::string("m"));
    QVERIFY(live->type == EndpointType::Cloud);
    // Namespacing survives the reload: the other account's endpoint is in its own account.
    QVERIFY(m_registry->snapshot()->endpoint(b.value("id").toString().toStdString())->accountId != Account::DefaultId);
}

void TestManagementApi::accountCreatedWhileRunning()
{
    const auto [account, key] = addAccount("late");
    QVERIFY(!key.empty());
    const auto created = &account;
    QVERIFY(!m_registry->snapshot()->account(created->id));
    const ApiResponse response = call("POST", "/endpoints", createBody("https://late.internal"), key);
    QCOMPARE(response.status, 201);
    QVERIFY(m_registry->snapshot()->account(created->id));
    QCOMPARE(m_registry->snapshot()->endpoint(jsonOf(response).value("id").toString().toStdString())->accountId,
             created->id);
}

QTEST_GUILESS_MAIN(TestManagementApi)
#include "tst_managementapi.moc"
