// SPDX-License-Identifier: Apache-2.0
// The policy document parser: typed structure, positions and field paths,
// and the mapping of a column inside an expression back to the file.
#include "fakeexpressioncompiler.h"
#include "policy/jsonsyntaxchecker.h"
#include "policy/policyparser.h"
#include "policy/policyvalidator.h"
#include "policy/policyvalues.h"

#include <QTemporaryDir>
#include <QTest>

#include <fstream>

using namespace switchyard;

class TestPolicyParser : public QObject
{
    Q_OBJECT

private slots:
    void structureAndPositions();
    void legacyPhaseNames();
    void jsonPositions();
    void parseFile();
    void expressionColumns_data();
    void expressionColumns();
    void jsonChecker_data();
    void jsonChecker();
    void durations_data();
    void durations();
    void cidrs_data();
    void cidrs();
    void deepNestingIsRefused();
};

namespace {

QString pos(const SourcePosition &p)
{
    return QString("%1:%2").arg(p.line).arg(p.column);
}

} // namespace

void TestPolicyParser::structureAndPositions()
{
    const std::string text = "# comment\n"
                             "on_http_request:\n"
                             "  - name: first\n"
                             "    expressions: [\"req.method == 'GET'\"]\n"
                             "    actions:\n"
                             "      - type: add-headers\n"
                             "        config:\n"
                             "          headers: {x-a: b}\n"
                             "      - type: custom-response\n"
                             "        config: {status_code: 201}\n"
                             "on_tcp_connect:\n"
                             "  - actions: [{type: deny}]\n";
    DiagnosticList diagnostics;
    const auto doc = PolicyParser::parse(text, diagnostics);
    QVERIFY(doc);
    QVERIFY2(diagnostics.empty(), diagnostics.format("p").c_str());
    QCOMPARE(doc->phases.size(), std::size_t(2));
    QVERIFY(doc->phases[0].phase == PolicyPhase::HttpRequest);
    QVERIFY(doc->phases[1].phase == PolicyPhase::TcpConnect);
    QVERIFY(!doc->incomplete);
    QCOMPARE(pos(doc->phases[0].position), QString("2:1"));
    const PolicyRule &rule = doc->phases[0].rules.at(0);
    QCOMPARE(rule.name, std::string("first"));
    QCOMPARE(pos(rule.position), QString("3:5"));
    QCOMPARE(rule.path, std::string("on_http_request[0]"));
    QCOMPARE(rule.expressions.size(), std::size_t(1));
    QCOMPARE(rule.expressions[0].scalar, std::string("req.method == 'GET'"));
    QCOMPARE(pos(rule.expressions[0].position), QString("4:19"));
    QCOMPARE(rule.expressions[0].path, std::string("on_http_request[0].expressions[0]"));
    QCOMPARE(rule.actions.size(), std::size_t(2));
    const PolicyAction &second = rule.actions[1];
    QCOMPARE(second.type, std::string("custom-response"));
    QCOMPARE(pos(second.typePosition), QString("9:15"));
    QCOMPARE(second.path, std::string("on_http_request[0].actions[1]"));
    const PolicyNode *status = second.config.find("status_code");
    QVERIFY(status);
    QCOMPARE(status->path, std::string("on_http_request[0].actions[1].config.status_code"));
    QCOMPARE(pos(status->position), QString("10:31"));
    QCOMPARE(pos(status->keyPosition), QString("10:18"));
    QVERIFY(status->isPlainScalar());
    const PolicyNode *header = rule.actions[0].config.find("headers")->find("x-a");
    QCOMPARE(header->path, std::string("on_http_request[0].actions[0].config.headers.x-a"));
    QCOMPARE(pos(header->position), QString("8:26"));
    QCOMPARE(doc->phases[1].rules[0].actions[0].path, std::string("on_tcp_connect[0].actions[0]"));
    QVERIFY(doc->phases[1].rules[0].actions[0].config.isNull());
}

void TestPolicyParser::legacyPhaseNames()
{
    DiagnosticList diagnostics;
    const auto doc = PolicyParser::parse(std::string("inbound:\n  - actions: [{type: deny}]\noutbound:\n"
                                                     "  - actions: [{type: add-headers, config: {headers: {a: b}}}]\n"),
                                         diagnostics);
    QVERIFY(doc);
    QCOMPARE(QString::fromStdString(diagnostics.format("p")),
             QString("p:1:1: warning: 'inbound' is the old name of 'on_http_request'; rename it\n"
                     "p:3:1: warning: 'outbound' is the old name of 'on_http_response'; rename it\n"));
    QVERIFY(doc->hasPhase(PolicyPhase::HttpRequest));
    QVERIFY(doc->hasPhase(PolicyPhase::HttpResponse));
    QCOMPARE(doc->phase(PolicyPhase::HttpRequest)->rules[0].path, std::string("inbound[0]"));
}

