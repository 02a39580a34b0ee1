// SPDX-License-Identifier: Apache-2.0
// Type-check errors against declared environments (phase variables).
#include <QObject>
#include <QTest>

#include "policy/cel/checker.h"
#include "policy/cel/phaseenvironment.h"
#include "policy/cel/program.h"

using namespace switchyard::cel;
using switchyard::Diagnostic;
using switchyard::DiagnosticList;

class TestCelChecker : public QObject
{
    Q_OBJECT

private slots:
    void accepted_data();
    void accepted();
    void rejected_data();
    void rejected();
    void resultTypes_data();
    void resultTypes();
    void lenientMode();
    void phases();
    void diagnostics();
};

namespace {

CompileResult compileIn(PolicyPhase phase, const QByteArray &expr, bool lenient = false)
{
    static const Environment tcp = phaseEnvironment(PolicyPhase::TcpConnect);
    static const Environment request = phaseEnvironment(PolicyPhase::HttpRequest);
    static const Environment response = phaseEnvironment(PolicyPhase::HttpResponse);
    const Environment &env = phase == PolicyPhase::TcpConnect ? tcp
                             : phase == PolicyPhase::HttpRequest ? request : response;
    CompileOptions options;
    options.lenientTypes = lenient;
    return Program::compile(expr.toStdString(), env, options);
}

} // namespace

void TestCelChecker::accepted_data()
{
    QTest::addColumn<QByteArray>("expr");
    auto ok = [](const char *e) { QTest::addRow("%s", e) << QByteArray(e); };
    ok("req.url.path.startsWith('/api') && req.method == 'POST'");
    ok("req.url.port == 443");
    ok("req.url.query_params['a'][0] == 'b'");
    ok("'x' in req.headers");
    ok("req.headers['user-agent'].exists(v, v.contains('curl'))");
    ok("size(req.headers) > 0");
    ok("req.content_length > 1000");
    ok("conn.client_port + 1 > 1024");
    ok("inCidrRange(conn.client_ip, '10.0.0.0/8')");
    ok("inCidrRanges(conn.client_ip, ['10.0.0.0/8', '::1/128'])");
    ok("timestamp(time.now) > timestamp('2020-01-01T00:00:00Z')");
    ok("vars.anything.goes == 1");
    ok("vars['x'] + 1 == 2");
    ok("endpoint.protocol == 'https' && endpoint.port == 443");
    ok("has(req.headers.host)");
    ok("getReqHeader('X-Api-Key').size() == 1");
    ok("hasQueryParam('debug')");
    ok("req.url.path.matches('^/v[0-9]+/')");
    ok("req.method in ['GET', 'HEAD']");
    ok("dyn(req.url.port) == '443'");
    ok("1 == 1u");
    ok("1 < 2.5");
    ok("req.host.lower().endsWith('.example.com')");
    ok("req.url.path.split('/').size() > 2");
    ok("[1, 2].map(x, x + 1)[0] == 2");
    ok("conn.geo.country_code == 'NL'");
    ok("conn.ts.start < timestamp('2030-01-01T00:00:00Z')");
}

void TestCelChecker::accepted()
{
    QFETCH(QByteArray, expr);
    const CompileResult r = compileIn(PolicyPhase::HttpRequest, expr);
    QVERIFY2(r.ok(), r.formatErrors().c_str());
}

