// SPDX-License-Identifier: Apache-2.0
// `switchyard http` attached to a running core as real processes: it lists
// in GET /api/endpoints, traffic flows through the core's edge to its
// upstream, SIGTERM and SIGKILL take it offline (within 2 s), conflicts name
// the existing endpoint, pooled agents share a URL, the seed quickstart end
// to end; and the `api` command's config file, pooling and paging.
#include "../support/freeport.h"
#include "../support/rawhttpclient.h"
#include "../support/waituntil.h"
#include "clirunner.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <functional>
#include <set>
#include <sys/prctl.h>
#include <thread>

namespace {

const QString ForwardPolicy = "on_http_request:\n"
                              "  - actions:\n"
                              "      - type: forward-internal\n"
                              "        config:\n"
                              "          url: https://example.internal\n";
const QString HelloPolicy = "on_http_request:\n"
                            "  - actions:\n"
                            "      - type: custom-response\n"
                            "        config:\n"
                            "          status_code: 200\n"
                            "          content: \"Hello world!\"\n";

} // namespace

class TestAgentSession : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void attachListsAndForwards();
    void sigtermTakesEndpointOffline();
    void sigkillOfflineWithin2s();
    void conflictNamesExistingEndpoint();
    void pooledPairSharesTraffic();
    void invalidPolicyFileExits1();
    void seedQuickstart();
    void seedQuickstartPooled();
    void apiReadsApiAddrFromConfigFile();
    void apiUpdateTurnsPoolingOff();
    void apiListFollowsNextPage();
    void apiRejectsInvalidRegexWithPosition();

private:
    // Starts switchyard; waits for "switchyard ready" and returns the stdout.
    QProcess *launch(const QStringList &args, QString &out);
    QStringList coreArgs() const;
    void startCore(const QStringList &extra = {});
    QStringList attachArgs(int upstream, const QString &url) const;
    QJsonArray agentEndpoints() const;
    bool listed(const QString &url) const;
    RawResponse viaEdge(const std::string &host, const std::string &path = "/echo") const;
    RawResponse viaPort(int port, const std::string &path = "/echo") const;
    CliRun api(const QStringList &args) const;
    std::string apiKey() const;
    QString writeFile(const QString &name, const QString &text) const;

    QTemporaryDir m_home;
    QProcessEnvironment m_env;
    std::unique_ptr<OriginProcess> m_originA;
    std::unique_ptr<OriginProcess> m_originB;
    std::vector<std::unique_ptr<QProcess>> m_processes;
    int m_api = 0;
    int m_edge = 0;
    int m_front = 0;
    QString m_dataDir;
    int m_run = 0;
};

void TestAgentSession::initTestCase()
{
    m_env = isolatedEnvironment(m_home.path());
    m_originA = std::make_unique<OriginProcess>("A");
    m_originB = std::make_unique<OriginProcess>("B");
    QVERIFY(m_originA->port() > 0 && m_originB->port() > 0);
}

void TestAgentSession::init()
{
    m_api = freePort();
    m_edge = freePort();
    m_front = freePort();
    m_dataDir = m_home.path() + "/data-" + QString::number(++m_run);
}

void TestAgentSession::cleanup()
{
    for (auto &process : m_processes) {
        if (process->state() != QProcess::NotRunning) {
            ::kill(static_cast<pid_t>(process->processId()), SIGTERM);
            if (!process->waitForFinished(10000)) {
                process->kill();
                process->waitForFinished();
            }
        }
    }
    m_processes.clear();
}

QProcess *TestAgentSession::launch(const QStringList &args, QString &out)
{
    auto process = std::make_unique<QProcess>();
    process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    process->setProcessEnvironment(m_env);
    process->start(SWITCHYARD_BINARY, args);
    out.clear();
    while (!out.contains("switchyard ready") && process->waitForReadyRead(10000))
        out += QString::fromUtf8(process->readAllStandardOutput());
    // The endpoint lines follow the ready line in the same write.
    process->waitForReadyRead(100);
    out += QString::fromUtf8(process->readAllStandardOutput());
    m_processes.push_back(std::move(process));
    return m_processes.back().get();
}

QStringList TestAgentSession::coreArgs() const
{
    return {"--api-addr", QString("127.0.0.1:%1").arg(m_api), "--edge-http", QString("127.0.0.1:%1").arg(m_edge),
            "--edge-https", QString("127.0.0.1:%1").arg(freePort()), "--data-dir", m_dataDir, "--workers", "2"};
}