void TestPolicyParser::jsonPositions()
{
    const std::string text = "{\n"
                             "  \"on_http_request\": [\n"
                             "    {\"actions\": [{\"type\": \"deny\", \"config\": {\"status_code\": 404}}]}\n"
                             "  ]\n"
                             "}\n";
    DiagnosticList diagnostics;
    const auto doc = PolicyParser::parse(text, diagnostics);
    QVERIFY(doc);
    QVERIFY(diagnostics.empty());
    const PolicyAction &action = doc->phases.at(0).rules.at(0).actions.at(0);
    QCOMPARE(pos(action.typePosition), QString("3:27"));
    QCOMPARE(pos(action.config.find("status_code")->position), QString("3:61"));
    QVERIFY(action.config.find("status_code")->isPlainScalar());
}

void TestPolicyParser::parseFile()
{
    QTemporaryDir dir;
    const std::string path = dir.filePath("p.yml").toStdString();
    std::ofstream(path) << "on_http_request:\n  - actions: [{type: deny}]\n";
    DiagnosticList diagnostics;
    QVERIFY(PolicyParser::parseFile(path, diagnostics));
    QVERIFY(diagnostics.empty());
    QVERIFY(!PolicyParser::parseFile(dir.filePath("missing.yml").toStdString(), diagnostics));
    QCOMPARE(QString::fromStdString(diagnostics.format("missing.yml")),
             QString("missing.yml: error: cannot open the policy file\n"));
}

void TestPolicyParser::expressionColumns_data()
{
    QTest::addColumn<QString>("policy");
    QTest::addColumn<QString>("expected");

    const QString head = "on_http_request:\n  - expressions:\n";
    const QString tail = "    actions: [{type: deny}]\n";
    QTest::newRow("plain") << head + "      - req.host == BAD\n" + tail
                           << "p:3:21: error: unexpected 'BAD' in on_http_request\n";
    QTest::newRow("double quoted") << head + "      - \"req.host == BAD\"\n" + tail
                                   << "p:3:22: error: unexpected 'BAD' in on_http_request\n";
    QTest::newRow("double quoted with escapes") << head + "      - \"'\\t\\u00e9' + BAD\"\n" + tail
                                                << "p:3:23: error: unexpected 'BAD' in on_http_request\n";
    QTest::newRow("single quoted") << head + "      - 'req.host == ''x'' || BAD'\n" + tail
                                   << "p:3:31: error: unexpected 'BAD' in on_http_request\n";
    QTest::newRow("two problems") << head + "      - BAD || BAD\n" + tail
                                  << "p:3:9: error: unexpected 'BAD' in on_http_request\n"
                                     "p:3:16: error: unexpected 'BAD' in on_http_request\n";
    QTest::newRow("literal block") << head + "      - |\n        req.host == 'a' &&\n          BAD\n" + tail
                                   << "p:5:11: error: unexpected 'BAD' in on_http_request\n";
    QTest::newRow("folded block") << head + "      - >\n        req.host == 'a' &&\n        BAD\n" + tail
                                  << "p:5:9: error: unexpected 'BAD' in on_http_request\n";
    QTest::newRow("plain multi-line") << head + "      - req.host == 'a' &&\n        BAD\n" + tail
                                      << "p:4:9: error: unexpected 'BAD' in on_http_request\n";
    QTest::newRow("json") << "{\"on_http_response\": [{\"expressions\": [\"res.status_code == BAD\"],\n"
                             " \"actions\": [{\"type\": \"log\", \"config\": {\"metadata\": {\"a\": \"b\"}}}]}]}\n"
                          << "p:1:60: error: unexpected 'BAD' in on_http_response\n";
    QTest::newRow("interpolation") << "on_http_request:\n  - actions:\n      - type: add-headers\n"
                                      "        config:\n          headers:\n            x-a: \"v=${req.host + BAD}\"\n"
                                   << "p:6:34: error: unexpected 'BAD' in on_http_request\n";
    QTest::newRow("second interpolation") << "on_http_response:\n  - actions:\n      - type: custom-response\n"
                                             "        config:\n          body: ${a} and ${BAD}\n"
                                          << "p:5:28: error: unexpected 'BAD' in on_http_response\n";
    QTest::newRow("bucket key") << "on_http_request:\n  - actions:\n      - type: rate-limit\n        config:\n"
                                   "          name: r\n          algorithm: sliding_window\n          capacity: 10\n"
                                   "          rate: 60s\n          bucket_key: [conn.client_ip, BAD]\n"
                                << "p:9:40: error: unexpected 'BAD' in on_http_request\n";
}

void TestPolicyParser::expressionColumns()
{
    QFETCH(QString, policy);
    QFETCH(QString, expected);
    const FakeExpressionCompiler fake;
    PolicyValidator::Options options;
    options.compiler = &fake;
    DiagnosticList diagnostics;
    (void)PolicyValidator(options).check(PolicySource{policy.toStdString(), 1, 1, {}}, diagnostics);
    QCOMPARE(QString::fromStdString(diagnostics.format("p")), expected);
    for (const Diagnostic &d : diagnostics)
        QVERIFY(d.exprColumn > 0);
}

