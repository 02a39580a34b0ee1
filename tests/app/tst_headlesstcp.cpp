// SPDX-License-Identifier: Apache-2.0
// `switchyard tcp` and `switchyard tls` as real processes: the ready block
// names the tcp listener's port, bytes are relayed to the upstream, tls://
// passes through to a real `openssl s_server`, SIGTERM exits 0, a taken
// port exits 3 and bad arguments get their exit codes and messages.
#include "../core/data/l4/l4testsupport.h"
#include "../support/opensslserver.h"
#include "../support/rawhttpclient.h"
#include "clirunner.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace l4test;

namespace {

QStringList quietListeners()
{
    return {"--api-addr", "127.0.0.1:0", "--edge-http", "127.0.0.1:0", "--workers", "2"};
}

} // namespace

class TestHeadlessTcp : public QObject
{
    Q_OBJECT

private slots:
    void tcpCommandPrintsPortAndRelays();
    void tcpCommandWithUrlPort();
    void tlsCommandPassesThrough();
    void tcpPortTakenExits3();
    void badArguments_data();
    void badArguments();

private:
    QString startAndWaitReady(QProcess &process, const QStringList &args);
    static void terminate(QProcess &process);
    static std::string relay(unsigned short port, const std::string &data);

    QTemporaryDir m_home;
};

QString TestHeadlessTcp::startAndWaitReady(QProcess &process, const QStringList &args)
{
    process.setProcessEnvironment(isolatedEnvironment(m_home.path()));
    process.start(SWITCHYARD_BINARY, args + QStringList{"--data-dir", m_home.path() + "/data"});
    QString out;
    // The block ends with the `ca` line (a data dir is always given here).
    while (!out.contains("\nca ") && process.waitForReadyRead(10000))
        out += QString::fromUtf8(process.readAllStandardOutput());
    return out;
}

void TestHeadlessTcp::terminate(QProcess &process)
{
    ::kill(static_cast<pid_t>(process.processId()), SIGTERM);
    QVERIFY(process.waitForFinished(15000));
    if (process.exitCode() != 0) // a sanitizer report lands on stderr
        qWarning("core stderr:\n%s", process.readAllStandardError().constData());
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 0);
}

std::string TestHeadlessTcp::relay(unsigned short port, const std::string &data)
{
    asio::io_context io;
    tcp::socket socket = connectTo(io, port);
    asio::write(socket, asio::buffer(data));
    socket.shutdown(tcp::socket::shutdown_send);
    return readAll(socket);
}

void TestHeadlessTcp::tcpCommandPrintsPortAndRelays()
{
    ThreadServer upstream(echoSession);
    QProcess process;
    const QString out = startAndWaitReady(process, QStringList{"tcp", QString::number(upstream.port()),
                                                               "--edge-https", "127.0.0.1:0"}
                                                       + quietListeners());
    QVERIFY2(out.startsWith("switchyard ready\n"), qPrintable(out + process.readAllStandardError()));
    // The dedicated listener's line names the endpoint it serves.
    const QRegularExpression listening("\nlistening tcp 127\\.0\\.0\\.1:(\\d+) tcp://[a-z]+-[a-z]+\\.localhost \\[tcp\\]\n");
    const auto match = listening.match(out);
    QVERIFY2(match.hasMatch(), qPrintable(out));
    const auto port = static_cast<unsigned short>(match.captured(1).toInt());
    QVERIFY(port > 0);
    const QRegularExpression endpoint(QString("\nendpoint tcp://[a-z]+-[a-z]+\\.localhost -> tcp://localhost:%1 \\[tcp\\]\n")
                                          .arg(upstream.port()));
    QVERIFY2(endpoint.match(out).hasMatch(), qPrintable(out));

    QCOMPARE(relay(port, "over switchyard tcp"), std::string("over switchyard tcp"));
    QCOMPARE(relay(port, std::string(200000, 'z')), std::string(200000, 'z'));
    QCOMPARE(upstream.connections(), 2);
    terminate(process);
}

void TestHeadlessTcp::tcpCommandWithUrlPort()
{
    ThreadServer upstream(echoSession);
    const int port = freePort();
    QProcess process;
    const QString out = startAndWaitReady(
        process, QStringList{"tcp", "127.0.0.1:" + QString::number(upstream.port()), "--url",
                             QString("tcp://db.localhost:%1").arg(port), "--name", "db", "--edge-https",
                             "127.0.0.1:0"}
                     + quietListeners());
    QVERIFY2(out.contains(QString("\nlistening tcp 127.0.0.1:%1 tcp://db.localhost:%1 [db]\n").arg(port)),
             qPrintable(out));
    QVERIFY2(out.contains(QString("\nendpoint tcp://db.localhost:%1 -> tcp://127.0.0.1:%2 [db]\n")
                              .arg(port)
                              .arg(upstream.port())),
             qPrintable(out));
    QCOMPARE(relay(static_cast<unsigned short>(port), "ping"), std::string("ping"));
    terminate(process);
}

