// SPDX-License-Identifier: Apache-2.0
// Robustness of `switchyard http|tcp|tls` and `start` as real processes: an
// attached agent outlives a core restart and registers its endpoint again,
// --traffic-policy-file reloads on SIGHUP and on a change (embedded and
// attached) and an invalid one keeps the old policy, dedicated listener
// lines name their endpoints, and a config reload applies
// agent.api_allow_hosts live while naming the settings that need a restart.
#include "../support/freeport.h"
#include "../support/rawhttpclient.h"
#include "../support/switchyardprocess.h"
#include "../support/waituntil.h"
#include "clirunner.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

namespace {

QString answering(const QString &body)
{
    return QString("on_http_request:\n"
                   "  - actions:\n"
                   "      - type: custom-response\n"
                   "        config:\n"
                   "          status_code: 200\n"
                   "          content: %1\n")
        .arg(body);
}

// Column 30 of line 2 is the first '=' after "==" that CEL cannot lex.
const QString InvalidPolicy = "on_http_request:\n"
                              "  - expressions: [\"req.foo ===\"]\n"
                              "    actions:\n"
                              "      - type: deny\n";

RawResponse getFrom(int port, const std::string &host, const std::string &path = "/")
{
    RawConnection c(port);
    c.send("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
    return c.readResponse();
}

} // namespace

class TestAgentCli : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();

    void attachedReattachesAfterCoreRestart();
    void attachedStopsCleanlyWhileReconnecting();
    void embeddedPolicyFileReloads();
    void attachedPolicyFileReloads();
    void dedicatedListenerLinesNameEndpoints();
    void configReloadAppliesAllowHostsLive();

private:
    QStringList coreArgs() const;
    QString writeFile(const QString &name, const QString &text) const;
    // A core (`switchyard http --name front` on its own port).
    bool startCore(SwitchyardProcess &core) const;

    QTemporaryDir m_home;
    QProcessEnvironment m_env;
    int m_api = 0;
    int m_edge = 0;
    int m_front = 0;
    QString m_dataDir;
    int m_run = 0;
};

void TestAgentCli::initTestCase()
{
    QVERIFY(m_home.isValid());
    m_env = isolatedEnvironment(m_home.path());
}

void TestAgentCli::init()
{
    m_api = freePort();
    m_edge = freePort();
    m_front = freePort();
    m_dataDir = m_home.path() + "/data-" + QString::number(++m_run);
}

QStringList TestAgentCli::coreArgs() const
{
    return {"--api-addr", QString("127.0.0.1:%1").arg(m_api), "--edge-http", QString("127.0.0.1:%1").arg(m_edge),
            "--edge-https", "127.0.0.1:0", "--data-dir", m_dataDir, "--workers", "1"};
}