void TestPolicyParser::jsonChecker_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("message");
    QTest::addColumn<int>("offset");
    QTest::newRow("valid") << "{\"a\": [1, -2.5e3, true, null, \"x\\u00e9\"]}" << "" << 0;
    QTest::newRow("trailing comma") << "{\"a\": 1,}" << "trailing comma before '}'" << 8;
    QTest::newRow("missing comma") << "{\"a\": 1 \"b\": 2}" << "expected ',' or '}' after an object member, found '\"'" << 8;
    QTest::newRow("single quotes") << "{'a': 1}" << "expected a member name in double quotes, found '''" << 1;
    QTest::newRow("unclosed array") << "[1, 2" << "expected ',' or ']' after an array element, found end of input" << 5;
    QTest::newRow("garbage after") << "{} x" << "unexpected 'x' after the end of the JSON document" << 3;
    QTest::newRow("bad escape") << "[\"a\\q\"]" << "invalid escape in a string" << 3;
    QTest::newRow("leading zero") << "[01]" << "numbers must not start with 0" << 1;
    QTest::newRow("unterminated") << "[\"abc" << "string is never closed with '\"'" << 1;
}

void TestPolicyParser::jsonChecker()
{
    QFETCH(QString, json);
    QFETCH(QString, message);
    QFETCH(int, offset);
    const auto problem = JsonSyntaxChecker::check(json.toStdString());
    if (message.isEmpty()) {
        QVERIFY(!problem);
        return;
    }
    QVERIFY(problem);
    QCOMPARE(QString::fromStdString(problem->message), message);
    QCOMPARE(int(problem->offset), offset);
}

void TestPolicyParser::durations_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qlonglong>("ms"); // -1 = invalid
    QTest::newRow("seconds") << "60s" << 60000LL;
    QTest::newRow("minutes") << "1m" << 60000LL;
    QTest::newRow("hours") << "24h" << 86400000LL;
    QTest::newRow("combined") << "1m30s" << 90000LL;
    QTest::newRow("fraction") << "1.5h" << 5400000LL;
    QTest::newRow("millis") << "500ms" << 500LL;
    QTest::newRow("no unit") << "60" << -1LL;
    QTest::newRow("bad unit") << "3d" << -1LL;
    QTest::newRow("empty") << "" << -1LL;
    QTest::newRow("negative") << "-1s" << -1LL;
}

void TestPolicyParser::durations()
{
    QFETCH(QString, text);
    QFETCH(qlonglong, ms);
    const auto parsed = PolicyValues::parseDuration(text.toStdString());
    QCOMPARE(parsed ? qlonglong(*parsed) : -1LL, ms);
    if (parsed)
        QCOMPARE(PolicyValues::parseDuration(PolicyValues::formatDuration(*parsed)), parsed);
}

void TestPolicyParser::cidrs_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::newRow("v4") << "10.0.0.0/8" << true;
    QTest::newRow("v4 host") << "192.168.1.1" << true;
    QTest::newRow("v6") << "2001:db8::/32" << true;
    QTest::newRow("v6 /128") << "::1/128" << true;
    QTest::newRow("v4 /33") << "10.0.0.0/33" << false;
    QTest::newRow("bad octet") << "10.0.0.256/8" << false;
    QTest::newRow("name") << "localhost" << false;
    QTest::newRow("empty prefix") << "10.0.0.0/" << false;
}

void TestPolicyParser::cidrs()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QCOMPARE(!PolicyValues::cidrProblem(text.toStdString()).has_value(), valid);
}

void TestPolicyParser::deepNestingIsRefused()
{
    DiagnosticList diagnostics;
    const std::string deep = "on_http_request: " + std::string(100, '[') + std::string(100, ']') + "\n";
    QVERIFY(!PolicyParser::parse(deep, diagnostics));
    QCOMPARE(QString::fromStdString(diagnostics.format("p")),
             QString("p:1:82: error: the policy nests more than 64 levels deep\n"));
    DiagnosticList aliases;
    QVERIFY(!PolicyParser::parse(std::string("a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                                             "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                                             "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                                             "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                                             "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"),
                                 aliases));
    QCOMPARE(QString::fromStdString(aliases.format("p")),
             QString("p:4:4: error: the policy has more than 20000 values (are aliases expanding it?)\n"));
    DiagnosticList json;
    QVERIFY(!PolicyParser::parse(std::string(100, '[') + std::string(100, ']'), json));
    QCOMPARE(QString::fromStdString(json.format("p")),
             QString("p:1:66: error: JSON syntax error: JSON nests more than 64 levels deep\n"));
}

QTEST_GUILESS_MAIN(TestPolicyParser)
#include "tst_policyparser.moc"