void TestHeadlessTcp::tlsCommandPassesThrough()
{
    OpensslServer upstream("db.localhost");
    QVERIFY(upstream.ready());
    const int edgeHttps = freePort();
    QProcess process;
    const QString out = startAndWaitReady(process, QStringList{"tls", QString::number(upstream.port()), "--url",
                                                               "tls://db.localhost", "--edge-https",
                                                               QString("127.0.0.1:%1").arg(edgeHttps)}
                                                       + quietListeners());
    QVERIFY2(out.contains(QString("\nlistening edge-https 127.0.0.1:%1\n").arg(edgeHttps)),
             qPrintable(out + process.readAllStandardError()));
    QVERIFY2(out.contains(QString("\nendpoint tls://db.localhost -> tcp://localhost:%1 [tls]\n").arg(upstream.port())),
             qPrintable(out));
    const TlsProbeResult probe = tlsProbe(edgeHttps, "db.localhost", upstream.certificateFile());
    QVERIFY(probe.handshake);
    QCOMPARE(probe.peerPem, upstream.certificatePem());
    QVERIFY2(probe.reply.starts_with("HTTP/1.0 200 ok"), probe.reply.c_str());

    // The relayed connection counts in the endpoint's metrics.
    const QRegularExpressionMatch api = QRegularExpression("\nlistening api 127\\.0\\.0\\.1:(\\d+)\n").match(out);
    QVERIFY2(api.hasMatch(), qPrintable(out));
    const auto conns = [&] {
        RawConnection c(api.captured(1).toInt());
        c.send("GET /api/endpoints/tls HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        const RawResponse r = c.readResponse();
        return QJsonDocument::fromJson(QByteArray::fromStdString(r.body)).object()["metrics"].toObject()["conns"].toObject();
    };
    QTRY_COMPARE(conns()["gauge"].toInteger(), 0);
    QCOMPARE(conns()["count"].toInteger(), 1);
    terminate(process);
}

void TestHeadlessTcp::tcpPortTakenExits3()
{
    ThreadServer busy(echoSession);
    const CliRun run = runSwitchyard(QStringList{"tcp", "5432", "--url",
                                                 QString("tcp://db.localhost:%1").arg(busy.port()), "--edge-https",
                                                 "127.0.0.1:0", "--data-dir", m_home.path() + "/data"}
                                         + quietListeners(),
                                     isolatedEnvironment(m_home.path()));
    QCOMPARE(run.exitCode, 3);
    QVERIFY2(run.err.contains(QString("cannot listen on 127.0.0.1:%1: Address already in use").arg(busy.port())),
             qPrintable(run.err));
    QCOMPARE(run.out, QString());
}

void TestHeadlessTcp::badArguments_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");
    QTest::newRow("tcp without upstream") << QStringList{"tcp"} << 2
                                          << "switchyard tcp: expected exactly one UPSTREAM argument, got 0";
    QTest::newRow("tcp with two upstreams") << QStringList{"tcp", "22", "23"} << 2
                                            << "switchyard tcp: expected exactly one UPSTREAM argument, got 2";
    QTest::newRow("tls without url") << QStringList{"tls", "8443"} << 2
                                     << "switchyard tls: --url tls://HOST[:PORT] is required";
    QTest::newRow("bad binding") << QStringList{"tcp", "22", "--binding", "outside"} << 2
                                 << "switchyard tcp: --binding must be public or internal, not 'outside'";
    QTest::newRow("unknown flag") << QStringList{"tcp", "22", "--no-such-flag"} << 2 << "no-such-flag";
    QTest::newRow("http url on tcp") << QStringList{"tcp", "22", "--url", "https://db.localhost"} << 1
                                     << "switchyard tcp: --url https://db.localhost is a https URL; use 'switchyard "
                                        "http' for it";
    QTest::newRow("tcp url on tls") << QStringList{"tls", "22", "--url", "tcp://db.localhost:5432"} << 1
                                    << "use 'switchyard tcp' for it";
    QTest::newRow("internal tcp without port") << QStringList{"tcp", "22", "--url", "tcp://db.internal"} << 1
                                               << "needs a port, as in tcp://db.internal:5432";
    QTest::newRow("upstream not a port") << QStringList{"tcp", "notaport:x"} << 1 << "switchyard tcp: ";
}

void TestHeadlessTcp::badArguments()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    const CliRun run = runSwitchyard(args + QStringList{"--data-dir", m_home.path() + "/data"} + quietListeners(),
                                     isolatedEnvironment(m_home.path()));
    QCOMPARE(run.exitCode, exitCode);
    QVERIFY2(run.err.contains(message), qPrintable(run.err));
    QCOMPARE(run.out, QString());
}

QTEST_GUILESS_MAIN(TestHeadlessTcp)
#include "tst_headlesstcp.moc"
