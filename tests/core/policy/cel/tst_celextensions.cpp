// SPDX-License-Identifier: Apache-2.0
// Traffic-policy extensions: CIDR checks, request/response helpers, string,
// base64 and URL helpers (ngrok-semantics.md §7.3).
#include "celtesthelpers.h"

#include <QObject>
#include <QTest>

#include "policy/cel/phaseenvironment.h"

using namespace switchyard::cel;

class TestCelExtensions : public QObject
{
    Q_OBJECT

private slots:
    void evaluate_data();
    void evaluate();
    void phaseProgramWithSlots();
};

namespace {

Value strMap(std::vector<std::pair<std::string, Value>> items)
{
    std::vector<MapValue::Entry> entries;
    for (auto &[k, v] : items)
        entries.emplace_back(Value::string(k), std::move(v));
    return Value::map(MapValue::makeUnchecked(std::move(entries)));
}

Value strings(std::initializer_list<const char *> items)
{
    std::vector<Value> out;
    for (const char *s : items)
        out.push_back(Value::string(s));
    return Value::list(std::move(out));
}

std::vector<std::pair<std::string, Value>> requestVars()
{
    Value url = strMap({{"scheme", Value::string("https")},
                        {"host", Value::string("app.example.com")},
                        {"port", Value::integer(443)},
                        {"path", Value::string("/api/users")},
                        {"query", Value::string("a=1&a=2&debug")},
                        {"query_params", strMap({{"a", strings({"1", "2"})}, {"debug", strings({""})}})}});
    Value cookie = strMap({{"name", Value::string("session")}, {"value", Value::string("abc")}});
    Value req = strMap({{"method", Value::string("POST")},
                        {"url", url},
                        {"host", Value::string("app.example.com")},
                        {"headers", strMap({{"user-agent", strings({"curl/8.0"})},
                                            {"x-api-key", strings({"k1", "k2"})}})},
                        {"cookies", strMap({{"session", Value::list({cookie})}})}});
    Value res = strMap({{"status_code", Value::integer(404)},
                        {"headers", strMap({{"content-type", strings({"text/html"})}})}});
    Value conn = strMap({{"client_ip", Value::string("10.1.2.3")}, {"client_port", Value::integer(50000)}});
    return {{"req", req}, {"res", res}, {"conn", conn}, {"ip6", Value::string("2001:db8::1")}};
}

void row(const char *expr, const char *expected)
{
    QTest::addRow("%s", expr) << QString::fromUtf8(expr) << QString::fromUtf8(expected);
}

} // namespace

