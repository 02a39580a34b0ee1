// SPDX-License-Identifier: Apache-2.0
// `switchyard policy validate` through the real binary: output format,
// exit codes and the --json shape of CONTRACT.md.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include "clirunner.h"

#include <QTemporaryDir>
#include <QTest>

class TestPolicyValidate : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void threeMistakes();
    void validFileIsSilent();
    void warningsDoNotFail();
    void json();
    void endpointFlags();
    void usage_data();
    void usage();

private:
    using Run = CliRun;
    Run run(const QStringList &args);
    QString write(const QString &name, const QByteArray &text);

    QTemporaryDir m_dir;
};

void TestPolicyValidate::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

TestPolicyValidate::Run TestPolicyValidate::run(const QStringList &args)
{
    return runSwitchyard(args, isolatedEnvironment(m_dir.path()), m_dir.path());
}

QString TestPolicyValidate::write(const QString &name, const QByteArray &text)
{
    QFile f(m_dir.filePath(name));
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(text);
    return name;
}

void TestPolicyValidate::threeMistakes()
{
    const QString file = write("bad.yml", "on_http_request:\n"
                                          "  - actions:\n"
                                          "      - type: custom-respone\n"
                                          "      - type: deny\n"
                                          "        config: {status_code: 200}\n"
                                          "  - expresions: [\"true\"]\n"
                                          "    actions: [{type: close-connection}]\n");
    const Run r = run({"policy", "validate", file});
    QCOMPARE(r.exitCode, 1);
    QCOMPARE(r.out, QString());
    QCOMPARE(r.err, QString("bad.yml:3:15: error: unknown action type 'custom-respone'; did you mean 'custom-response'?\n"
                            "bad.yml:5:31: error: 'status_code' must be from 400 to 599, not 200\n"
                            "bad.yml:6:5: error: unknown key 'expresions'; did you mean 'expressions'?\n"));
    QCOMPARE(r.err.count(QRegularExpression("^bad\\.yml:\\d+:\\d+: error: ", QRegularExpression::MultilineOption)), 3);
}

void TestPolicyValidate::validFileIsSilent()
{
    const QString file = write("ok.yml", "on_http_request:\n  - actions:\n      - type: custom-response\n"
                                         "        config: {status_code: 200, content: \"Hello world!\"}\n");
    const Run r = run({"policy", "validate", file, "--url", "https://example.internal", "--type", "cloud"});
    QCOMPARE(r.err, QString());
    QCOMPARE(r.out, QString());
    QCOMPARE(r.exitCode, 0);
}

void TestPolicyValidate::warningsDoNotFail()
{
    const QString file = write("legacy.yml", "inbound:\n  - actions: [{type: deny}]\n");
    const Run r = run({"policy", "validate", file});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.out, QString());
    QCOMPARE(r.err, QString("legacy.yml:1:1: warning: 'inbound' is the old name of 'on_http_request'; rename it\n"));
}

void TestPolicyValidate::json()
{
    const QString file = write("j.yml", "on_http_request:\n  - actions: [{type: oauth}]\n");
    const Run r = run({"policy", "validate", file, "--json"});
    QCOMPARE(r.exitCode, 1);
    QCOMPARE(r.err, QString());
    QJsonParseError error;
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8(), &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(o.value("valid"), QJsonValue(false));
    const QJsonArray list = o.value("diagnostics").toArray();
    QCOMPARE(list.size(), 1);
    const QJsonObject d = list.at(0).toObject();
    QCOMPARE(d.value("line").toInt(), 2);
    QCOMPARE(d.value("column").toInt(), 22);
    QCOMPARE(d.value("severity").toString(), QString("error"));
    QCOMPARE(d.value("path").toString(), QString("on_http_request[0].actions[0].type"));
    QVERIFY(d.value("message").toString().startsWith("action 'oauth' is not supported by Switchyard: it needs "));

    const QString good = write("g.json", "{\"on_http_request\": [{\"actions\": [{\"type\": \"deny\"}]}]}");
    const Run ok = run({"policy", "validate", good, "--json"});
    QCOMPARE(ok.exitCode, 0);
    const QJsonObject v = QJsonDocument::fromJson(ok.out.toUtf8()).object();
    QCOMPARE(v.value("valid"), QJsonValue(true));
    QCOMPARE(v.value("diagnostics").toArray().size(), 0);
}

void TestPolicyValidate::endpointFlags()
{
    const QString file = write("tcp.yml", "on_tcp_connect:\n  - actions: [{type: close-connection}]\n");
    QCOMPARE(run({"policy", "validate", file, "--url", "tcp://db.internal:5432", "--type", "cloud"}).exitCode, 0);
    const Run internal = run({"policy", "validate", file, "--url", "https://x.internal"});
    QCOMPARE(internal.exitCode, 1);
    QVERIFY2(internal.err.startsWith("tcp.yml:1:1: error: on_tcp_connect cannot be used on the internal endpoint "
                                     "https://x.internal"),
             qPrintable(internal.err));
}

void TestPolicyValidate::usage_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("stderrContains");
    QTest::newRow("no subcommand") << QStringList{"policy"} << 2 << "expected a subcommand";
    QTest::newRow("unknown subcommand") << QStringList{"policy", "lint", "x.yml"} << 2 << "unknown subcommand 'lint'";
    QTest::newRow("no file") << QStringList{"policy", "validate"} << 2 << "exactly one FILE argument, got 0";
    QTest::newRow("two files") << QStringList{"policy", "validate", "a", "b"} << 2 << "exactly one FILE argument, got 2";
    QTest::newRow("bad type") << QStringList{"policy", "validate", "a", "--type", "edge"} << 2
                              << "--type must be agent or cloud, not 'edge'";
    QTest::newRow("unknown flag") << QStringList{"policy", "validate", "a", "--frob"} << 2 << "Unknown option 'frob'";
    QTest::newRow("bad url") << QStringList{"policy", "validate", "a", "--url", "ftp://x"} << 1 << "invalid --url";
    QTest::newRow("missing file") << QStringList{"policy", "validate", "nope.yml"} << 1 << "cannot open 'nope.yml'";
    QTest::newRow("simulate missing file") << QStringList{"policy", "simulate", "a.yml", "--url", "https://x.internal",
                                                          "--request", "GET https://x.internal/"}
                                           << 1 << "cannot open 'a.yml'";
}

void TestPolicyValidate::usage()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QString, stderrContains);
    const Run r = run(args);
    QVERIFY2(r.err.contains(stderrContains), qPrintable("stderr was: " + r.err));
    QCOMPARE(r.exitCode, exitCode);
}

QTEST_GUILESS_MAIN(TestPolicyValidate)
#include "tst_policyvalidate.moc"
