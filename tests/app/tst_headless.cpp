// SPDX-License-Identifier: Apache-2.0
// `switchyard http` and `switchyard start` as real processes: the ready
// line, GET /healthz, proxying through the embedded engine, SIGTERM exits 0,
// a taken port exits 3 naming the address.
#include "../support/rawhttpclient.h"
#include "../support/freeport.h"
#include "clirunner.h"

#include <QTemporaryDir>
#include <QTest>

#include <csignal>

class TestHeadless : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void httpCommand();
    void startCommand();
    void portTakenExits3();
    void unknownEndpointName();

private:
    // Starts switchyard with args; waits for the ready line. Returns the stdout so far.
    static QString startAndWaitReady(QProcess &process, const QStringList &args, const QProcessEnvironment &env);
    static void terminate(QProcess &process);

    QTemporaryDir m_home;
    std::unique_ptr<OriginProcess> m_origin;
};

QString TestHeadless::startAndWaitReady(QProcess &process, const QStringList &args, const QProcessEnvironment &env)
{
    process.setProcessEnvironment(env);
    process.start(SWITCHYARD_BINARY, args);
    QString out;
    while (!out.contains("switchyard ready") && process.waitForReadyRead(10000))
        out += QString::fromUtf8(process.readAllStandardOutput());
    process.waitForReadyRead(200);
    out += QString::fromUtf8(process.readAllStandardOutput());
    return out;
}

void TestHeadless::terminate(QProcess &process)
{
    ::kill(static_cast<pid_t>(process.processId()), SIGTERM);
    QVERIFY(process.waitForFinished(15000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 0);
}

void TestHeadless::initTestCase()
{
    m_origin = std::make_unique<OriginProcess>("O");
    QVERIFY(m_origin->port() > 0);
}

void TestHeadless::httpCommand()
{
    const int api = freePort();
    const int edge = freePort();
    const int url = freePort();
    QProcess process;
    const QString out = startAndWaitReady(
        process,
        {"http", QString::number(m_origin->port()), "--url", QString("http://127.0.0.1:%1").arg(url), "--api-addr",
         QString("127.0.0.1:%1").arg(api), "--edge-http", QString("127.0.0.1:%1").arg(edge), "--edge-https",
         "127.0.0.1:0", "--data-dir", m_home.path() + "/data", "--workers", "2"},
        isolatedEnvironment(m_home.path()));
    QVERIFY2(out.startsWith("switchyard ready\n"), qPrintable(out + process.readAllStandardError()));
    QVERIFY2(out.contains(QString("listening api 127.0.0.1:%1\n").arg(api)), qPrintable(out));
    QVERIFY2(out.contains(QString("listening edge-http 127.0.0.1:%1\n").arg(edge)), qPrintable(out));
    QVERIFY2(out.contains(QString("listening http 127.0.0.1:%1 http://127.0.0.1:%1 [http]\n").arg(url)),
             qPrintable(out));
    QVERIFY2(out.contains(QString("endpoint http://127.0.0.1:%1 -> http://localhost:%2")
                              .arg(url)
                              .arg(m_origin->port())),
             qPrintable(out));

    RawConnection health(api);
    health.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    const RawResponse h = health.readResponse();
    QCOMPARE(h.status, 200);
    QCOMPARE(h.body, std::string("ok"));

    RawConnection c(url);
    c.send("GET /bytes/26 HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(url) + "\r\n\r\n");
    const RawResponse r = c.readResponse();
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, std::string("abcdefghijklmnopqrstuvwxyz"));
    c.close();
    terminate(process);
}

void TestHeadless::startCommand()
{
    const int api = freePort();
    const int edge = freePort();
    const QString config = m_home.path() + "/start.yml";
    QFile file(config);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QString("version: 3\n"
                       "agent:\n"
                       "  api_addr: 127.0.0.1:%1\n"
                       "  edge_http: 127.0.0.1:%2\n"
                       "  edge_https: 127.0.0.1:%4\n"
                       "endpoints:\n"
                       "  - name: web\n"
                       "    url: http://web.localhost\n"
                       "    upstream:\n"
                       "      url: %3\n"
                       "  - name: other\n"
                       "    url: http://other.localhost\n"
                       "    upstream:\n"
                       "      url: %3\n")
                   .arg(api)
                   .arg(edge)
                   .arg(m_origin->port())
                   .arg(freePort())
                   .toUtf8());
    file.close();
    QProcess process;
    const QString out = startAndWaitReady(process, {"start", "web", "--config", config, "--data-dir",
                                                    m_home.path() + "/data"},
                                          isolatedEnvironment(m_home.path()));
    QVERIFY2(out.startsWith("switchyard ready\n"), qPrintable(out + process.readAllStandardError()));
    QVERIFY2(out.contains("endpoint http://web.localhost -> http://localhost:"), qPrintable(out));
    QVERIFY2(!out.contains("other.localhost"), qPrintable(out));

    RawConnection c(edge);
    c.send("GET /status/203 HTTP/1.1\r\nHost: web.localhost\r\n\r\n");
    QCOMPARE(c.readResponse().status, 203);
    c.send("GET /status/203 HTTP/1.1\r\nHost: other.localhost\r\n\r\n");
    QCOMPARE(c.readResponse().status, 404);
    c.close();
    terminate(process);
}

void TestHeadless::portTakenExits3()
{
    // Something that is not a Switchyard core holds the API port and never
    // answers (a running core would be attached to instead: tst_agentsession).
    const int taken = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    QVERIFY(::bind(taken, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0 && ::listen(taken, 8) == 0);
    socklen_t len = sizeof addr;
    ::getsockname(taken, reinterpret_cast<sockaddr *>(&addr), &len);
    const int api = ntohs(addr.sin_port);
    const CliRun second = runSwitchyard({"http", "8080", "--api-addr", QString("127.0.0.1:%1").arg(api),
                                         "--edge-http", "127.0.0.1:0", "--edge-https", "127.0.0.1:0", "--data-dir",
                                         m_home.path() + "/data"},
                                        isolatedEnvironment(m_home.path()));
    ::close(taken);
    QCOMPARE(second.exitCode, 3);
    QVERIFY2(second.err.contains(QString("cannot listen on 127.0.0.1:%1").arg(api)), qPrintable(second.err));
}

void TestHeadless::unknownEndpointName()
{
    const QString config = m_home.path() + "/names.yml";
    QFile file(config);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("version: 3\nendpoints:\n  - name: web\n    url: http://web.localhost\n    upstream:\n      url: 8080\n");
    file.close();
    const CliRun r = runSwitchyard({"start", "wep", "--config", config}, isolatedEnvironment(m_home.path()));
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("has no endpoint named 'wep'; did you mean 'web'?"), qPrintable(r.err));
}

QTEST_GUILESS_MAIN(TestHeadless)
#include "tst_headless.moc"