// The core: the first `switchyard http`, on its own front port, to origin A.
void TestAgentSession::startCore(const QStringList &extra)
{
    QString out;
    QProcess *core = launch(QStringList{"http", QString::number(m_originA->port()), "--url",
                                        QString("http://127.0.0.1:%1").arg(m_front), "--name", "front"}
                                + extra + coreArgs(),
                            out);
    QVERIFY2(out.contains(QString("listening api 127.0.0.1:%1").arg(m_api)),
             qPrintable(out + core->readAllStandardError()));
}

QStringList TestAgentSession::attachArgs(int upstream, const QString &url) const
{
    return QStringList{"http", QString::number(upstream), "--url", url} + coreArgs();
}

QJsonArray TestAgentSession::agentEndpoints() const
{
    RawConnection c(m_api);
    c.send("GET /api/endpoints HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    const RawResponse r = c.readResponse();
    return QJsonDocument::fromJson(QByteArray::fromStdString(r.body)).object().value("endpoints").toArray();
}

bool TestAgentSession::listed(const QString &url) const
{
    for (const QJsonValue &endpoint : agentEndpoints())
        if (endpoint.toObject().value("url").toString() == url)
            return true;
    return false;
}

RawResponse TestAgentSession::viaEdge(const std::string &host, const std::string &path) const
{
    RawConnection c(m_edge);
    c.send("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
    return c.readResponse();
}

RawResponse TestAgentSession::viaPort(int port, const std::string &path) const
{
    RawConnection c(port);
    c.send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\nConnection: close\r\n\r\n");
    return c.readResponse();
}

CliRun TestAgentSession::api(const QStringList &args) const
{
    return runSwitchyard(QStringList{"api"} + args
                             + QStringList{"--api-addr", QString("127.0.0.1:%1").arg(m_api), "--data-dir", m_dataDir},
                         m_env);
}

std::string TestAgentSession::apiKey() const
{
    QFile file(m_dataDir + "/api_key");
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll().trimmed().toStdString();
}

QString TestAgentSession::writeFile(const QString &name, const QString &text) const
{
    const QString path = m_home.path() + "/" + name;
    QFile file(path);
    if (file.open(QIODevice::WriteOnly))
        file.write(text.toUtf8());
    return path;
}

void TestAgentSession::attachListsAndForwards()
{
    startCore();
    QString out;
    QProcess *agent = launch(attachArgs(m_originB->port(), "http://app.localhost"), out);
    QVERIFY2(out.startsWith("switchyard ready\n"), qPrintable(out + agent->readAllStandardError()));
    QVERIFY2(out.contains(QString("attached 127.0.0.1:%1 session as_").arg(m_api)), qPrintable(out));
    // The core's endpoint is named "front"; ours takes the default name.
    QVERIFY2(out.contains(QString("endpoint http://app.localhost -> http://localhost:%1 [http]\n")
                              .arg(m_originB->port())),
             qPrintable(out));
    QVERIFY(!out.contains("listening"));
    QVERIFY(listed("http://app.localhost"));

    const RawResponse r = viaEdge("app.localhost");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("x-origin-name"), std::string("B"));
    // The core's own endpoint still goes to A.
    QCOMPARE(viaPort(m_front).header("x-origin-name"), std::string("A"));
}

void TestAgentSession::sigtermTakesEndpointOffline()
{
    startCore();
    QString out;
    QProcess *agent = launch(attachArgs(m_originB->port(), "http://app.localhost"), out);
    QVERIFY2(out.contains("attached"), qPrintable(out + agent->readAllStandardError()));
    QCOMPARE(viaEdge("app.localhost").status, 200);
    ::kill(static_cast<pid_t>(agent->processId()), SIGTERM);
    QVERIFY(agent->waitForFinished(5000));
    QCOMPARE(agent->exitStatus(), QProcess::NormalExit);
    QCOMPARE(agent->exitCode(), 0);
    // Deregistered before the process exited: gone at once.
    QVERIFY(!listed("http://app.localhost"));
    const RawResponse r = viaEdge("app.localhost");
    QCOMPARE(r.status, 404);
    QCOMPARE(r.header("switchyard-error-code"), std::string("ERR_SWITCHYARD_3200"));
    QCOMPARE(viaPort(m_front).status, 200); // the core lives on
}

void TestAgentSession::sigkillOfflineWithin2s()
{
    startCore();
    QString out;
    QProcess *agent = launch(attachArgs(m_originB->port(), "http://app.localhost"), out);
    QVERIFY2(out.contains("attached"), qPrintable(out + agent->readAllStandardError()));
    // Heartbeats keep it online past one lease.
    std::this_thread::sleep_for(std::chrono::milliseconds(1800));
    QVERIFY(listed("http://app.localhost"));
    QCOMPARE(viaEdge("app.localhost").status, 200);

    QElapsedTimer timer;
    agent->kill(); // SIGKILL: no chance to deregister
    timer.start();
    QVERIFY(agent->waitForFinished(5000));
    const bool offline = waitUntil(
        [&] {
            const RawResponse r = viaEdge("app.localhost");
            return !listed("http://app.localhost") && r.status == 404
                   && r.header("switchyard-error-code") == "ERR_SWITCHYARD_3200";
        },
        5000);
    const qint64 elapsed = timer.elapsed();
    QVERIFY2(offline, "still online 5 s after SIGKILL");
    QVERIFY2(elapsed < 2000, qPrintable(QString("offline after %1 ms").arg(elapsed)));
    QVERIFY2(elapsed > 300, qPrintable(QString("offline after %1 ms: not the lease?").arg(elapsed)));
}

void TestAgentSession::conflictNamesExistingEndpoint()
{
    startCore();
    QString out;
    QProcess *first = launch(attachArgs(m_originB->port(), "http://app.localhost"), out);
    QVERIFY2(out.contains("[http]"), qPrintable(out + first->readAllStandardError()));
    const CliRun second = runSwitchyard(attachArgs(m_originA->port(), "http://app.localhost"), m_env);
    QCOMPARE(second.exitCode, 1);
    QVERIFY2(second.err.contains("switchyard http: the endpoint http://app.localhost is already online as ep_"),
             qPrintable(second.err));
    QVERIFY2(second.err.contains("('http')"), qPrintable(second.err));
    QVERIFY2(second.err.contains("--pooling-enabled"), qPrintable(second.err));
    QVERIFY2(second.err.contains("ERR_SWITCHYARD_334"), qPrintable(second.err));
    QVERIFY(!second.out.contains("switchyard ready"));
    // The failed agent left nothing behind.
    QCOMPARE(agentEndpoints().size(), 2);
    QCOMPARE(viaEdge("app.localhost").header("x-origin-name"), std::string("B"));

    // A name taken by another agent is a conflict too.
    const CliRun named = runSwitchyard(attachArgs(m_originA->port(), "http://other.localhost") + QStringList{"--name", "http"}, m_env);
    QCOMPARE(named.exitCode, 1);
    QVERIFY2(named.err.contains("An agent endpoint named 'http' already exists"), qPrintable(named.err));
}

void TestAgentSession::pooledPairSharesTraffic()
{
    startCore();
    QString out;
    QProcess *a = launch(attachArgs(m_originA->port(), "http://pool.localhost") + QStringList{"--pooling-enabled"}, out);
    QVERIFY2(out.contains("attached"), qPrintable(out + a->readAllStandardError()));
    QProcess *b = launch(attachArgs(m_originB->port(), "http://pool.localhost") + QStringList{"--pooling-enabled=true"},
                         out);
    QVERIFY2(out.contains("[http-2]"), qPrintable(out + b->readAllStandardError()));
    std::set<std::string> seen;
    for (int i = 0; i < 20; ++i)
        seen.insert(viaEdge("pool.localhost").header("x-origin-name"));
    QCOMPARE(seen, (std::set<std::string>{"A", "B"}));

    a->kill();
    QVERIFY(a->waitForFinished(5000));
    QVERIFY(waitUntil([&] { return agentEndpoints().size() == 2; }, 3000));
    for (int i = 0; i < 6; ++i)
        QCOMPARE(viaEdge("pool.localhost").header("x-origin-name"), std::string("B"));

    // --pooling-enabled=false is not pooled: a conflict with B.
    const CliRun off =
        runSwitchyard(attachArgs(m_originA->port(), "http://pool.localhost") + QStringList{"--pooling-enabled=false"},
                      m_env);
    QCOMPARE(off.exitCode, 1);
    QVERIFY2(off.err.contains("('http-2')"), qPrintable(off.err));
}

void TestAgentSession::invalidPolicyFileExits1()
{
    startCore();
    const QString file = writeFile("bad.yml", "on_http_request:\n  - actions:\n      - type: no-such-action\n");
    const CliRun run = runSwitchyard(
        attachArgs(m_originB->port(), "http://app.localhost") + QStringList{"--traffic-policy-file", file}, m_env);
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(file + ":3:"), qPrintable(run.err));
    QVERIFY2(run.err.contains("ERR_SWITCHYARD_18002"), qPrintable(run.err));
    QCOMPARE(agentEndpoints().size(), 1);
}

