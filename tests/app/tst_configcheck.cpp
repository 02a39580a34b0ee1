// SPDX-License-Identifier: Apache-2.0
// `switchyard config check` run as a real process (CONTRACT.md: diagnostics
// format and exit codes).
#include "clirunner.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

namespace {

using Run = CliRun;

} // namespace

class TestConfigCheck : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void threeMistakes();
    void jsonOutput();
    void validFile();
    void singleEndpointWording();
    void demoConfigIsValid();
    void missingFile();
    void defaultConfigPathFromXdg();
    void usageErrors_data();
    void usageErrors();
    void help();

private:
    Run run(const QStringList &args, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment());
    void write(const QString &name, const QByteArray &text);

    QTemporaryDir m_dir;
};

void TestConfigCheck::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFile::exists(SWITCHYARD_BINARY), SWITCHYARD_BINARY);
}

Run TestConfigCheck::run(const QStringList &args, const QProcessEnvironment &env)
{
    return runSwitchyard(args, env, m_dir.path());
}

void TestConfigCheck::write(const QString &name, const QByteArray &text)
{
    QFile f(m_dir.path() + '/' + name);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(text);
}

void TestConfigCheck::threeMistakes()
{
    write("input.yml", "version: 3\n"
                       "endpoints:\n"
                       "  - name: web\n"
                       "    url: https://app.localhost\n"
                       "    pooling_enable: true\n"
                       "    upstream: {url: 8080}\n"
                       "  - name: api\n"
                       "    url: https://api.localhost:99999\n"
                       "    upstream: {url: 8081}\n"
                       "  - name: hello\n"
                       "    type: cloud\n"
                       "    url: https://hello.internal\n"
                       "    upstream: {url: 8082}\n"
                       "    traffic_policy: {on_http_request: [{actions: [{type: deny}]}]}\n");
    const Run r = run({"config", "check", "--config", "input.yml"});
    QCOMPARE(r.exitCode, 1);
    QCOMPARE(r.out, QString());
    const QStringList lines = r.err.split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 3);
    QCOMPARE(lines[0],
             "input.yml:5:5: error: unknown key 'pooling_enable' in endpoint; did you mean 'pooling_enabled'?");
    QCOMPARE(lines[1], "input.yml:8:10: error: port 99999 is out of range; use 1-65535");
    QCOMPARE(lines[2],
             "input.yml:13:5: error: cloud endpoint 'hello' cannot have an upstream; it is pure traffic policy");
}

void TestConfigCheck::jsonOutput()
{
    write("json.yml", "version: 3\n"
                      "endpoints:\n"
                      "  - name: web\n"
                      "    url: https://app.localhost\n"
                      "    upstream: {url: 99999}\n");
    const Run bad = run({"config", "check", "--config", "json.yml", "--json"});
    QCOMPARE(bad.exitCode, 1);
    QCOMPARE(bad.err, QString());
    const QJsonObject root = QJsonDocument::fromJson(bad.out.toUtf8()).object();
    QCOMPARE(root.value("valid").toBool(true), false);
    const QJsonArray items = root.value("diagnostics").toArray();
    QCOMPARE(items.size(), 1);
    const QJsonObject d = items.first().toObject();
    QCOMPARE(d.value("line").toInt(), 5);
    QCOMPARE(d.value("column").toInt(), 21);
    QCOMPARE(d.value("severity").toString(), QString("error"));
    QCOMPARE(d.value("path").toString(), QString("endpoints[0].upstream.url"));
    QCOMPARE(d.value("message").toString(), QString("upstream '99999' has port 99999, out of range; use 1-65535"));

    write("json-ok.yml", "version: 3\n");
    const Run good = run({"config", "check", "--config", "json-ok.yml", "--json"});
    QCOMPARE(good.exitCode, 0);
    QCOMPARE(good.out.trimmed(), QString(R"({"diagnostics":[],"valid":true})"));
}

