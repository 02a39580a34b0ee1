// SPDX-License-Identifier: Apache-2.0
// Reload, drain and config-driven limits of the headless core, through the
// real binary: SIGHUP and a changed file reload `switchyard start` in one
// step while traffic flows, a broken file keeps the old configuration,
// SIGTERM lets a slow request finish, `agent.limits` reach the engine, and
// `switchyard` without a display serves the bundled demo.
#include "../support/freeport.h"
#include "../support/rawhttpclient.h"
#include "../support/switchyardprocess.h"
#include "clirunner.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <csignal>
#include <thread>

namespace {

using Core = SwitchyardProcess;

// An endpoint on a dedicated port whose policy answers `body` itself.
QString answering(const QString &name, int port, const QString &body)
{
    return QString("  - name: %1\n"
                   "    url: http://127.0.0.1:%2\n"
                   "    upstream:\n"
                   "      url: 9\n"
                   "    traffic_policy:\n"
                   "      on_http_request:\n"
                   "        - actions:\n"
                   "            - type: custom-response\n"
                   "              config:\n"
                   "                status_code: 200\n"
                   "                content: %3\n")
        .arg(name)
        .arg(port)
        .arg(body);
}

// An endpoint on a dedicated port forwarding to the test origin, with a
// policy that stamps `version` on every response.
QString stamping(const QString &name, int port, int origin, const QString &version)
{
    return QString("  - name: %1\n"
                   "    url: http://127.0.0.1:%2\n"
                   "    upstream:\n"
                   "      url: %3\n"
                   "    traffic_policy:\n"
                   "      on_http_response:\n"
                   "        - actions:\n"
                   "            - type: add-headers\n"
                   "              config:\n"
                   "                headers:\n"
                   "                  x-version: %4\n")
        .arg(name)
        .arg(port)
        .arg(origin)
        .arg(version);
}

// An endpoint on a dedicated port forwarding to the test origin.
QString forwarding(const QString &name, int port, int origin)
{
    return QString("  - name: %1\n    url: http://127.0.0.1:%2\n    upstream:\n      url: %3\n")
        .arg(name)
        .arg(port)
        .arg(origin);
}

RawResponse get(RawConnection &c, int port, const std::string &path, const std::string &extraHeaders = {})
{
    if (!c.connected() && !c.connectTo(port))
        return {};
    c.send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n" + extraHeaders + "\r\n");
    RawResponse r = c.readResponse();
    // As a keep-alive client does: a new connection after "connection: close".
    if (r.closed || r.header("connection") == "close")
        c.close();
    return r;
}

RawResponse getOnce(int port, const std::string &path, const std::string &extraHeaders = {})
{
    RawConnection c(port);
    return get(c, port, path, extraHeaders);
}

} // namespace

class TestHeadlessReload : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void reloadUnderLoad();
    void invalidConfigKeepsOld();
    void fileChangeReloads();
    void policyFileChangeReloads();
    void apiEndpointSurvivesReload();
    void sigtermDrains();
    void limitsFromConfig();
    void badLimitsInConfig_data();
    void badLimitsInConfig();
    void appModeServesDemo();

private:
    QString writeConfig(const QString &body, const QString &agent = {});
    // The line a successful reload of m_config prints.
    QString reloadedLine(const QString &counts) const { return "reloaded " + m_config + ": " + counts + "\n"; }
    QStringList startArgs() const;

    QTemporaryDir m_home;
    QString m_config;
    QProcessEnvironment m_env;
    std::unique_ptr<OriginProcess> m_origin;
};

QString TestHeadlessReload::writeConfig(const QString &body, const QString &agent)
{
    // Written in place (not renamed), as an editor does; the test waits for
    // the core to react, so a half-written file is never read.
    QFile file(m_config);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    file.write(("version: 3\n" + (agent.isEmpty() ? QString() : "agent:\n" + agent) + "endpoints:\n" + body).toUtf8());
    return m_config;
}

QStringList TestHeadlessReload::startArgs() const
{
    return {"start",       "--config",         m_config,       "--api-addr", "127.0.0.1:0", "--edge-http",
            "127.0.0.1:0", "--edge-https",     "127.0.0.1:0",  "--data-dir", m_home.path() + "/data"};
}

void TestHeadlessReload::initTestCase()
{
    QVERIFY(m_home.isValid());
    m_env = isolatedEnvironment(m_home.path());
    m_config = m_home.path() + "/switchyard.yml";
    m_origin = std::make_unique<OriginProcess>("O");
    QVERIFY(m_origin->port() > 0);
}