// The seed, verbatim apart from the program name: an agent endpoint on
// https://example.internal, then a cloud endpoint on the same URL. Without
// pooling the reference refuses the second one (ngrok-semantics.md §1.6:
// a second endpoint on a URL and binding conflicts unless both pool), so
// `api create` fails naming the agent endpoint; once the agent stops, the
// same command succeeds and the public endpoint reaches the cloud one.
void TestAgentSession::seedQuickstart()
{
    const QString forward = writeFile("forward.yml", ForwardPolicy);
    startCore({"--traffic-policy-file", forward});
    QString out;
    QProcess *agent = launch(attachArgs(m_originB->port(), "https://example.internal"), out);
    QVERIFY2(out.contains("endpoint https://example.internal (internal) -> http://localhost:"),
             qPrintable(out + agent->readAllStandardError()));
    // curl through the public endpoint: forward-internal reaches the agent's upstream.
    RawResponse r = viaPort(m_front);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("x-origin-name"), std::string("B"));

    const QStringList create{"create", "--type", "cloud", "--binding", "internal", "--url", "https://example.internal",
                             "--traffic-policy", HelloPolicy};
    const CliRun refused = api(create);
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.contains("is already online as ep_") && refused.err.contains("('http')"),
             qPrintable(refused.err));
    QCOMPARE(viaPort(m_front).header("x-origin-name"), std::string("B"));

    ::kill(static_cast<pid_t>(agent->processId()), SIGTERM);
    QVERIFY(agent->waitForFinished(5000));
    const CliRun created = api(create);
    QVERIFY2(created.exitCode == 0, qPrintable(created.err));
    QVERIFY2(created.out.contains("\"type\": \"cloud\""), qPrintable(created.out));
    r = viaPort(m_front);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, std::string("Hello world!"));
}