QString TestAgentCli::writeFile(const QString &name, const QString &text) const
{
    const QString path = m_home.path() + "/" + name;
    QFile file(path);
    if (file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        file.write(text.toUtf8());
    return path;
}

bool TestAgentCli::startCore(SwitchyardProcess &core) const
{
    return core.start(QStringList{"http", "9", "--url", QString("http://127.0.0.1:%1").arg(m_front), "--name", "front"}
                          + coreArgs(),
                      m_env);
}

void TestAgentCli::attachedReattachesAfterCoreRestart()
{
    auto core = std::make_unique<SwitchyardProcess>();
    QVERIFY2(startCore(*core), qPrintable(core->all()));
    const QString policy = writeFile("restart.yml", answering("from-agent"));
    SwitchyardProcess agent;
    QVERIFY2(agent.start(QStringList{"http", "9", "--url", "http://app.localhost", "--traffic-policy-file", policy}
                             + coreArgs(),
                         m_env, "\nendpoint "),
             qPrintable(agent.all()));
    QVERIFY2(agent.out().contains("\nattached 127.0.0.1:"), qPrintable(agent.all()));
    QCOMPARE(getFrom(m_edge, "app.localhost").body, std::string("from-agent"));

    core->signal(SIGKILL);
    QCOMPARE(core->waitExit(), -2);
    core = std::make_unique<SwitchyardProcess>();
    // The agent notices within its lease and keeps trying.
    QVERIFY2(agent.waitErr(QString("switchyard http: lost the core at 127.0.0.1:%1").arg(m_api), 5000),
             qPrintable(agent.all()));
    QVERIFY2(agent.err().contains("; reconnecting\n"), qPrintable(agent.all()));

    QVERIFY2(startCore(*core), qPrintable(core->all()));
    QVERIFY2(agent.waitErr(QString("switchyard http: reconnected to the core at 127.0.0.1:%1 (session as_").arg(m_api),
                           5000),
             qPrintable(agent.all()));
    QVERIFY2(agent.err().contains("): endpoint http://app.localhost -> http://localhost:9 [http]\n"),
             qPrintable(agent.all()));
    QVERIFY(waitUntil([&] { return getFrom(m_edge, "app.localhost").body == "from-agent"; }, 3000));

    QCOMPARE(agent.stop(SIGTERM), 0);
    // Closing the session took the endpoint offline again.
    QVERIFY(waitUntil([&] { return getFrom(m_edge, "app.localhost").status == 404; }, 3000));
    QCOMPARE(core->stop(SIGTERM), 0);
}

void TestAgentCli::attachedStopsCleanlyWhileReconnecting()
{
    auto core = std::make_unique<SwitchyardProcess>();
    QVERIFY2(startCore(*core), qPrintable(core->all()));
    SwitchyardProcess agent;
    QVERIFY2(agent.start(QStringList{"http", "9", "--url", "http://app.localhost"} + coreArgs(), m_env, "\nendpoint "),
             qPrintable(agent.all()));
    QCOMPARE(core->stop(SIGTERM), 0);
    QVERIFY2(agent.waitErr("; reconnecting\n", 5000), qPrintable(agent.all()));
    QCOMPARE(agent.stop(SIGTERM), 0);
}

void TestAgentCli::embeddedPolicyFileReloads()
{
    const QString policy = writeFile("embedded.yml", answering("one"));
    SwitchyardProcess core;
    QVERIFY2(core.start(QStringList{"http", "9", "--url", QString("http://127.0.0.1:%1").arg(m_front),
                                    "--traffic-policy-file", policy}
                            + coreArgs(),
                        m_env),
             qPrintable(core.all()));
    QCOMPARE(getFrom(m_front, "127.0.0.1").body, std::string("one"));

    writeFile("embedded.yml", answering("two"));
    core.signal(SIGHUP);
    const QString updated =
        QString("reloaded %1: traffic policy of http://127.0.0.1:%2 [http] updated\n").arg(policy).arg(m_front);
    QVERIFY2(core.waitOut(updated, 5000), qPrintable(core.all()));
    QCOMPARE(getFrom(m_front, "127.0.0.1").body, std::string("two"));

    // No signal: the poll sees the change; the invalid policy is refused.
    writeFile("embedded.yml", InvalidPolicy);
    QVERIFY2(core.waitErr("reload failed; still serving the previous traffic policy\n", 5000), qPrintable(core.all()));
    QVERIFY2(core.err().startsWith(policy + ":2:30: error: "), qPrintable(core.all()));
    QCOMPARE(getFrom(m_front, "127.0.0.1").body, std::string("two"));

    writeFile("embedded.yml", answering("three"));
    QVERIFY2(core.waitOut(updated + "reloaded", 5000), qPrintable(core.all()));
    QVERIFY(waitUntil([&] { return getFrom(m_front, "127.0.0.1").body == "three"; }, 2000));
    QCOMPARE(core.stop(SIGTERM), 0);
}

void TestAgentCli::attachedPolicyFileReloads()
{
    SwitchyardProcess core;
    QVERIFY2(startCore(core), qPrintable(core.all()));
    const QString policy = writeFile("attached.yml", answering("one"));
    SwitchyardProcess agent;
    QVERIFY2(agent.start(QStringList{"http", "9", "--url", "http://app.localhost", "--name", "app",
                                     "--traffic-policy-file", policy}
                             + coreArgs(),
                         m_env, "\nendpoint "),
             qPrintable(agent.all()));
    QCOMPARE(getFrom(m_edge, "app.localhost").body, std::string("one"));

    writeFile("attached.yml", answering("two"));
    agent.signal(SIGHUP);
    const QString updated = QString("reloaded %1: traffic policy of http://app.localhost [app] updated\n").arg(policy);
    QVERIFY2(agent.waitOut(updated, 5000), qPrintable(agent.all()));
    QCOMPARE(getFrom(m_edge, "app.localhost").body, std::string("two"));

    writeFile("attached.yml", InvalidPolicy);
    QVERIFY2(agent.waitErr("reload failed; still serving the previous traffic policy\n", 5000),
             qPrintable(agent.all()));
    QVERIFY2(agent.err().startsWith(policy + ":2:30: error: "), qPrintable(agent.all()));
    QCOMPARE(getFrom(m_edge, "app.localhost").body, std::string("two"));

    QCOMPARE(agent.stop(SIGTERM), 0);
    QCOMPARE(core.stop(SIGTERM), 0);
}

void TestAgentCli::dedicatedListenerLinesNameEndpoints()
{
    const int tcpPort = freePort();
    const QString config = writeFile("listeners.yml", QString("version: 3\n"
                                                              "endpoints:\n"
                                                              "  - name: web-a\n"
                                                              "    url: http://127.0.0.1:%1\n"
                                                              "    pooling_enabled: true\n"
                                                              "    upstream:\n"
                                                              "      url: 9\n"
                                                              "  - name: web-b\n"
                                                              "    url: http://127.0.0.1:%1\n"
                                                              "    pooling_enabled: true\n"
                                                              "    upstream:\n"
                                                              "      url: 9\n"
                                                              "  - name: db\n"
                                                              "    url: tcp://db.localhost:%2\n"
                                                              "    upstream:\n"
                                                              "      url: 9\n"
                                                              "  - name: hidden\n"
                                                              "    url: https://hidden.internal\n"
                                                              "    upstream:\n"
                                                              "      url: 9\n")
                                                          .arg(m_front)
                                                          .arg(tcpPort));
    SwitchyardProcess core;
    QVERIFY2(core.start(QStringList{"start", "--all", "--config", config} + coreArgs(), m_env), qPrintable(core.all()));
    const QString out = core.out();
    QVERIFY2(out.contains(QString("\nlistening http 127.0.0.1:%1 http://127.0.0.1:%1 [web-a,web-b]\n").arg(m_front)),
             qPrintable(out));
    QVERIFY2(out.contains(QString("\nlistening tcp 127.0.0.1:%1 tcp://db.localhost:%1 [db]\n").arg(tcpPort)),
             qPrintable(out));
    // Shared listeners keep their three fields.
    QVERIFY2(out.contains(QString("\nlistening api 127.0.0.1:%1\n").arg(m_api)), qPrintable(out));
    QVERIFY2(out.contains(QString("\nlistening edge-http 127.0.0.1:%1\n").arg(m_edge)), qPrintable(out));
    // An internal endpoint has no listener to name.
    for (const QString &line : out.split('\n'))
        QVERIFY2(!line.startsWith("listening") || !line.contains("hidden"), qPrintable(out));
    QCOMPARE(core.stop(SIGTERM), 0);
}

void TestAgentCli::configReloadAppliesAllowHostsLive()
{
    const QString endpoints = QString("endpoints:\n"
                                      "  - name: web\n"
                                      "    url: http://127.0.0.1:%1\n"
                                      "    upstream:\n"
                                      "      url: 9\n")
                                  .arg(m_front);
    const QString config = writeFile("agent.yml", "version: 3\n" + endpoints);
    SwitchyardProcess core;
    QVERIFY2(core.start(QStringList{"start", "--all", "--config", config} + coreArgs(), m_env), qPrintable(core.all()));
    // Not loopback and not allowed: the rebinding guard refuses it.
    QCOMPARE(getFrom(m_api, "switchyard.lan", "/api/endpoints").status, 403);

    writeFile("agent.yml", "version: 3\n"
                           "agent:\n"
                           "  api_allow_hosts: [switchyard.lan]\n"
                           "  edge_http: 127.0.0.1:1\n"
                           "  limits:\n"
                           "    idle_timeout: 5s\n"
                               + endpoints);
    core.signal(SIGHUP);
    const QString reloaded = QString("reloaded %1: 1 endpoint (0 added, 0 changed, 0 removed)\n"
                                     "applied: agent.api_allow_hosts\n"
                                     "applied: agent.limits.idle_timeout\n"
                                     "needs a restart: agent.edge_http\n")
                                 .arg(config);
    QVERIFY2(core.waitOut(reloaded, 5000), qPrintable(core.all()));
    QCOMPARE(getFrom(m_api, "switchyard.lan", "/api/endpoints").status, 200);
    QCOMPARE(getFrom(m_api, "other.lan", "/api/endpoints").status, 403);
    // The inspector API shares the guard.
    QCOMPARE(getFrom(m_api, "switchyard.lan", "/api/requests/http").status, 200);

    // Dropping the list applies live too; the restart lines stay until one.
    writeFile("agent.yml", "version: 3\n"
                           "agent:\n"
                           "  edge_http: 127.0.0.1:1\n"
                           "  limits:\n"
                           "    idle_timeout: 5s\n"
                               + endpoints);
    core.signal(SIGHUP);
    // The limit is the engine's now: no line for it again.
    const QString again = QString("reloaded %1: 1 endpoint (0 added, 0 changed, 0 removed)\n"
                                  "applied: agent.api_allow_hosts\n"
                                  "needs a restart: agent.edge_http\n")
                              .arg(config);
    QVERIFY2(core.waitOut(reloaded + again, 5000), qPrintable(core.all()));
    QCOMPARE(getFrom(m_api, "switchyard.lan", "/api/endpoints").status, 403);
    QCOMPARE(core.stop(SIGTERM), 0);
}

QTEST_GUILESS_MAIN(TestAgentCli)
#include "tst_agentcli.moc"
