// SPDX-License-Identifier: Apache-2.0
// The API building blocks: route table, query strings, strict JSON bodies,
// the DNS-rebinding guard.
#include "apitesthelpers.h"
#include "control/api/apiquery.h"
#include "control/api/apirouter.h"
#include "control/api/hostguard.h"
#include "control/api/jsonbody.h"

#include <QTest>

#include <array>

using namespace switchyard;

class TestApiRouter : public QObject
{
    Q_OBJECT

private slots:
    void dispatch_data();
    void dispatch();
    void allowHeaderListsMethods();
    void oversizeBodyIs413();
    void query_data();
    void query();
    void malformedJson_data();
    void malformedJson();
    void fieldErrors_data();
    void fieldErrors();
    void typedFields();
    void hostGuard_data();
    void hostGuard();

private:
    static ApiRouter sampleRouter();
};

ApiRouter TestApiRouter::sampleRouter()
{
    ApiRouter router;
    auto echo = [](std::string tag) {
        return [tag](const ApiRequest &, const RouteParams &p) { return ApiResponse::text(200, tag + ":" + p["id"]); };
    };
    router.add("GET", "/things", echo("list"));
    router.add("POST", "/things", echo("create"));
    router.add("GET", "/things/{id}", echo("get"));
    router.add("DELETE", "/things/{id}", echo("delete"));
    router.add("GET", "/things/{id}/parts", echo("parts"));
    return router;
}

void TestApiRouter::dispatch_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("target");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("body"); // the handler's text, or the error code

    QTest::newRow("list") << "GET" << "/things" << 200 << "list:";
    QTest::newRow("list with query") << "GET" << "/things?limit=2" << 200 << "list:";
    QTest::newRow("create") << "POST" << "/things" << 200 << "create:";
    QTest::newRow("param") << "GET" << "/things/ep_1" << 200 << "get:ep_1";
    QTest::newRow("param decoded") << "GET" << "/things/a%20b%2Fc" << 200 << "get:a b/c";
    QTest::newRow("plus stays plus in a path") << "GET" << "/things/a+b" << 200 << "get:a+b";
    QTest::newRow("nested") << "GET" << "/things/x/parts" << 200 << "parts:x";
    QTest::newRow("delete") << "DELETE" << "/things/x" << 200 << "delete:x";
    QTest::newRow("unknown path") << "GET" << "/nothing" << 404 << "ERR_SWITCHYARD_404";
    QTest::newRow("root") << "GET" << "/" << 404 << "ERR_SWITCHYARD_404";
    QTest::newRow("trailing slash") << "GET" << "/things/" << 404 << "ERR_SWITCHYARD_404";
    QTest::newRow("empty segment") << "GET" << "/things//parts" << 404 << "ERR_SWITCHYARD_404";
    QTest::newRow("too deep") << "GET" << "/things/x/parts/y" << 404 << "ERR_SWITCHYARD_404";
    QTest::newRow("case matters") << "GET" << "/Things" << 404 << "ERR_SWITCHYARD_404";
    QTest::newRow("wrong method on collection") << "PUT" << "/things" << 405 << "ERR_SWITCHYARD_405";
    QTest::newRow("wrong method on item") << "PATCH" << "/things/x" << 405 << "ERR_SWITCHYARD_405";
    QTest::newRow("lower-case method") << "get" << "/things" << 405 << "ERR_SWITCHYARD_405";
    QTest::newRow("bad escape") << "GET" << "/things/%zz" << 400 << "ERR_SWITCHYARD_215";
}

void TestApiRouter::dispatch()
{
    QFETCH(QString, method);
    QFETCH(QString, target);
    QFETCH(int, status);
    QFETCH(QString, body);
    const ApiRouter router = sampleRouter();
    const ApiResponse response = router.handle(apiRequest(method.toStdString(), target.toStdString()));
    QCOMPARE(response.status, status);
    if (status == 200) {
        QCOMPARE(QString::fromStdString(response.body), body);
    } else {
        QCOMPARE(errorShapeProblem(response), QString());
        QCOMPARE(errorCodeOf(response), body);
    }
}

void TestApiRouter::allowHeaderListsMethods()
{
    const ApiRouter router = sampleRouter();
    const ApiResponse collection = router.handle(apiRequest("PATCH", "/things"));
    QCOMPARE(collection.status, 405);
    QCOMPARE(collection.header("Allow"), std::optional<std::string_view>("GET, POST"));
    QCOMPARE(messageOf(collection), QString("The method PATCH is not allowed on '/things'. Allowed: GET, POST."));
    const ApiResponse item = router.handle(apiRequest("POST", "/things/x"));
    QCOMPARE(item.header("Allow"), std::optional<std::string_view>("GET, DELETE"));
    QCOMPARE(router.handle(apiRequest("GET", "/nope")).header("Allow"), std::nullopt);
    QCOMPARE(router.routes().size(), std::size_t(5));
    QCOMPARE(router.routes().at(2), std::string("GET /things/{id}"));
}