void TestCelExtensions::evaluate_data()
{
    QTest::addColumn<QString>("expr");
    QTest::addColumn<QString>("expected");

    // CIDR
    row("inCidrRange('10.1.2.3', '10.0.0.0/8')", "true");
    row("inCidrRange('11.1.2.3', '10.0.0.0/8')", "false");
    row("inCidrRange('192.168.1.77', '192.168.1.64/26')", "true");
    row("inCidrRange('192.168.1.128', '192.168.1.64/26')", "false");
    row("inCidrRange('1.2.3.4', '0.0.0.0/0')", "true");
    row("inCidrRange('1.2.3.4', '1.2.3.4/32')", "true");
    row("inCidrRange('1.2.3.5', '1.2.3.4/32')", "false");
    row("inCidrRange('1.2.3.4', '1.2.3.4')", "true");
    row("inCidrRange('1.2.3.4', '1.2.3.0/33')", "false");
    row("inCidrRange('1.2.3.4', 'not-a-cidr')", "false");
    row("inCidrRange('1.2.3.4', '1.2.3.0/')", "false");
    row("inCidrRange('1.2.3.4', '1.2.3.0/x')", "false");
    row("inCidrRange('999.1.1.1', '0.0.0.0/0')", "false");
    row("inCidrRange('2001:db8::1', '2001:db8::/32')", "true");
    row("inCidrRange('2001:db9::1', '2001:db8::/32')", "false");
    row("inCidrRange('::1', '::1/128')", "true");
    row("inCidrRange('fe80::1', 'fe80::/10')", "true");
    row("inCidrRange('2001:db8::1', '10.0.0.0/8')", "false");
    row("inCidrRange('10.0.0.1', '::/0')", "false");
    row("inCidrRange('::ffff:10.0.0.1', '10.0.0.0/8')", "true");
    row("inCidrRange(conn.client_ip, '10.0.0.0/8')", "true");
    row("inCidrRange(ip6, '2001:db8::/48')", "true");
    row("inCidrRange(conn.client_ip, 'bogus')", "false");
    row("inCidrRange(conn.client_ip, '10.1.2.3')", "true");
    row("inCidrRanges(conn.client_ip, ['bogus', 1, '10.1.0.0/16'])", "true");
    row("inCidrRanges(conn.client_ip, ['192.168.0.0/16'])", "false");
    row("inCidrRange(conn.client_port, '10.0.0.0/8')", "error:no matching overload");
    row("inCidrRange(req.method, '10.0.0.0/8')", "false");
    row("inCidrRange(1, '10.0.0.0/8')", "compile:no matching overload");
    row("inCidrRanges('10.1.2.3', ['192.168.0.0/16', '10.0.0.0/8'])", "true");
    row("inCidrRanges('10.1.2.3', ['bogus', '10.0.0.0/8'])", "true");
    row("inCidrRanges('10.1.2.3', ['bogus', '192.168.0.0/16'])", "false");
    row("inCidrRanges('10.1.2.3', [])", "false");
    row("inCidrRanges(ip6, ['10.0.0.0/8', '2001:db8::/32'])", "true");
    row("inCidrRanges('nope', ['0.0.0.0/0'])", "false");

    // Request / response helpers
    row("getReqHeader('User-Agent')", "['curl/8.0']");
    row("getReqHeader('user-agent')", "['curl/8.0']");
    row("getReqHeader('X-API-KEY')", "['k1', 'k2']");
    row("getReqHeader('X-Missing')", "[]");
    row("hasReqHeader('X-Api-Key')", "true");
    row("hasReqHeader('X-Missing')", "false");
    row("getReqHeader('User-Agent')[0].startsWith('curl')", "true");
    row("getQueryParam('a')", "['1', '2']");
    row("getQueryParam('b')", "[]");
    row("hasQueryParam('debug')", "true");
    row("hasQueryParam('A')", "false");
    row("getReqCookie('session').value", "'abc'");
    row("hasReqCookie('session')", "true");
    row("hasReqCookie('other')", "false");
    row("getReqCookie('other')", "null");
    row("getResHeader('Content-Type')", "['text/html']");
    row("hasResHeader('content-type')", "true");
    row("hasResHeader('x-nope')", "false");
    row("getReqHeader(1)", "compile:no matching overload");
    row("req.url.path.startsWith('/api') && req.method == 'POST'", "true");
    row("req.url.port == 443", "true");
    row("'x-api-key' in req.headers", "true");
    row("res.status_code >= 400", "true");

    // String helpers
    row("'HeLLo'.lower()", "'hello'");
    row("'HeLLo'.upper()", "'HELLO'");
    row("'ÄbC'.lower()", "'Äbc'");
    row("'  a b \\t\\n'.trim()", "'a b'");
    row("''.trim()", "''");
    row("'a,b,,c'.split(',')", "['a', 'b', '', 'c']");
    row("'abc'.split('')", "['a', 'b', 'c']");
    row("'héllo'.split('')", "['h', 'é', 'l', 'l', 'o']");
    row("''.split(',')", "['']");
    row("'a-b-c'.replace('-', '+')", "'a+b+c'");
    row("'aaa'.replace('a', 'bb')", "'bbbbbb'");
    row("'abc'.replace('x', 'y')", "'abc'");
    row("'hello'.substring(1)", "'ello'");
    row("'hello'.substring(1, 3)", "'el'");
    row("'héllo'.substring(1, 2)", "'é'");
    row("'hello'.substring(5)", "''");
    row("'hello'.substring(6)", "error:index out of range");
    row("'hello'.substring(3, 2)", "error:index out of range");
    row("'hello'.substring(-1)", "error:index out of range");
    row("'hello'.indexOf('l')", "2");
    row("'héllo'.indexOf('l')", "2");
    row("'hello'.indexOf('z')", "-1");
    row("'hello'.indexOf('')", "0");
    row("['a', 'b', 'c'].join('-')", "'a-b-c'");
    row("['a', 'b'].join()", "'ab'");
    row("[].join(',')", "''");
    row("['a', 1].join(',')", "error:not string");
    row("req.url.path.split('/')[1]", "'api'");
    row("req.host.upper().endsWith('.COM')", "true");

    // Encoding helpers
    row("base64.encode(b'hello')", "'aGVsbG8='");
    row("base64.encode('hi')", "'aGk='");
    row("base64.encode(b'')", "''");
    row("base64.decode('aGVsbG8=')", "b'hello'");
    row("base64.decode('aGk')", "b'hi'");
    row("base64.decode('!!!')", "error:invalid base64");
    row("string(base64.decode(base64.encode(b'round trip')))", "'round trip'");
    row("url.escape('a b&c=d/é')", "'a+b%26c%3Dd%2F%C3%A9'");
    row("url.escape('safe-_.~')", "'safe-_.~'");
    row("url.unescape('a+b%26c%3Dd')", "'a b&c=d'");
    row("url.unescape('%zz')", "error:invalid escape");
    row("url.unescape('%4')", "error:invalid escape");
}

void TestCelExtensions::evaluate()
{
    QFETCH(QString, expr);
    QFETCH(QString, expected);
    celtest::checkEvaluation(expr, expected, requestVars());
}

void TestCelExtensions::phaseProgramWithSlots()
{
    const Environment env = phaseEnvironment(PolicyPhase::HttpRequest);
    const CompileResult compiled =
        Program::compile("req.url.path.startsWith('/api') && getReqHeader('X-Api-Key').size() == 2", env);
    QVERIFY2(compiled.ok(), compiled.formatErrors().c_str());
    SlotActivation activation(env);
    for (auto &[name, value] : requestVars())
        activation.set(name, value);
    const Value v = compiled.program->evaluate(activation);
    QVERIFY2(v.isBool() && v.boolValue(), v.debugString().c_str());

    SlotActivation empty(env);
    const Value unbound = compiled.program->evaluate(empty);
    QVERIFY(unbound.isError());
    QCOMPARE(QString::fromStdString(std::string(unbound.errorMessage())), QString("no value for variable 'req'"));
    QVERIFY(!activation.set("not_declared", Value::integer(1)));
}

QTEST_APPLESS_MAIN(TestCelExtensions)
#include "tst_celextensions.moc"
