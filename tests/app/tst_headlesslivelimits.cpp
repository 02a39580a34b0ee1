// SPDX-License-Identifier: Apache-2.0
// agent.limits on a config reload, through the real binary: a changed limit
// applies to new connections ("applied: agent.limits.KEY"), an invalid one
// fails the whole reload, --limit keeps winning over the file, and the
// inspector's keys still need a restart.
#include "../support/freeport.h"
#include "../support/rawhttpclient.h"
#include "../support/switchyardprocess.h"
#include "clirunner.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

namespace {

using Core = SwitchyardProcess;

// A request whose head is a bit over 4 KiB.
std::string bigHead(int port)
{
    return "GET /status/200 HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\nX-Pad: "
           + std::string(4096, 'p') + "\r\n\r\n";
}

std::string smallHead(int port)
{
    return "GET /status/200 HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n\r\n";
}

int statusOnce(int port, const std::string &request)
{
    RawConnection c(port);
    c.send(request);
    return c.readResponse().status;
}

} // namespace

class TestHeadlessLiveLimits : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void headerSizeByReload();
    void idleTimeoutByReload();
    void invalidLimitChangesNothing();
    void flagWinsOnReload();
    void inspectorKeysNeedRestart();

private:
    // The config: one endpoint on `port` forwarding to the test origin, and
    // `limits` (YAML lines under agent.limits, each indented by four).
    void writeConfig(int port, const QString &limits);
    bool reload(Core &core, const QString &lines);
    QStringList startArgs() const;

    QTemporaryDir m_home;
    QString m_config;
    QProcessEnvironment m_env;
    std::unique_ptr<OriginProcess> m_origin;
};

void TestHeadlessLiveLimits::writeConfig(int port, const QString &limits)
{
    QFile file(m_config);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    const QString agent = limits.isEmpty() ? QString() : "agent:\n  limits:\n" + limits;
    file.write(QString("version: 3\n%1endpoints:\n  - name: web\n    url: http://127.0.0.1:%2\n    upstream:\n"
                       "      url: %3\n")
                   .arg(agent)
                   .arg(port)
                   .arg(m_origin->port())
                   .toUtf8());
}

// SIGHUP, then waits for the summary and the lines after it.
bool TestHeadlessLiveLimits::reload(Core &core, const QString &lines)
{
    core.signal(SIGHUP);
    return core.waitOut("reloaded " + m_config + ": 1 endpoint (0 added, 0 changed, 0 removed)\n" + lines, 5000);
}

QStringList TestHeadlessLiveLimits::startArgs() const
{
    return {"start",       "--config",     m_config,      "--api-addr", "127.0.0.1:0", "--edge-http",
            "127.0.0.1:0", "--edge-https", "127.0.0.1:0", "--data-dir", m_home.path() + "/data"};
}

void TestHeadlessLiveLimits::initTestCase()
{
    QVERIFY(m_home.isValid());
    m_env = isolatedEnvironment(m_home.path());
    m_config = m_home.path() + "/switchyard.yml";
    m_origin = std::make_unique<OriginProcess>("O");
    QVERIFY(m_origin->port() > 0);
}

void TestHeadlessLiveLimits::headerSizeByReload()
{
    const int port = freePort();
    writeConfig(port, {});
    Core core;
    QVERIFY2(core.start(startArgs(), m_env), qPrintable(core.all()));
    QCOMPARE(statusOnce(port, bigHead(port)), 200);
    // Accepted before the reload: keeps the 64 KiB it started with.
    RawConnection kept(port);
    kept.send(smallHead(port));
    QCOMPARE(kept.readResponse().status, 200);

    writeConfig(port, "    max_header_size: 1KiB\n");
    QVERIFY2(reload(core, "applied: agent.limits.max_header_size\n"), qPrintable(core.all()));
    QCOMPARE(statusOnce(port, bigHead(port)), 431);
    QCOMPARE(statusOnce(port, smallHead(port)), 200);
    kept.send(bigHead(port));
    QCOMPARE(kept.readResponse().status, 200);

    // And back to the default by dropping the key.
    writeConfig(port, {});
    core.signal(SIGHUP);
    const QString twice = "applied: agent.limits.max_header_size\nreloaded " + m_config
                          + ": 1 endpoint (0 added, 0 changed, 0 removed)\napplied: agent.limits.max_header_size\n";
    QVERIFY2(core.waitOut(twice), qPrintable(core.all()));
    QCOMPARE(statusOnce(port, bigHead(port)), 200);
    QCOMPARE(core.stop(SIGTERM), 0);
}

