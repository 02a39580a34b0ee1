// SPDX-License-Identifier: Apache-2.0
// `switchyard api` against a real `switchyard start` with a temp data dir:
// the README's create command, list/get/update/delete, errors and exit
// codes, and persistence across a restart of the core.
#include "../support/freeport.h"
#include "clirunner.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <arpa/inet.h>
#include <csignal>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

// The README's traffic-policy.yml as "$(cat traffic-policy.yml)" passes it.
const QString ReadmePolicy = "on_http_request:\n"
                             "  - actions:\n"
                             "      - type: custom-response\n"
                             "        config:\n"
                             "          status_code: 200\n"
                             "          content: \"Hello world!\"";

QJsonObject jsonOf(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

} // namespace

class TestApiCommand : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void createWithReadmeCommand();
    void listGetUpdateDelete();
    void invalidPolicyFileShowsLineAndColumn();
    void badKeyExits1();
    void keyFromEnvironment();
    void noCoreExits3();
    void usageErrors_data();
    void usageErrors();
    void endpointsSurviveRestart();

private:
    void startCore();
    void stopCore();
    CliRun api(QStringList args, const QProcessEnvironment *env = nullptr);
    QString createEndpoint(const QString &url);

    QTemporaryDir m_home;
    QProcessEnvironment m_env;
    QString m_dataDir;
    QString m_config;
    QString m_apiAddr;
    int m_edgeHttp = 0;
    int m_edgeHttps = 0;
    std::unique_ptr<QProcess> m_core;
};

void TestApiCommand::startCore()
{
    m_core = std::make_unique<QProcess>();
    m_core->setProcessEnvironment(m_env);
    m_core->start(SWITCHYARD_BINARY, {"start", "--config", m_config, "--data-dir", m_dataDir, "--api-addr", m_apiAddr,
                                      "--edge-http", QString("127.0.0.1:%1").arg(m_edgeHttp), "--edge-https",
                                      QString("127.0.0.1:%1").arg(m_edgeHttps)});
    QString out;
    while (!out.contains("switchyard ready") && m_core->waitForReadyRead(10000))
        out += QString::fromUtf8(m_core->readAllStandardOutput());
    QVERIFY2(out.contains("switchyard ready"), qPrintable(out + m_core->readAllStandardError()));
}

void TestApiCommand::stopCore()
{
    if (!m_core)
        return;
    ::kill(static_cast<pid_t>(m_core->processId()), SIGTERM);
    QVERIFY(m_core->waitForFinished(15000));
    if (m_core->exitCode() != 0)
        qWarning("core stderr:\n%s", m_core->readAllStandardError().constData());
    QCOMPARE(m_core->exitCode(), 0);
    m_core.reset();
}

CliRun TestApiCommand::api(QStringList args, const QProcessEnvironment *env)
{
    args.prepend("api");
    args << "--api-addr" << m_apiAddr << "--data-dir" << m_dataDir;
    return runSwitchyard(args, env ? *env : m_env);
}

QString TestApiCommand::createEndpoint(const QString &url)
{
    const CliRun run = api({"endpoints", "create", "--url", url, "--traffic-policy", ReadmePolicy});
    if (run.exitCode != 0)
        qWarning("%s", qPrintable(run.err));
    return jsonOf(run.out).value("id").toString();
}

void TestApiCommand::initTestCase()
{
    QVERIFY(m_home.isValid());
    m_env = isolatedEnvironment(m_home.path());
    m_env.remove("SWITCHYARD_API_KEY");
    m_dataDir = m_home.path() + "/data-dir";
    m_config = m_home.path() + "/switchyard.yml";
    QFile config(m_config);
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write("version: 3\nendpoints: []\n");
    config.close();
    m_apiAddr = QString("127.0.0.1:%1").arg(freePort());
    m_edgeHttp = freePort();
    m_edgeHttps = freePort();
    startCore();
    QVERIFY(QFile::exists(m_dataDir + "/api_key"));
}

void TestApiCommand::cleanupTestCase()
{
    stopCore();
}

void TestApiCommand::createWithReadmeCommand()
{
    const CliRun run = api({"create", "--type", "cloud", "--binding", "internal", "--url", "https://example.internal",
                            "--traffic-policy", ReadmePolicy});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const QJsonObject endpoint = jsonOf(run.out);
    QVERIFY(endpoint.value("id").toString().startsWith("ep_"));
    QCOMPARE(endpoint.value("url").toString(), QString("https://example.internal"));
    QCOMPARE(endpoint.value("type").toString(), QString("cloud"));
    QCOMPARE(endpoint.value("bindings").toArray(), QJsonArray{"internal"});
    QCOMPARE(endpoint.value("traffic_policy").toString(), ReadmePolicy);

    // The same URL again is a conflict: exit 1 with the API's message.
    const CliRun again = api({"create", "--url", "https://example.internal", "--traffic-policy", ReadmePolicy});
    QCOMPARE(again.exitCode, 1);
    QVERIFY2(again.err.contains("ERR_SWITCHYARD_18009"), qPrintable(again.err));
    QVERIFY(again.out.isEmpty());
}

