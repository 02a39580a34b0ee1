// SPDX-License-Identifier: Apache-2.0
// The ngrok macros added on top of the CEL core (ngrok-semantics.md §7.3):
// hash.*, json.*, basic_auth, queryString.*, url.parse, list helpers,
// rand.*, secrets.get, isPrivateIp, format. Expected digests come from
// Python's hashlib/zlib and the published CRC-64/XZ and XXH64 check values.
#include "celtesthelpers.h"

#include <QObject>
#include <QTest>

#include "policy/cel/functionregistry.h"
#include "policy/cel/jsonformat.h"
#include "policy/cel/jsonparser.h"
#include "policy/cel/phaseenvironment.h"

using namespace switchyard::cel;

class TestCelNgrokFunctions : public QObject
{
    Q_OBJECT

private slots:
    void evaluate_data();
    void evaluate();
    void jsonRoundTrip_data();
    void jsonRoundTrip();
    void randomValuesStayInRange();
    void randomIsNotFolded();
    void checkerKnowsSignatures_data();
    void checkerKnowsSignatures();
    void runtimeErrorColumns_data();
    void runtimeErrorColumns();
};

namespace {

void row(const char *expr, const char *expected)
{
    QTest::addRow("%s", expr) << QString::fromUtf8(expr) << QString::fromUtf8(expected);
}

} // namespace

