// SPDX-License-Identifier: Apache-2.0
// `switchyard expr eval` end to end: JSON output shapes, --vars, exit codes.
#include <QObject>
#include "clirunner.h"

#include <QTest>

class TestExprEval : public QObject
{
    Q_OBJECT

private slots:
    void output_data();
    void output();
    void errors_data();
    void errors();
};

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

// Output trimmed: the cases compare whole values.
Run run(const QStringList &args)
{
    const CliRun r = runSwitchyard(QStringList{"expr"} + args, QProcessEnvironment::systemEnvironment());
    return {r.exitCode, r.out.trimmed(), r.err.trimmed()};
}

} // namespace

void TestExprEval::output_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("json");
    auto row = [](const char *name, QStringList args, const char *json) {
        QTest::newRow(name) << args << QString::fromUtf8(json);
    };
    row("int", {"eval", "1 + 2"}, "3");
    row("negative literal", {"eval", "-9223372036854775808"}, "-9223372036854775808");
    row("leading minus", {"eval", "--5"}, "5");
    row("uint", {"eval", "18446744073709551615u"}, "18446744073709551615");
    row("double keeps fraction", {"eval", "1.0"}, "1.0");
    row("double exponent", {"eval", "1e100"}, "1e+100");
    row("nan", {"eval", "0.0 / 0.0"}, "\"NaN\"");
    row("infinity", {"eval", "-1.0 / 0.0"}, "\"-Infinity\"");
    row("string escaped", {"eval", "'a\"b\\n'"}, "\"a\\\"b\\n\"");
    row("bytes as base64", {"eval", "b'hi'"}, "\"aGk=\"");
    row("list", {"eval", "[1, 'a', true, null]"}, "[1,\"a\",true,null]");
    row("map keys stringified", {"eval", "{1: 'a', true: 2.5, 'k': [1]}"}, "{\"1\":\"a\",\"true\":2.5,\"k\":[1]}");
    row("timestamp", {"eval", "timestamp('2009-02-13T23:31:30.5Z')"}, "\"2009-02-13T23:31:30.5Z\"");
    row("duration", {"eval", "duration('1h')"}, "\"3600s\"");
    row("type", {"eval", "type(1)"}, "\"int\"");
    row("vars int", {"eval", "x + 1", "--vars", "{\"x\": 41}"}, "42");
    row("vars double", {"eval", "x", "--vars", "{\"x\": 1.0}"}, "1.0");
    row("vars before expr", {"--vars", "{\"s\": \"abc\"}", "eval", "s.size()"}, "3");
    row("vars nested", {"eval", "req.headers['a'][1]", "--vars", "{\"req\": {\"headers\": {\"a\": [\"x\", \"y\"]}}}"},
        "\"y\"");
    row("vars dyn", {"eval", "x == 1.0", "--vars", "{\"x\": 1}"}, "true");
    row("double dash", {"eval", "--", "-1"}, "-1");
}

void TestExprEval::output()
{
    QFETCH(QStringList, args);
    QFETCH(QString, json);
    const Run r = run(args);
    QCOMPARE(r.err, QString());
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.out, json);
}

void TestExprEval::errors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("stderrStart");
    auto row = [](const char *name, QStringList args, int code, const char *err) {
        QTest::newRow(name) << args << code << QString::fromUtf8(err);
    };
    row("syntax", {"eval", "1 +"}, 1, "error: 1:4: Syntax error: unexpected end of expression");
    row("undeclared", {"eval", "1 + foo"}, 1, "error: 1:5: undeclared reference to 'foo'");
    row("type", {"eval", "1 + 'a'"}, 1, "error: 1:3: found no matching overload for '_+_' applied to '(int, string)'");
    row("runtime", {"eval", "1 / 0"}, 1, "error: division by zero");
    row("missing expression", {"eval"}, 2, "switchyard expr eval: missing expression");
    row("missing subcommand", {}, 2, "switchyard expr: missing subcommand");
    row("bad vars", {"eval", "x", "--vars", "[1]"}, 2, "switchyard expr eval: --vars must be a JSON object");
    row("unknown flag", {"eval", "1", "--bogus"}, 2, "switchyard expr:");
    row("extra argument", {"eval", "1", "2"}, 2, "switchyard expr: unexpected argument '2'");
}

void TestExprEval::errors()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QString, stderrStart);
    const Run r = run(args);
    QCOMPARE(r.exitCode, exitCode);
    QCOMPARE(r.out, QString());
    QVERIFY2(r.err.startsWith(stderrStart), qPrintable(r.err));
}

QTEST_GUILESS_MAIN(TestExprEval)
#include "tst_expreval.moc"