void TestConfigCheck::validFile()
{
    write("valid.yml", "version: 3\n"
                       "agent:\n"
                       "  api_addr: 127.0.0.1:4040\n"
                       "  authtoken: from-ngrok\n"
                       "endpoints:\n"
                       "  - name: web\n"
                       "    url: https://app.localhost\n"
                       "    upstream: {url: 8080}\n"
                       "  - name: hello\n"
                       "    type: cloud\n"
                       "    url: https://example.internal\n"
                       "    traffic_policy: {on_http_request: [{actions: [{type: deny}]}]}\n");
    const Run r = run({"config", "check", "--config", "valid.yml", "--data-dir", m_dir.path() + "/data"});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.out, QString("valid.yml: valid (2 endpoints)\n"));
    // Warnings are printed but do not fail the check.
    QCOMPARE(r.err,
             QString("valid.yml:4:3: warning: agent key 'authtoken' is an ngrok setting that Switchyard does not "
                     "use; it is ignored\n"));
}

void TestConfigCheck::singleEndpointWording()
{
    write("one.yml", "version: 3\nendpoints:\n  - name: web\n    upstream: {url: 8080}\n");
    const Run r = run({"config", "check", "--config=one.yml"});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.out, QString("one.yml: valid (1 endpoint)\n"));
    QCOMPARE(r.err, QString());
}

void TestConfigCheck::demoConfigIsValid()
{
    const QString demo = QStringLiteral(SWITCHYARD_TEST_DATA_DIR "/../../resources/demo.yml");
    QVERIFY(QFile::exists(demo));
    const Run r = run({"config", "check", "--config", demo});
    QCOMPARE(r.err, QString());
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.out, demo + ": valid (2 endpoints)\n");
}

void TestConfigCheck::missingFile()
{
    const Run r = run({"config", "check", "--config", "nope.yml"});
    QCOMPARE(r.exitCode, 1);
    QCOMPARE(r.out, QString());
    QCOMPARE(r.err, QString("nope.yml: error: cannot read config file: No such file or directory\n"));
}

void TestConfigCheck::defaultConfigPathFromXdg()
{
    QVERIFY(QDir(m_dir.path()).mkpath("xdg/switchyard"));
    write("xdg/switchyard/switchyard.yml", "version: 3\nendpoints: []\n");
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("XDG_CONFIG_HOME", m_dir.path() + "/xdg");
    const Run r = run({"config", "check"}, env);
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.out, m_dir.path() + "/xdg/switchyard/switchyard.yml: valid (0 endpoints)\n");
}

void TestConfigCheck::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown subcommand")
        << QStringList{"config", "frob"}
        << "switchyard config: unknown subcommand 'frob'; the only subcommand is 'check'";
    QTest::newRow("typo subcommand") << QStringList{"config", "chek"}
                                     << "switchyard config: unknown subcommand 'chek'; did you mean 'check'?";
    QTest::newRow("missing subcommand") << QStringList{"config"}
                                        << "switchyard config: missing subcommand; use 'switchyard config check'";
    QTest::newRow("flag before subcommand")
        << QStringList{"config", "--config", "x.yml", "check"} << "switchyard config: put the subcommand first";
    QTest::newRow("unknown flag") << QStringList{"config", "check", "--frob"}
                                  << "switchyard config check: Unknown option 'frob'.";
    QTest::newRow("extra argument") << QStringList{"config", "check", "input.yml"}
                                    << "switchyard config check: unexpected argument 'input.yml'; name the file with "
                                       "--config FILE";
    QTest::newRow("config without value")
        << QStringList{"config", "check", "--config"} << "switchyard config check: Missing value after '--config'.";
    QTest::newRow("bad global flag") << QStringList{"config", "check", "--log-level", "loud"}
                                     << "switchyard config check: --log-level must be debug, info, warn or error";
}

void TestConfigCheck::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Run r = run(args);
    QCOMPARE(r.exitCode, 2);
    QCOMPARE(r.out, QString());
    QVERIFY2(r.err.startsWith(message), qPrintable(r.err));
}

void TestConfigCheck::help()
{
    const Run top = run({"config", "--help"});
    QCOMPARE(top.exitCode, 0);
    QVERIFY2(top.out.contains("check"), qPrintable(top.out));
    const Run check = run({"config", "check", "--help"});
    QCOMPARE(check.exitCode, 0);
    QVERIFY2(check.out.contains("--config"), qPrintable(check.out));
}

QTEST_GUILESS_MAIN(TestConfigCheck)
#include "tst_configcheck.moc"