void TestCelNgrokFunctions::evaluate_data()
{
    QTest::addColumn<QString>("expr");
    QTest::addColumn<QString>("expected");

    // hash.*
    row("hash.crc32('hello')", "'3610a686'");
    row("hash.crc32('123456789')", "'cbf43926'");
    row("hash.crc32('')", "'00000000'");
    row("hash.crc32('hello', 'base64')", "'NhCmhg=='");
    row("hash.crc64('123456789')", "'995dc9bbdf1939fa'");
    row("hash.crc64('hello')", "'9b1edae5dbb937b1'");
    row("hash.md5('hello')", "'5d41402abc4b2a76b9719d911017c592'");
    row("hash.md5(b'hello')", "'5d41402abc4b2a76b9719d911017c592'");
    row("hash.md5('hello', 'base64')", "'XUFAKrxLKna5cZ2REBfFkg=='");
    row("hash.sha1('hello')", "'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d'");
    row("hash.sha256('hello')", "'2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824'");
    row("hash.sha256('hello', 'base64')", "'LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ='");
    row("hash.sha512('hello')", "'9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6"
                                "e14b8c5da0c4663475c2e5c3adef46f73bcdec043'");
    row("hash.xxhash64('')", "'ef46db3751d8e999'");
    row("hash.xxhash64('abc')", "'44bc2cf5ad770999'");
    row("hash.xxhash64('123456789')", "'8cb841db40e6ae83'");
    row("hash.xxhash64('Nobody inspects the spammish repetition')", "'fbcea83c8a378bf1'");
    row("hash.sha1(s, 'hex') == hash.sha1(s)", "true");
    row("hash.md5('x', 'base32')", "error:unknown encoding 'base32'");
    row("hash.md5(1)", "compile:found no matching overload for 'hash.md5'");
    row("hash.md5(dyn(1))", "error:no matching overload for 'hash.md5' applied to '(int)'");
    row("hash.sha256()", "compile:does not take 0 arguments");

    // json.*
    row("json.encode({'a': [1, 2.5, 'x', true, null]})", "'{\"a\":[1,2.5,\"x\",true,null]}'");
    row("json.encode('é\"')", "'\"é\\\\\"\"'");
    row("json.encode(b'hi')", "'\"aGk=\"'");
    row("json.encode(duration('90s'))", "'\"90s\"'");
    row("{'k': 1}.encodeJson()", "'{\"k\":1}'");
    row("[1, 2].encodeJson()", "'[1,2]'");
    row("json.decode('{\"a\": [1, 2.5, \"x\", true, null]}')", "{'a': [1, 2.5, 'x', true, null]}");
    row("json.decode('{\"a\": {\"b\": 3}}').a.b", "3");
    row("json.decode('  -12 ')", "-12");
    row("json.decode('1e3')", "1000.0");
    row("json.decode('9223372036854775808')", "9.223372036854775808e18");
    row("json.decode('\"\\\\u00e9\\\\ud83d\\\\ude00\"')", "'é😀'");
    row("json.decode(b'[]')", "[]");
    row("json.decode('{\"a\": 1,}')", "error:json: expected a string key at offset 8");
    row("json.decode('[1 2]')", "error:json: expected ',' or ']' at offset 3");
    row("json.decode('{\"a\":1,\"a\":2}')", "error:json: duplicate key");
    row("json.decode('01')", "error:json: invalid number");
    row("json.decode('1 x')", "error:json: unexpected text after the value");
    row("json.decode('')", "error:json: unexpected end of text");
    row("json.decode('\"\\\\ud800\"')", "error:json: invalid string");
    row("'{\"a\": 1}'.isJson()", "true");
    row("'{a: 1}'.isJson()", "false");
    row("'[1, 2]'.isJson()", "true");

    // basic_auth, queryString, url
    row("basic_auth.encode('user', 'pass')", "'Basic dXNlcjpwYXNz'");
    row("basic_auth.encode('a', 1)", "compile:found no matching overload for 'basic_auth.encode'");
    row("queryString.encode({'b': '2', 'a': ['1', 'x y'], 'c': 3})", "'a=1&a=x+y&b=2&c=3'");
    row("queryString.encode({})", "''");
    row("{'q': 'a&b'}.encodeQueryString()", "'q=a%26b'");
    row("queryString.encode({'a': {'b': 1}})", "error:queryString.encode: unsupported value {\"b\": 1}");
    row("queryString.decode('a=1&a=2&b=x+y&c')", "{'a': ['1', '2'], 'b': ['x y'], 'c': ['']}");
    row("queryString.decode('?q=%2Fpath')", "{'q': ['/path']}");
    row("queryString.decode('')", "{}");
    row("queryString.decode('a=%zz')", "error:queryString.decode: invalid escape in 'a=%zz'");
    row("url.parse('https://user:pw@Example.com:8443/a/b?x=1&x=2#top')",
        "{'scheme': 'https', 'user_password': 'user:pw', 'host': 'example.com', 'port': 8443,"
        " 'authority': 'user:pw@Example.com:8443', 'path': '/a/b', 'query': 'x=1&x=2',"
        " 'query_params': {'x': ['1', '2']}, 'fragment': 'top'}");
    row("url.parse('http://example.com').port", "80");
    row("url.parse('https://[2001:db8::1]/').host", "'2001:db8::1'");
    row("url.parse('https://[2001:db8::1]:9000/').port", "9000");
    row("url.parse('tcp://1.tcp.example.com:20000').port", "20000");
    row("url.parse('/relative/path?q').path", "'/relative/path'");
    row("url.parse('/relative/path?q').scheme", "''");
    row("url.parse('http://h:99999/')", "error:url.parse: invalid port '99999'");
    row("url.parse('http://[::1/')", "error:url.parse: missing ']' in host");
    row("'https://example.com/x'.isURL()", "true");
    row("'example.com/x'.isURL()", "false");
    row("'http://h:x/'.isURL()", "false");
    row("url.escape('a b/c')", "'a+b%2Fc'");
    row("url.unescape('a+b%2Fc')", "'a b/c'");

    // lists
    row("[1, 2, 3, 4].slice(1, 3)", "[2, 3]");
    row("[1, 2].slice(2, 2)", "[]");
    row("[1, 2].slice(1, 3)", "error:slice: end 3 is past the list size 2");
    row("[1, 2].slice(2, 1)", "error:slice: start 2 is after end 1");
    row("[1, 2].slice(-1, 1)", "error:slice: negative index -1");
    row("[1, [2, [3, [4]]]].flatten()", "[1, 2, [3, [4]]]");
    row("[1, [2, [3, [4]]]].flatten(2)", "[1, 2, 3, [4]]");
    row("[[1], [2]].flatten(0)", "[[1], [2]]");
    row("[[1]].flatten(-1)", "error:flatten: negative depth -1");
    row("[3, 1, 2].sort()", "[1, 2, 3]");
    row("['b', 'a', 'c'].sort()", "['a', 'b', 'c']");
    row("[2.5, 1, 2u].sort()", "[1, 2u, 2.5]");
    row("[].sort()", "[]");
    row("[1, 'a'].sort()", "error:sort: cannot order int and string");
    row("[[1]].sort()", "error:sort: cannot order list");
    row("[1, 2, 1, 3, 2].distinct()", "[1, 2, 3]");
    row("[1, 1.0, 1u, 'a', 'a'].distinct()", "[1, 'a']");
    row("lists.range(4)", "[0, 1, 2, 3]");
    row("lists.range(0)", "[]");
    row("lists.range(-1)", "error:lists.range: negative size -1");
    row("lists.range(100001)", "error:list size limit exceeded");
    row("lists.range(3).map(i, i * 2)", "[0, 2, 4]");
    row("[1].sortBy(x, x)", "compile:undeclared reference to 'sortBy'");

    // secrets, isPrivateIp, format
    row("secrets.get('vault', 'name')", "compile:1:1: secrets.get is not supported by Switchyard");
    row("t || secrets.get('vault', 'name') == ''", "compile:secrets.get is not supported by Switchyard");
    row("'10.1.2.3'.isPrivateIp()", "true");
    row("'172.31.255.255'.isPrivateIp()", "true");
    row("'172.32.0.1'.isPrivateIp()", "false");
    row("'192.168.0.1'.isPrivateIp()", "true");
    row("'127.0.0.1'.isPrivateIp()", "false");
    row("'8.8.8.8'.isPrivateIp()", "false");
    row("'fd00::1'.isPrivateIp()", "true");
    row("'2001:db8::1'.isPrivateIp()", "false");
    row("'not an ip'.isPrivateIp()", "false");
    row("'%s has %d items'.format(['cart', 3])", "'cart has 3 items'");
    row("'%.2f%%'.format([12.345])", "'12.35%'");
    row("'%f'.format([1])", "'1.000000'");
    row("'%e'.format([1234.5])", "'1.234500e+03'");
    row("'%x %X %o %b'.format([255, 255, 8, 5])", "'ff FF 10 101'");
    row("'%x'.format([-255])", "'-ff'");
    row("'%x'.format(['hi'])", "'6869'");
    row("'%s'.format([[1, 'a']])", "'[1, \"a\"]'");
    row("'%s %s %s'.format([true, 1.5, null])", "'true 1.5 null'");
    row("'%s'.format([duration('1m')])", "'60s'");
    row("'%s %s'.format([1])", "error:format: not enough arguments for the format string (1 given)");
    row("'%d'.format(['x'])", "error:format: %d does not take string");
    row("'%q'.format([1])", "error:format: unknown verb %q");
    row("'50%'.format([])", "error:format: '%' at the end of the format string");
}