void TestHeadlessReload::reloadUnderLoad()
{
    const int portA = freePort();
    const int portB = freePort();
    const int portC = freePort();
    const int origin = m_origin->port();
    QVERIFY(!writeConfig(stamping("a", portA, origin, "v1") + answering("c", portC, "v1")).isEmpty());
    Core core;
    QVERIFY2(core.start(startArgs(), m_env), qPrintable(core.all()));

    // One client: a keep-alive connection to the forwarding endpoint whose
    // policy changes, and one to an endpoint whose policy answers itself
    // (those responses close the connection; the client reconnects).
    std::atomic<bool> stop{false};
    std::atomic<int> requests{0};
    std::atomic<int> sawV1{0};
    std::atomic<int> sawV2{0};
    std::atomic<int> connectionsA{0};
    std::string failure;
    std::thread client([&] {
        RawConnection a;
        RawConnection c;
        while (!stop.load() && failure.empty()) {
            if (!a.connected())
                ++connectionsA;
            const RawResponse ra = get(a, portA, "/bytes/5");
            const std::string version = ra.header("x-version");
            if (ra.status != 200 || ra.body != "abcde" || (version != "v1" && version != "v2"))
                failure = "a: status " + std::to_string(ra.status) + " body '" + ra.body + "' x-version '" + version
                          + "' after " + std::to_string(requests.load());
            (version == "v1" ? sawV1 : sawV2)++;
            const RawResponse rc = get(c, portC, "/");
            if (rc.status != 200 || (rc.body != "v1" && rc.body != "v2"))
                failure = "c: status " + std::to_string(rc.status) + " body '" + rc.body + "' after "
                          + std::to_string(requests.load());
            requests += 2;
        }
    });
    QTest::qWait(300);
    QVERIFY(!writeConfig(stamping("a", portA, origin, "v2") + answering("c", portC, "v2")
                         + answering("b", portB, "hello-b"))
                 .isEmpty());
    core.signal(SIGHUP);
    const bool reloaded = core.waitOut(reloadedLine("3 endpoints (1 added, 2 changed, 0 removed)"));
    QTest::qWait(300);
    stop = true;
    client.join();
    QVERIFY2(reloaded, qPrintable(core.all()));
    QVERIFY2(failure.empty(), failure.c_str());
    QVERIFY2(sawV1 > 0 && sawV2 > 0, qPrintable(QString("v1 %1, v2 %2").arg(sawV1.load()).arg(sawV2.load())));
    QVERIFY(requests > 10);
    // Both versions were served on one client connection.
    QCOMPARE(connectionsA.load(), 1);

    const RawResponse b = getOnce(portB, "/");
    QCOMPARE(b.status, 200);
    QCOMPARE(b.body, std::string("hello-b"));
    // The file changed too, but the SIGHUP already took that version.
    QTest::qWait(1300);
    QCOMPARE(core.out().count("reloaded "), 1);
    QCOMPARE(core.stop(SIGTERM), 0);
}

void TestHeadlessReload::invalidConfigKeepsOld()
{
    const int portA = freePort();
    QVERIFY(!writeConfig(answering("a", portA, "v1")).isEmpty());
    Core core;
    QVERIFY2(core.start(startArgs(), m_env), qPrintable(core.all()));

    QVERIFY(!writeConfig(answering("a", portA, "v2") + "  - name: broken\n    url: http://127.0.0.1:1\n").isEmpty());
    core.signal(SIGHUP);
    QVERIFY2(core.waitErr("reload failed; still serving the previous configuration\n"), qPrintable(core.all()));
    QVERIFY2(core.err().contains(m_config + ":14:5: error: agent endpoint 'broken' needs an upstream"),
             qPrintable(core.err()));
    QVERIFY(!core.out().contains("reloaded"));
    const RawResponse r = getOnce(portA, "/");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, std::string("v1"));

    // Fixing the file is a change of its own: no signal needed.
    QVERIFY(!writeConfig(answering("a", portA, "v2")).isEmpty());
    QVERIFY2(core.waitOut(reloadedLine("1 endpoint (0 added, 1 changed, 0 removed)")),
             qPrintable(core.all()));
    QCOMPARE(getOnce(portA, "/").body, std::string("v2"));
    QCOMPARE(core.stop(SIGTERM), 0);
}

void TestHeadlessReload::fileChangeReloads()
{
    const int portA = freePort();
    const int portB = freePort();
    QVERIFY(!writeConfig(answering("a", portA, "v1") + answering("b", portB, "b1")).isEmpty());
    Core core;
    QVERIFY2(core.start(startArgs(), m_env), qPrintable(core.all()));

    // A rewrite with the same text is no change.
    QVERIFY(!writeConfig(answering("a", portA, "v1") + answering("b", portB, "b1")).isEmpty());
    QTest::qWait(1500);
    QVERIFY2(!core.out().contains("reloaded"), qPrintable(core.all()));

    // b goes away, a changes.
    QVERIFY(!writeConfig(answering("a", portA, "v2")).isEmpty());
    QVERIFY2(core.waitOut(reloadedLine("1 endpoint (0 added, 1 changed, 1 removed)"), 5000),
             qPrintable(core.all()));
    QCOMPARE(getOnce(portA, "/").body, std::string("v2"));
    RawConnection gone;
    QVERIFY(!gone.connectTo(portB));
    QCOMPARE(core.stop(SIGINT), 0);
}