void TestHeadlessLiveLimits::idleTimeoutByReload()
{
    const int port = freePort();
    writeConfig(port, "    idle_timeout: 30s\n");
    Core core;
    QVERIFY2(core.start(startArgs(), m_env), qPrintable(core.all()));
    RawConnection old(port);
    old.send(smallHead(port));
    QCOMPARE(old.readResponse().status, 200);

    writeConfig(port, "    idle_timeout: 300ms\n");
    QVERIFY2(reload(core, "applied: agent.limits.idle_timeout\n"), qPrintable(core.all()));
    RawConnection fresh(port);
    fresh.send(smallHead(port));
    QCOMPARE(fresh.readResponse().status, 200);
    QVERIFY(fresh.waitClosed(3000));
    // The connection from before the reload keeps its 30 s.
    QVERIFY(!old.waitClosed(500));
    old.send(smallHead(port));
    QCOMPARE(old.readResponse().status, 200);
    QCOMPARE(core.stop(SIGTERM), 0);
}

void TestHeadlessLiveLimits::invalidLimitChangesNothing()
{
    const int port = freePort();
    writeConfig(port, "    max_header_size: 1KiB\n");
    Core core;
    QVERIFY2(core.start(startArgs(), m_env), qPrintable(core.all()));
    QCOMPARE(statusOnce(port, bigHead(port)), 431);

    // A valid change next to an invalid one: neither applies.
    writeConfig(port, "    idle_timeout: 300ms\n    max_header_size: lots\n");
    core.signal(SIGHUP);
    QVERIFY2(core.waitErr(m_config + ":5:22: error: invalid limit max_header_size: 'lots' is not a size (a number, "
                                     "optionally with KiB, MiB or GiB)\n"),
             qPrintable(core.all()));
    QVERIFY2(core.waitErr("reload failed; still serving the previous configuration\n"), qPrintable(core.all()));
    QVERIFY(!core.out().contains("reloaded"));
    QCOMPARE(statusOnce(port, bigHead(port)), 431);
    RawConnection fresh(port);
    fresh.send(smallHead(port));
    QCOMPARE(fresh.readResponse().status, 200);
    QVERIFY(!fresh.waitClosed(1000));
    QCOMPARE(core.stop(SIGTERM), 0);
}

void TestHeadlessLiveLimits::flagWinsOnReload()
{
    const int port = freePort();
    writeConfig(port, {});
    Core core;
    QVERIFY2(core.start(startArgs() << "--limit" << "max_header_size=1KiB", m_env), qPrintable(core.all()));
    QCOMPARE(statusOnce(port, bigHead(port)), 431);
    // The file now says 64 KiB and 50 headers: the flag keeps its key, the
    // other one applies.
    writeConfig(port, "    max_header_size: 64KiB\n    max_header_count: 50\n");
    QVERIFY2(reload(core, "applied: agent.limits.max_header_count\n"), qPrintable(core.all()));
    QVERIFY2(!core.out().contains("agent.limits.max_header_size"), qPrintable(core.all()));
    QCOMPARE(statusOnce(port, bigHead(port)), 431);
    std::string many = "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n";
    for (int i = 0; i < 60; ++i)
        many += "x-h" + std::to_string(i) + ": 1\r\n";
    QCOMPARE(statusOnce(port, many + "\r\n"), 431);
    QCOMPARE(core.stop(SIGTERM), 0);
}

void TestHeadlessLiveLimits::inspectorKeysNeedRestart()
{
    const int port = freePort();
    writeConfig(port, {});
    Core core;
    QVERIFY2(core.start(startArgs(), m_env), qPrintable(core.all()));
    writeConfig(port, "    inspect_max_requests: 5\n    body_read_timeout: 5s\n");
    QVERIFY2(reload(core, "applied: agent.limits.body_read_timeout\n"
                          "needs a restart: agent.limits.inspect_max_requests\n"),
             qPrintable(core.all()));
    QCOMPARE(core.stop(SIGTERM), 0);
}

QTEST_GUILESS_MAIN(TestHeadlessLiveLimits)
#include "tst_headlesslivelimits.moc"