void TestCelChecker::rejected_data()
{
    QTest::addColumn<QByteArray>("expr");
    QTest::addColumn<QString>("message");
    auto bad = [](const char *e, const char *message) { QTest::addRow("%s", e) << QByteArray(e) << QString(message); };
    bad("foo", "1:1: undeclared reference to 'foo'");
    bad("reqq.method == 'GET'", "1:1: undeclared reference to 'reqq' (did you mean 'req'?)");
    bad("req.methd == 'GET'", "1:5: undefined field 'methd' of req (did you mean 'method'?)");
    bad("req.url.paht", "1:9: undefined field 'paht' of req.url");
    bad("req.url.pth", "1:9: undefined field 'pth' of req.url (did you mean 'path'?)");
    bad("conn.client_port + 'x'",
        "1:18: found no matching overload for '_+_' applied to '(int, string)'");
    bad("req.method + 1", "1:12: found no matching overload for '_+_' applied to '(string, int)'");
    bad("req.url.port == 1 || req.url.port + 1u > 2",
        "1:35: found no matching overload for '_+_' applied to '(int, uint)'");
    bad("req.method < 1", "1:12: found no matching overload for '_<_' applied to '(string, int)'");
    bad("req.content_length.startsWith('1')",
        "1:20: found no matching overload for 'startsWith' applied to '(int, string)'");
    bad("size(req.content_length)", "1:1: found no matching overload for 'size' applied to '(int)'");
    bad("req.method && true", "1:12: found no matching overload for '_&&_' applied to '(string, bool)'");
    bad("!req.method", "1:1: found no matching overload for '!_' applied to '(string)'");
    bad("req.url.port in 'abc'", "1:14: found no matching overload for '@in' applied to '(int, string)'");
    bad("req.method[0]", "1:11: found no matching overload for '_[_]' applied to '(string, int)'");
    bad("req.url.port.x", "1:13: type 'int' does not support field selection");
    bad("req.url.port ? 1 : 2", "1:14: found no matching overload for '_?_:_' applied to '(int, int, int)'");
    bad("req.url.port.exists(x, true)", "1:8: expression of type 'int' cannot be the range of a comprehension");
    bad("req.headers.all(h, h > 1)", "1:22: found no matching overload for '_>_' applied to '(string, int)'");
    bad("[1].map(x, y)", "1:12: undeclared reference to 'y'");
    bad("[1].map(item, itm)", "1:15: undeclared reference to 'itm' (did you mean 'item'?)");
    bad("{[1]: 2}", "1:2: unsupported map key type 'list(int)'");
    bad("getReqHeadr('a')", "1:1: undeclared reference to 'getReqHeadr' (did you mean 'getReqHeader'?)");
    bad("timestamp(1.5)", "1:1: found no matching overload for 'timestamp' applied to '(double)'");
    bad("req.url.path.matches('[')", "1:22: invalid regular expression '[': missing ]: [");
    bad("res.status_code == 200", "1:1: undeclared reference to 'res' (did you mean 'req'?)");
}

void TestCelChecker::rejected()
{
    QFETCH(QByteArray, expr);
    QFETCH(QString, message);
    const CompileResult r = compileIn(PolicyPhase::HttpRequest, expr);
    QVERIFY(!r.ok());
    const QString got = QString::fromStdString(r.format(r.errors.front()));
    QVERIFY2(got.startsWith(message), qPrintable(got));
}

void TestCelChecker::resultTypes_data()
{
    QTest::addColumn<QByteArray>("expr");
    QTest::addColumn<QString>("type");
    auto t = [](const char *e, const char *type) { QTest::addRow("%s", e) << QByteArray(e) << QString(type); };
    t("1 + 2", "int");
    t("1u * 2u", "uint");
    t("1.5 / 2.0", "double");
    t("'a' + 'b'", "string");
    t("req.url.port", "int");
    t("req.headers", "map(string, list(string))");
    t("req.headers['a']", "list(string)");
    t("req.headers['a'][0]", "string");
    t("[1, 2]", "list(int)");
    t("[1, 'a']", "list(dyn)");
    t("{'a': 1}", "map(string, int)");
    t("req.method == 'GET'", "bool");
    t("[1, 2].map(x, x > 1)", "list(bool)");
    t("[1, 2].filter(x, x > 1)", "list(int)");
    t("timestamp('2020-01-01T00:00:00Z') - timestamp('2020-01-01T00:00:00Z')", "google.protobuf.Duration");
    t("vars.x", "dyn");
    t("true ? 1 : 'a'", "dyn");
    t("type(1)", "type");
    t("req.url", "req.url");
}