void TestApiRouter::oversizeBodyIs413()
{
    ApiRouter router = sampleRouter();
    router.setMaxBodyBytes(10);
    QCOMPARE(router.handle(apiRequest("POST", "/things", std::string(10, 'x'))).status, 200);
    const ApiResponse tooBig = router.handle(apiRequest("POST", "/things", std::string(11, 'x')));
    QCOMPARE(tooBig.status, 413);
    QCOMPARE(errorCodeOf(tooBig), QString("ERR_SWITCHYARD_413"));
    QCOMPARE(messageOf(tooBig), QString("The request body is 11 bytes; the API accepts at most 10 bytes."));
    QCOMPARE(ApiRouter().maxBodyBytes(), std::size_t(1024 * 1024));
}

void TestApiRouter::query_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("decoded"); // name=value pairs joined by '|', or "error: ..."
    QTest::newRow("empty") << "" << "";
    QTest::newRow("two") << "limit=2&before_id=ep_X" << "limit=2|before_id=ep_X";
    QTest::newRow("escapes and plus") << "a=x%20y+z&b=%2F" << "a=x y z|b=/";
    QTest::newRow("no value") << "flag&x=" << "flag=|x=";
    QTest::newRow("empty items skipped") << "&&a=1&" << "a=1";
    QTest::newRow("repeat kept") << "a=1&a=2" << "a=1|a=2";
    QTest::newRow("bad hex") << "a=%G1" << "error: malformed percent-escape '%G1'";
    QTest::newRow("cut escape") << "a=%4" << "error: malformed percent-escape '%4'";
}

void TestApiRouter::query()
{
    QFETCH(QString, query);
    QFETCH(QString, decoded);
    auto parsed = ApiQuery::parse(query.toStdString());
    if (decoded.startsWith("error: ")) {
        QVERIFY(!parsed);
        QCOMPARE(QString::fromStdString(parsed.message()), decoded.mid(7));
        return;
    }
    QVERIFY2(parsed, parsed ? "" : parsed.message().c_str());
    QStringList pairs;
    for (const auto &[name, value] : parsed->items())
        pairs << QString::fromStdString(name + "=" + value);
    QCOMPARE(pairs.join('|'), decoded);
    QCOMPARE(ApiQuery::encode("ep_A b/é"), std::string("ep_A%20b%2F%C3%A9"));
}

void TestApiRouter::malformedJson_data()
{
    QTest::addColumn<QString>("body");
    QTest::addColumn<QString>("message");
    const QString prefix = "The request body is not valid JSON: ";
    QTest::newRow("empty") << "" << prefix + "the body is empty; send a JSON object";
    QTest::newRow("blank") << "  \n" << prefix + "the body is empty; send a JSON object";
    QTest::newRow("trailing comma") << "{\"a\": 1,}" << "byte offset 8";
    QTest::newRow("unquoted key") << "{a: 1}" << "byte offset 1";
    QTest::newRow("cut off") << "{\"url\": \"x\"" << "byte offset 11";
    QTest::newRow("garbage after") << "{} x" << "byte offset 3";
    QTest::newRow("array") << "[1]" << prefix + "expected a JSON object at byte offset 0, found an array";
    QTest::newRow("scalar") << " 3" << prefix + "expected a JSON object at byte offset 1, found a scalar";
    QTest::newRow("duplicate") << "{\"url\": \"a\", \"url\": \"b\"}"
                               << prefix + "the field \"url\" is given more than once";
}

void TestApiRouter::malformedJson()
{
    QFETCH(QString, body);
    QFETCH(QString, message);
    auto parsed = JsonBody::parse(body.toStdString());
    auto *error = std::get_if<ApiError>(&parsed);
    QVERIFY(error);
    QCOMPARE(error->status, 400);
    QCOMPARE(error->code, std::string("ERR_SWITCHYARD_213"));
    const QString msg = QString::fromStdString(error->msg);
    if (message.startsWith("byte offset"))
        QVERIFY2(msg.startsWith("The request body is not valid JSON: ") && msg.endsWith(" at " + message), qPrintable(msg));
    else
        QCOMPARE(msg, message);
}