void TestCelNgrokFunctions::evaluate()
{
    QFETCH(QString, expr);
    QFETCH(QString, expected);
    celtest::checkEvaluation(expr, expected);
}

void TestCelNgrokFunctions::jsonRoundTrip_data()
{
    QTest::addColumn<QString>("json");
    QTest::newRow("object") << R"({"a":[1,2.5,"x",true,null],"b":{}})";
    QTest::newRow("escapes") << R"(["\"\\\n\t","é"])";
    QTest::newRow("negative") << "[-1,-0.5,1e+100]";
    QTest::newRow("empty array") << "[]";
}

// parseJson() and toJson() are inverses on JSON's own types.
void TestCelNgrokFunctions::jsonRoundTrip()
{
    QFETCH(QString, json);
    const Value v = parseJson(json.toStdString());
    QVERIFY2(!v.isError(), v.isError() ? std::string(v.errorMessage()).c_str() : "");
    QCOMPARE(QString::fromStdString(toJson(v)), json);
}

void TestCelNgrokFunctions::randomValuesStayInRange()
{
    bool sawZero = false, sawOne = false, sawMin = false, sawMax = false;
    for (int i = 0; i < 400; ++i) {
        const auto d = evaluateExpression("rand.double()");
        QVERIFY(d.compiled());
        QCOMPARE(d.value.kind(), ValueKind::Double);
        QVERIFY(d.value.doubleValue() >= 0.0 && d.value.doubleValue() < 1.0);

        const auto bit = evaluateExpression("rand.int()");
        QCOMPARE(bit.value.kind(), ValueKind::Int);
        QVERIFY(bit.value.intValue() == 0 || bit.value.intValue() == 1);
        sawZero = sawZero || bit.value.intValue() == 0;
        sawOne = sawOne || bit.value.intValue() == 1;

        const auto r = evaluateExpression("rand.int(-3, 3)");
        QCOMPARE(r.value.kind(), ValueKind::Int);
        QVERIFY(r.value.intValue() >= -3 && r.value.intValue() <= 3);
        sawMin = sawMin || r.value.intValue() == -3;
        sawMax = sawMax || r.value.intValue() == 3;
    }
    // 400 draws: missing an end has probability about (6/7)^400.
    QVERIFY(sawZero && sawOne && sawMin && sawMax);
    QCOMPARE(evaluateExpression("rand.int(5, 5)").value.intValue(), 5);
    celtest::checkEvaluation("rand.int(2, 1)", "error:rand.int: min 2 is greater than max 1");
    celtest::checkEvaluation("rand.int(1)", "error:no matching overload for 'rand.int' applied to '(int)'");
}