void TestApiCommand::listGetUpdateDelete()
{
    const QString id = createEndpoint("https://crud.internal");
    QVERIFY(!id.isEmpty());

    CliRun run = api({"endpoints", "list"});
    QCOMPARE(run.exitCode, 0);
    QStringList urls;
    for (const QJsonValue &e : jsonOf(run.out).value("endpoints").toArray())
        urls << e.toObject().value("url").toString();
    QVERIFY2(urls.contains("https://crud.internal"), qPrintable(run.out));

    run = api({"endpoints", "get", id});
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(jsonOf(run.out).value("url").toString(), QString("https://crud.internal"));

    run = api({"endpoints", "update", id, "--description", "updated", "--metadata", "{\"team\":\"a\"}"});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QCOMPARE(jsonOf(run.out).value("description").toString(), QString("updated"));
    QCOMPARE(jsonOf(run.out).value("metadata").toString(), QString("{\"team\":\"a\"}"));

    run = api({"endpoints", "delete", id});
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(run.out, QString());

    run = api({"endpoints", "get", id});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains("ERR_SWITCHYARD_404"), qPrintable(run.err));
}

void TestApiCommand::invalidPolicyFileShowsLineAndColumn()
{
    const QString file = m_home.path() + "/bad.yml";
    QFile bad(file);
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("on_http_request:\n"
              "  - actions:\n"
              "      - type: custom-response\n"
              "        config: {status_code: 200}\n"
              "      - type: nope\n");
    bad.close();
    const CliRun run = api({"endpoints", "create", "--url", "https://bad.internal", "--traffic-policy-file", file});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(file + ":5:15: error: unknown action type 'nope'"), qPrintable(run.err));
    QVERIFY(run.err.contains("ERR_SWITCHYARD_18002"));

    // Nothing was created.
    const CliRun list = api({"endpoints", "list"});
    QVERIFY(!list.out.contains("bad.internal"));
}

void TestApiCommand::badKeyExits1()
{
    const CliRun run = api({"endpoints", "list", "--api-key", "sy_" + QString(40, 'x')});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains("ERR_SWITCHYARD_203"), qPrintable(run.err));
    QVERIFY(run.out.isEmpty());
}

void TestApiCommand::keyFromEnvironment()
{
    // The environment wins over DATA_DIR/api_key: a wrong one is refused.
    QProcessEnvironment env = m_env;
    env.insert("SWITCHYARD_API_KEY", "not-a-key");
    CliRun run = api({"endpoints", "list"}, &env);
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains("ERR_SWITCHYARD_202"), qPrintable(run.err));

    QFile keyFile(m_dataDir + "/api_key");
    QVERIFY(keyFile.open(QIODevice::ReadOnly));
    env.insert("SWITCHYARD_API_KEY", QString::fromUtf8(keyFile.readAll()).trimmed());
    run = runSwitchyard({"api", "endpoints", "list", "--api-addr", m_apiAddr, "--data-dir", m_home.path() + "/none"},
                        env);
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY(jsonOf(run.out).contains("endpoints"));
}

void TestApiCommand::noCoreExits3()
{
    const QString addr = QString("127.0.0.1:%1").arg(freePort());
    const CliRun run =
        runSwitchyard({"api", "endpoints", "list", "--api-addr", addr, "--data-dir", m_home.path() + "/none"}, m_env);
    QCOMPARE(run.exitCode, 3);
    QVERIFY2(run.err.contains("no Switchyard core answering on " + addr), qPrintable(run.err));
}

void TestApiCommand::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("nothing") << QStringList{} << "expected 'endpoints' or 'create'";
    QTest::newRow("unknown resource") << QStringList{"endpoint", "list"} << "Did you mean 'endpoints'?";
    QTest::newRow("no action") << QStringList{"endpoints"} << "expected an action";
    QTest::newRow("unknown action") << QStringList{"endpoints", "lst"} << "Did you mean 'list'?";
    QTest::newRow("get without id") << QStringList{"endpoints", "get"} << "get: expected the endpoint ID";
    QTest::newRow("extra argument") << QStringList{"endpoints", "list", "x"} << "unexpected argument 'x'";
    QTest::newRow("create without url") << QStringList{"create", "--traffic-policy", "x"} << "--url is required";
    QTest::newRow("both policies") << QStringList{"create", "--url", "https://a.internal", "--traffic-policy", "x",
                                                  "--traffic-policy-file", "f"}
                                   << "exclude each other";
    QTest::newRow("field on delete") << QStringList{"endpoints", "delete", "ep_1", "--url", "https://a.internal"}
                                     << "delete takes no --url";
    QTest::newRow("unknown flag") << QStringList{"endpoints", "list", "--bogus"} << "bogus";
}

void TestApiCommand::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const CliRun run = api(args);
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains(message), qPrintable(run.err));
}

void TestApiCommand::endpointsSurviveRestart()
{
    const QString id = createEndpoint("https://persist.internal");
    QVERIFY(!id.isEmpty());
    stopCore();
    startCore();
    const CliRun run = api({"endpoints", "get", id});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QCOMPARE(jsonOf(run.out).value("url").toString(), QString("https://persist.internal"));
}

QTEST_GUILESS_MAIN(TestApiCommand)
#include "tst_apicommand.moc"