void TestHeadlessReload::policyFileChangeReloads()
{
    const auto writePolicy = [&](const QString &body) {
        QFile file(m_home.path() + "/policy.yml");
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return false;
        file.write(("on_http_request:\n  - actions:\n      - type: custom-response\n        config:\n"
                    "          status_code: 200\n          content: " + body + "\n")
                       .toUtf8());
        return true;
    };
    const int portA = freePort();
    QVERIFY(writePolicy("p1"));
    QVERIFY(!writeConfig(QString("  - name: a\n    url: http://127.0.0.1:%1\n    upstream:\n      url: 9\n"
                                 "    traffic_policy_file: policy.yml\n")
                             .arg(portA))
                 .isEmpty());
    Core core;
    QVERIFY2(core.start(startArgs(), m_env), qPrintable(core.all()));
    QCOMPARE(getOnce(portA, "/").body, std::string("p1"));

    QVERIFY(writePolicy("p2"));
    QVERIFY2(core.waitOut(reloadedLine("1 endpoint (0 added, 1 changed, 0 removed)"), 5000),
             qPrintable(core.all()));
    QCOMPARE(getOnce(portA, "/").body, std::string("p2"));
    QCOMPARE(core.stop(SIGTERM), 0);
}

void TestHeadlessReload::apiEndpointSurvivesReload()
{
    const int portA = freePort();
    const int portC = freePort();
    const int api = freePort();
    QVERIFY(!writeConfig(answering("a", portA, "v1")).isEmpty());
    QStringList args = startArgs();
    args[args.indexOf("--api-addr") + 1] = QString("127.0.0.1:%1").arg(api);
    Core core;
    QVERIFY2(core.start(args, m_env), qPrintable(core.all()));

    const CliRun created = runSwitchyard(
        {"api", "endpoints", "create", "--url", QString("http://127.0.0.1:%1").arg(portC), "--traffic-policy",
         "on_http_request:\n  - actions:\n      - type: custom-response\n        config:\n"
         "          status_code: 200\n          content: from-api\n",
         "--api-addr", QString("127.0.0.1:%1").arg(api), "--data-dir", m_home.path() + "/data"},
        m_env);
    QVERIFY2(created.exitCode == 0, qPrintable(created.err));
    QTRY_COMPARE_WITH_TIMEOUT(getOnce(portC, "/").body, std::string("from-api"), 3000);

    QVERIFY(!writeConfig(answering("a", portA, "v2")).isEmpty());
    core.signal(SIGHUP);
    QVERIFY2(core.waitOut(reloadedLine("1 endpoint (0 added, 1 changed, 0 removed)")),
             qPrintable(core.all()));
    QCOMPARE(getOnce(portA, "/").body, std::string("v2"));
    const RawResponse c = getOnce(portC, "/");
    QCOMPARE(c.status, 200);
    QCOMPARE(c.body, std::string("from-api"));
    QCOMPARE(core.stop(SIGTERM), 0);
}

void TestHeadlessReload::sigtermDrains()
{
    const int portF = freePort();
    QVERIFY(!writeConfig(forwarding("f", portF, m_origin->port()), "  limits:\n    drain_timeout: 5s\n").isEmpty());
    Core core;
    QVERIFY2(core.start(startArgs(), m_env), qPrintable(core.all()));

    RawConnection slow(portF);
    QVERIFY(slow.connected());
    QVERIFY(slow.send("GET /slow/1500 HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(portF) + "\r\n\r\n"));
    QTest::qWait(300);
    QElapsedTimer timer;
    timer.start();
    core.signal(SIGTERM);
    const RawResponse r = slow.readResponse();
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("x-origin-name"), std::string("O"));
    // No new connections while draining.
    QTest::qWait(100);
    RawConnection late;
    QVERIFY(!late.connectTo(portF));
    const int code = core.waitExit();
    QVERIFY2(code == 0, qPrintable(QString::number(code) + " " + QString::number(timer.elapsed()) + core.all()));
    QVERIFY2(timer.elapsed() >= 1000, qPrintable(QString::number(timer.elapsed())));
}

void TestHeadlessReload::limitsFromConfig()
{
    const int portA = freePort();
    QVERIFY(!writeConfig(answering("a", portA, "v1"), "  limits:\n    max_header_size: 256\n").isEmpty());
    const std::string big = "x-big: " + std::string(400, 'a') + "\r\n";
    {
        Core core;
        QVERIFY2(core.start(startArgs(), m_env), qPrintable(core.all()));
        QCOMPARE(getOnce(portA, "/").status, 200);
        QCOMPARE(getOnce(portA, "/", big).status, 431);
        QCOMPARE(core.stop(SIGTERM), 0);
    }
    // --limit wins over the file.
    Core core;
    QVERIFY2(core.start(startArgs() << "--limit" << "max_header_size=64KiB", m_env), qPrintable(core.all()));
    const RawResponse r = getOnce(portA, "/", big);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, std::string("v1"));
    QCOMPARE(core.stop(SIGTERM), 0);
}