// With --pooling-enabled on both, the agent and the cloud endpoint pool
// (agent and cloud endpoints may be mixed in one pool, §1.2).
void TestAgentSession::seedQuickstartPooled()
{
    const QString forward = writeFile("forward.yml", ForwardPolicy);
    startCore({"--traffic-policy-file", forward});
    QString out;
    QProcess *agent = launch(attachArgs(m_originB->port(), "https://example.internal")
                                 + QStringList{"--pooling-enabled"},
                             out);
    QVERIFY2(out.contains("attached"), qPrintable(out + agent->readAllStandardError()));
    const CliRun created = api({"create", "--type", "cloud", "--binding", "internal", "--url",
                                "https://example.internal", "--traffic-policy", HelloPolicy, "--pooling-enabled"});
    QVERIFY2(created.exitCode == 0, qPrintable(created.err));
    std::set<std::string> seen;
    for (int i = 0; i < 24; ++i) {
        const RawResponse r = viaPort(m_front);
        QCOMPARE(r.status, 200);
        seen.insert(r.body == "Hello world!" ? std::string("cloud") : "agent " + r.header("x-origin-name"));
    }
    QVERIFY2(seen == (std::set<std::string>{"cloud", "agent B"}), qPrintable(QString::fromStdString(*seen.begin()) + " / " + QString::number(seen.size())));
}