void TestCelChecker::resultTypes()
{
    QFETCH(QByteArray, expr);
    QFETCH(QString, type);
    const CompileResult r = compileIn(PolicyPhase::HttpRequest, expr);
    QVERIFY2(r.ok(), r.formatErrors().c_str());
    QCOMPARE(QString::fromStdString(r.program->resultType().name()), type);
}

void TestCelChecker::lenientMode()
{
    // Under && / || / ?: the other operand may decide, so lenient checking
    // leaves the mismatch to run time; strict checking reports it.
    QVERIFY(!compileIn(PolicyPhase::HttpRequest, "false && req.method + 1 == 2").ok());
    QVERIFY(compileIn(PolicyPhase::HttpRequest, "false && req.method + 1 == 2", true).ok());
    QVERIFY(compileIn(PolicyPhase::HttpRequest, "true || 32", true).ok());
    QVERIFY(compileIn(PolicyPhase::HttpRequest, "true ? 1 : 'a' + 1", true).ok());
    // Undeclared references there become run-time errors (cel-spec:
    // "x || true" is true with x unbound).
    const CompileResult deferred = compileIn(PolicyPhase::HttpRequest, "false && nope", true);
    QVERIFY(deferred.ok());
    QVERIFY(!deferred.program->evaluate(MapActivation()).boolValue());
    const Value err = compileIn(PolicyPhase::HttpRequest, "true && nope", true).program->evaluate(MapActivation());
    QCOMPARE(QString::fromStdString(std::string(err.errorMessage())), QString("undeclared reference to 'nope'"));
    QVERIFY(!compileIn(PolicyPhase::HttpRequest, "false && nope").ok());
    // Outside short-circuits both stay compile errors.
    QVERIFY(!compileIn(PolicyPhase::HttpRequest, "req.method + 1", true).ok());
    QVERIFY(!compileIn(PolicyPhase::HttpRequest, "nope", true).ok());
}

void TestCelChecker::phases()
{
    QVERIFY(compileIn(PolicyPhase::TcpConnect, "conn.client_ip == '1.2.3.4'").ok());
    const CompileResult tcp = compileIn(PolicyPhase::TcpConnect, "req.method == 'GET'");
    QVERIFY(!tcp.ok());
    QVERIFY(!compileIn(PolicyPhase::TcpConnect, "getReqHeader('a').size() > 0").ok());
    QVERIFY(compileIn(PolicyPhase::HttpResponse, "res.status_code >= 500 && req.method == 'GET'").ok());
    QVERIFY(compileIn(PolicyPhase::HttpResponse, "hasResHeader('content-type')").ok());
    QVERIFY(!compileIn(PolicyPhase::HttpRequest, "hasResHeader('content-type')").ok());
    QCOMPARE(policyPhaseFromName("on_http_response"), std::optional(PolicyPhase::HttpResponse));
    QCOMPARE(policyPhaseFromName("on_http_reply"), std::nullopt);
    const Environment env = phaseEnvironment(PolicyPhase::HttpRequest);
    QVERIFY(env.find("req"));
    QVERIFY(env.find("conn"));
    QVERIFY(env.find("endpoint"));
    QVERIFY(env.find("time"));
    QVERIFY(env.find("vars"));
    QVERIFY(!env.find("res"));
}

void TestCelChecker::diagnostics()
{
    const CompileResult r = compileIn(PolicyPhase::HttpRequest, "req.method == 1 + 'a'");
    const DiagnosticList list = r.diagnostics({3, 7, 0}, "on_http_request[0].expressions[0]");
    QCOMPARE(list.size(), std::size_t(1));
    const Diagnostic &d = list.items().front();
    QCOMPARE(d.exprColumn, 17);
    QCOMPARE(d.position.line, 3);
    QCOMPARE(QString::fromStdString(d.message),
             QString("invalid expression: found no matching overload for '_+_' applied to '(int, string)'"));
    QCOMPARE(QString::fromStdString(d.path), QString("on_http_request[0].expressions[0]"));
}

QTEST_APPLESS_MAIN(TestCelChecker)
#include "tst_celchecker.moc"