void TestHeadlessReload::badLimitsInConfig_data()
{
    QTest::addColumn<QString>("agent");
    QTest::addColumn<QString>("expected");
    QTest::newRow("duration") << "  limits:\n    header_read_timeout: soon\n"
                              << ":4:26: error: invalid limit header_read_timeout: 'soon' is not a duration (a "
                                 "number with ms, s, m or h, e.g. 10s)";
    QTest::newRow("size") << "  limits:\n    max_body_size: 10MB\n"
                          << ":4:20: error: invalid limit max_body_size: '10MB' is not a size (a number, optionally "
                             "with KiB, MiB or GiB)";
    QTest::newRow("zero") << "  limits: {max_header_count: 0}\n"
                          << ":3:30: error: invalid limit max_header_count: must be at least 1";
    QTest::newRow("choice") << "  limits:\n    underscore_headers: keep\n"
                            << ":4:25: error: invalid limit underscore_headers: must be drop or reject, not 'keep'";
    QTest::newRow("unknown key") << "  limits:\n    header_read_timout: 5s\n"
                                 << ":4:5: error: unknown key 'header_read_timout' in agent.limits; did you mean "
                                    "'header_read_timeout'?";
    QTest::newRow("not a mapping") << "  limits: 10s\n"
                                   << ":3:11: error: 'limits' must be a mapping of engine limits, as in "
                                      "{header_read_timeout: 10s}, not the value '10s'";
    QTest::newRow("list value") << "  limits:\n    idle_timeout: [1, 2]\n"
                                << ":4:19: error: 'idle_timeout' must be a duration, size or word as in "
                                   "docs/config.md, not a list";
    QTest::newRow("flat key") << "  idle_timeout: 5s\n"
                              << ":3:3: error: 'idle_timeout' is an engine limit; put it under 'limits:' in agent";
}

void TestHeadlessReload::badLimitsInConfig()
{
    QFETCH(QString, agent);
    QFETCH(QString, expected);
    QVERIFY(!writeConfig(answering("a", freePort(), "v1"), agent).isEmpty());
    for (const QStringList &args : {startArgs(), QStringList{"config", "check", "--config", m_config}}) {
        const CliRun run = runSwitchyard(args, m_env);
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(m_config + expected), qPrintable(run.err));
    }
}

void TestHeadlessReload::appModeServesDemo()
{
    // No config file in the isolated home: the bundled demo. Its endpoint's
    // URL is http://127.0.0.1:19090, compiled into the binary
    // (resources/demo.yml) and documented in README.md; no flag or variable
    // moves an endpoint's URL, and giving a config file instead would no
    // longer test the demo. So this test cannot take a free port: when
    // 19090 is taken on this machine it is skipped rather than failing.
    // The other listeners are moved out of the way.
    {
        const int probe = ::socket(AF_INET, SOCK_STREAM, 0);
        // As the engine's listeners bind: a connection of an earlier run in
        // TIME_WAIT does not count as taken.
        const int one = 1;
        ::setsockopt(probe, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(19090);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        const bool taken = ::bind(probe, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0;
        ::close(probe);
        if (taken)
            QSKIP("127.0.0.1:19090 (the bundled demo's fixed port) is in use");
    }
    Core core;
    QVERIFY2(core.start({"--api-addr", "127.0.0.1:0", "--edge-http", "127.0.0.1:0", "--edge-https", "127.0.0.1:0",
                         "--data-dir", m_home.path() + "/demo-data"},
                        m_env),
             qPrintable(core.all()));
    QVERIFY(core.out().startsWith("switchyard ready\n"));
    QVERIFY2(core.out().contains("endpoint http://127.0.0.1:19090 -> http://localhost:8080 [web]\n"),
             qPrintable(core.out()));
    QVERIFY(core.err().contains("(headless: no display); config: demo configuration"));
    const RawResponse r = getOnce(19090, "/");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, std::string("Hello world!"));
    QCOMPARE(core.stop(SIGINT), 0);
}

QTEST_GUILESS_MAIN(TestHeadlessReload)
#include "tst_headlessreload.moc"