void TestAgentSession::apiReadsApiAddrFromConfigFile()
{
    startCore();
    QTemporaryDir home;
    QDir().mkpath(home.path() + "/config/switchyard");
    QFile config(home.path() + "/config/switchyard/switchyard.yml");
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write(QString("version: 3\nagent:\n  api_addr: 127.0.0.1:%1\n  data_dir: %2\n")
                     .arg(m_api)
                     .arg(m_dataDir)
                     .toUtf8());
    config.close();
    // Neither --api-addr nor --data-dir: both come from the default config file.
    const CliRun fromDefault = runSwitchyard({"api", "endpoints", "list"}, isolatedEnvironment(home.path()));
    QVERIFY2(fromDefault.exitCode == 0, qPrintable(fromDefault.err));
    QVERIFY2(fromDefault.out.contains("\"endpoints\""), qPrintable(fromDefault.out));
    // --config names it explicitly; --api-addr still wins over it.
    const CliRun explicitConfig =
        runSwitchyard({"api", "endpoints", "list", "--config", config.fileName()}, m_env);
    QVERIFY2(explicitConfig.exitCode == 0, qPrintable(explicitConfig.err));
    const CliRun flagWins = runSwitchyard(
        {"api", "endpoints", "list", "--config", config.fileName(), "--api-addr", QString("127.0.0.1:%1").arg(freePort())},
        m_env);
    QCOMPARE(flagWins.exitCode, 3);
}

void TestAgentSession::apiUpdateTurnsPoolingOff()
{
    startCore();
    const CliRun created = api({"endpoints", "create", "--url", "https://pooled.internal", "--traffic-policy",
                                HelloPolicy, "--pooling-enabled"});
    QVERIFY2(created.exitCode == 0, qPrintable(created.err));
    const QJsonObject endpoint = QJsonDocument::fromJson(created.out.toUtf8()).object();
    QCOMPARE(endpoint.value("pooling_enabled").toBool(), true);
    const QString id = endpoint.value("id").toString();
    const CliRun off = api({"endpoints", "update", id, "--pooling-enabled=false"});
    QVERIFY2(off.exitCode == 0, qPrintable(off.err));
    QCOMPARE(QJsonDocument::fromJson(off.out.toUtf8()).object().value("pooling_enabled"), QJsonValue(false));
    const CliRun on = api({"endpoints", "update", id, "--pooling-enabled=true"});
    QCOMPARE(QJsonDocument::fromJson(on.out.toUtf8()).object().value("pooling_enabled"), QJsonValue(true));
    const CliRun bad = api({"endpoints", "update", id, "--pooling-enabled=maybe"});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains("--pooling-enabled takes true or false, not 'maybe'"), qPrintable(bad.err));
    QCOMPARE(api({"endpoints", "get", id, "--pooling-enabled=false"}).exitCode, 2);
}

void TestAgentSession::apiListFollowsNextPage()
{
    startCore();
    const std::string key = apiKey();
    QVERIFY(!key.empty());
    constexpr int Count = 130; // more than one page of 100
    RawConnection c(m_api);
    for (int i = 0; i < Count; ++i) {
        const std::string body = R"({"url": "https://e)" + std::to_string(i)
                                 + R"(.internal", "traffic_policy": "on_http_request: [{actions: [{type: deny}]}]"})";
        c.send("POST /endpoints HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
               + "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n"
               + body);
        const RawResponse r = c.readResponse();
        QVERIFY2(r.status == 201, r.body.c_str());
    }
    const CliRun list = api({"endpoints", "list"});
    QVERIFY2(list.exitCode == 0, qPrintable(list.err));
    const QJsonObject object = QJsonDocument::fromJson(list.out.toUtf8()).object();
    const QJsonArray endpoints = object.value("endpoints").toArray();
    std::set<QString> urls;
    for (const QJsonValue &endpoint : endpoints)
        if (endpoint.toObject().value("type") == QJsonValue("cloud"))
            urls.insert(endpoint.toObject().value("url").toString());
    QCOMPARE(urls.size(), std::size_t(Count));
    QVERIFY(urls.count("https://e0.internal") && urls.count("https://e129.internal"));
    QVERIFY(object.value("next_page_uri").isNull());
}

void TestAgentSession::apiRejectsInvalidRegexWithPosition()
{
    startCore();
    // RE2 refuses the pattern; the API answers with its position in the policy.
    const QString policy = "on_http_request:\n"
                           "  - actions:\n"
                           "      - type: url-rewrite\n"
                           "        config:\n"
                           "          from: \"(unclosed\"\n"
                           "          to: \"/x\"\n"
                           "      - type: deny\n";
    const QString file = writeFile("regex.yml", policy);
    const CliRun run = api({"create", "--url", "https://regex.internal", "--traffic-policy-file", file});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains("ERR_SWITCHYARD_18002"), qPrintable(run.err));
    QVERIFY2(run.err.contains(file + ":5:"), qPrintable(run.err));
}

QTEST_GUILESS_MAIN(TestAgentSession)
#include "tst_agentsession.moc"