void TestApiRouter::fieldErrors_data()
{
    QTest::addColumn<QString>("body");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("field");
    QTest::newRow("typo") << "{\"urll\": \"x\"}" << "Invalid field \"urll\": unknown field \"urll\"; did you mean \"url\"?"
                          << "urll";
    QTest::newRow("unknown") << "{\"zzzzzz\": 1}"
                             << "Invalid field \"zzzzzz\": unknown field \"zzzzzz\"; known fields: url enabled tags"
                             << "zzzzzz";
    QTest::newRow("string wanted") << "{\"url\": 5}" << "Invalid field \"url\": expected a string, found a number"
                                   << "url";
    QTest::newRow("bool wanted") << "{\"enabled\": \"yes\"}"
                                 << "Invalid field \"enabled\": expected a boolean (true or false), found a string"
                                 << "enabled";
    QTest::newRow("list wanted") << "{\"tags\": \"a\"}"
                                 << "Invalid field \"tags\": expected an array of strings, found a string" << "tags";
    QTest::newRow("list item") << "{\"tags\": [\"a\", {}]}"
                               << "Invalid field \"tags[1]\": expected a string, found an object" << "tags[1]";
}

void TestApiRouter::fieldErrors()
{
    QFETCH(QString, body);
    QFETCH(QString, message);
    QFETCH(QString, field);
    auto parsed = JsonBody::parse(body.toStdString());
    QVERIFY(std::holds_alternative<JsonBody>(parsed));
    JsonBody &json = std::get<JsonBody>(parsed);
    static constexpr std::array<std::string_view, 3> Known{"url", "enabled", "tags"};
    json.rejectUnknown(Known);
    (void)json.string("url");
    (void)json.boolean("enabled");
    (void)json.stringList("tags");
    QVERIFY(json.firstError());
    QCOMPARE(json.firstError()->code, std::string("ERR_SWITCHYARD_18014"));
    QCOMPARE(QString::fromStdString(json.firstError()->msg), message);
    QCOMPARE(json.firstError()->details.value("field").toString(), field);
}

void TestApiRouter::typedFields()
{
    auto parsed = JsonBody::parse(R"({"s": "x", "b": false, "l": ["p", "q"], "n": null, "o": {"k": [1]}})");
    QVERIFY(std::holds_alternative<JsonBody>(parsed));
    JsonBody &json = std::get<JsonBody>(parsed);
    QCOMPARE(json.string("s"), std::optional<std::string>("x"));
    QCOMPARE(json.boolean("b"), std::optional<bool>(false));
    QCOMPARE(json.stringList("l"), (std::optional<std::vector<std::string>>({"p", "q"})));
    QCOMPARE(json.string("n"), std::nullopt); // null counts as absent
    QCOMPARE(json.string("missing"), std::nullopt);
    QCOMPARE(json.stringOrObject("o"), std::optional<std::string>(R"({"k":[1]})"));
    QCOMPARE(json.stringOrObject("s"), std::optional<std::string>("x"));
    QVERIFY(!json.firstError());
    QVERIFY(json.has("n"));
    QVERIFY(!json.has("missing"));
}

void TestApiRouter::hostGuard_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<bool>("allowed");
    QTest::newRow("loopback v4") << "127.0.0.1:4040" << true;
    QTest::newRow("loopback v4 other") << "127.9.8.7" << true;
    QTest::newRow("localhost") << "localhost:4040" << true;
    QTest::newRow("LOCALHOST") << "LOCALHOST" << true;
    QTest::newRow("localhost dot") << "localhost.:4040" << true;
    QTest::newRow("sub.localhost") << "app.localhost:4040" << true;
    QTest::newRow("loopback v6") << "[::1]:4040" << true;
    QTest::newRow("allowed exact") << "switchyard.lan:4040" << true;
    QTest::newRow("allowed suffix") << "a.b.corp.example" << true;
    QTest::newRow("allowed suffix itself") << "corp.example" << true;
    QTest::newRow("allowed cidr") << "10.1.2.3:4040" << true;
    QTest::newRow("allowed ip") << "192.168.1.5" << true;
    QTest::newRow("rebinding name") << "evil.example:4040" << false;
    QTest::newRow("suffix lookalike") << "notcorp.example" << false;
    QTest::newRow("localhost lookalike") << "localhost.evil.example" << false;
    QTest::newRow("other ip") << "192.168.1.6" << false;
    QTest::newRow("outside cidr") << "10.2.0.1" << false;
    QTest::newRow("public v6") << "[2001:db8::1]:4040" << false;
    QTest::newRow("unbracketed v6") << "::1" << false;
    QTest::newRow("empty") << "" << false;
    QTest::newRow("broken bracket") << "[::1" << false;
    QTest::newRow("0.0.0.0") << "0.0.0.0:4040" << false;
}

void TestApiRouter::hostGuard()
{
    QFETCH(QString, host);
    QFETCH(bool, allowed);
    const HostGuard guard({"switchyard.lan", ".corp.example", "10.1.0.0/16", "192.168.1.5"});
    QCOMPARE(guard.allows(host.toStdString()), allowed);
}

QTEST_GUILESS_MAIN(TestApiRouter)
#include "tst_apirouter.moc"