// A compiled program draws a new number on every evaluation.
void TestCelNgrokFunctions::randomIsNotFolded()
{
    const auto compiled = Program::compile("rand.double()", Environment());
    QVERIFY(compiled.ok());
    MapActivation none;
    const double first = compiled.program->evaluate(none).doubleValue();
    bool changed = false;
    for (int i = 0; i < 10 && !changed; ++i)
        changed = compiled.program->evaluate(none).doubleValue() != first;
    QVERIFY(changed);
}

void TestCelNgrokFunctions::checkerKnowsSignatures_data()
{
    QTest::addColumn<QString>("expr");
    QTest::addColumn<QString>("error");
    QTest::newRow("hash result is a string") << "hash.sha256(req.url.path) + 1"
                                             << "found no matching overload for '_+_' applied to '(string, int)'";
    QTest::newRow("isPrivateIp on conn") << "conn.client_ip.isPrivateIp() && req.method == 'GET'" << "";
    QTest::newRow("rand.int is an int") << "rand.int(0, 99) < 10" << "";
    QTest::newRow("rand.double compared with a string") << "rand.double() < 'x'"
                                                        << "found no matching overload for '_<_'";
    QTest::newRow("json.decode is dyn") << "json.decode(req.headers['x-data'][0]).user == 'bob'" << "";
    QTest::newRow("format needs a list") << "'%s'.format(req.method)"
                                         << "found no matching overload for 'format'";
}

// The checker types the new functions in the policy environment.
void TestCelNgrokFunctions::checkerKnowsSignatures()
{
    QFETCH(QString, expr);
    QFETCH(QString, error);
    const auto result = Program::compile(expr.toStdString(), phaseEnvironment(PolicyPhase::HttpRequest));
    if (error.isEmpty()) {
        QVERIFY2(result.ok(), result.formatErrors().c_str());
    } else {
        QVERIFY(!result.ok());
        QVERIFY2(result.formatErrors().find(error.toStdString()) != std::string::npos, result.formatErrors().c_str());
    }
}

void TestCelNgrokFunctions::runtimeErrorColumns_data()
{
    QTest::addColumn<QString>("expr");
    QTest::addColumn<int>("column");
    QTest::newRow("division") << "1 + x / 0" << 7;
    QTest::newRow("overflow in a call argument") << "size([x * 9223372036854775807])" << 9;
    QTest::newRow("missing map key") << "m.zz == 1" << 2;
    QTest::newRow("index out of range") << "true && l[7] == 1" << 10;
    QTest::newRow("function failure") << "'abc'.substring(x)" << 7;
    QTest::newRow("namespaced function") << "'a' + string(json.decode('{'))" << 19;
    QTest::newRow("absorbed error elsewhere") << "(false && 1 / 0 == 1) || l[9] == 1" << 27;
    QTest::newRow("second line") << "x == 5 &&\n  m.zz == 1" << 4;
    QTest::newRow("unbound variable") << "true && missing" << 9;
}

// Run-time errors carry the column of the sub-expression that failed.
void TestCelNgrokFunctions::runtimeErrorColumns()
{
    QFETCH(QString, expr);
    QFETCH(int, column);
    const auto vars = celtest::standardVars();
    CompileOptions options;
    options.lenientTypes = true;
    const auto outcome = evaluateExpression(expr.toStdString(), vars, options);
    QVERIFY2(outcome.compiled(), outcome.compileError.c_str());
    QVERIFY(outcome.value.isError());
    QCOMPARE(outcome.errorColumn, column);
}

QTEST_GUILESS_MAIN(TestCelNgrokFunctions)
#include "tst_celngrokfunctions.moc"
