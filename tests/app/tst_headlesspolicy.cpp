// SPDX-License-Identifier: Apache-2.0
// Traffic policy in the headless runner, as real processes: `switchyard
// start --config resources/demo.yml` answers "Hello world!" through
// forward-internal, and `switchyard http --traffic-policy-file` applies the
// file to the agent endpoint.
#include "../support/freeport.h"
#include "../support/rawhttpclient.h"
#include "clirunner.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

class TestHeadlessPolicy : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void demoConfigSaysHelloWorld();
    void httpCommandAppliesPolicyFile();
    void httpCommandRefusesInvalidPolicyFile();

private:
    static QString startAndWaitReady(QProcess &process, const QStringList &args, const QProcessEnvironment &env);
    static void terminate(QProcess &process);
    QString writeFile(const QString &name, const QByteArray &content);

    QTemporaryDir m_home;
    std::unique_ptr<OriginProcess> m_origin;
};

namespace {

} // namespace

QString TestHeadlessPolicy::startAndWaitReady(QProcess &process, const QStringList &args,
                                              const QProcessEnvironment &env)
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

void TestHeadlessPolicy::terminate(QProcess &process)
{
    ::kill(static_cast<pid_t>(process.processId()), SIGTERM);
    QVERIFY(process.waitForFinished(15000));
    QCOMPARE(process.exitCode(), 0);
}

QString TestHeadlessPolicy::writeFile(const QString &name, const QByteArray &content)
{
    const QString path = m_home.path() + "/" + name;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(content);
    return path;
}

void TestHeadlessPolicy::initTestCase()
{
    m_origin = std::make_unique<OriginProcess>("O");
    QVERIFY(m_origin->port() > 0);
}

void TestHeadlessPolicy::demoConfigSaysHelloWorld()
{
    QFile demo(QStringLiteral(SWITCHYARD_TEST_DATA_DIR "/../../resources/demo.yml"));
    QVERIFY(demo.open(QIODevice::ReadOnly));
    QString text = QString::fromUtf8(demo.readAll());
    const int web = freePort();
    // The demo's fixed ports, moved to free ones so parallel tests do not clash.
    QVERIFY(text.contains("127.0.0.1:19090"));
    text.replace("127.0.0.1:4040", QString("127.0.0.1:%1").arg(freePort()))
        .replace("127.0.0.1:7080", QString("127.0.0.1:%1").arg(freePort()))
        .replace("127.0.0.1:7443", QString("127.0.0.1:%1").arg(freePort()))
        .replace("127.0.0.1:19090", QString("127.0.0.1:%1").arg(web));
    const QString config = writeFile("demo.yml", text.toUtf8());
    QVERIFY(!config.isEmpty());

    QProcess process;
    const QString out = startAndWaitReady(process, {"start", "--config", config, "--data-dir", m_home.path() + "/data"},
                                          isolatedEnvironment(m_home.path()));
    QVERIFY2(out.startsWith("switchyard ready\n"), qPrintable(out + process.readAllStandardError()));

    RawConnection c(web);
    c.send("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(web) + "\r\nUser-Agent: curl/8.5.0\r\n\r\n");
    const RawResponse r = c.readResponse();
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, std::string("Hello world!"));
    c.close();
    terminate(process);
}

void TestHeadlessPolicy::httpCommandAppliesPolicyFile()
{
    const QString policy = writeFile("policy.yml", "on_http_request:\n"
                                                   "  - expressions:\n"
                                                   "      - req.url.path == '/blocked'\n"
                                                   "    actions:\n"
                                                   "      - type: deny\n"
                                                   "        config:\n"
                                                   "          status_code: 451\n"
                                                   "on_http_response:\n"
                                                   "  - actions:\n"
                                                   "      - type: add-headers\n"
                                                   "        config:\n"
                                                   "          headers:\n"
                                                   "            x-via-policy: \"yes\"\n");
    QVERIFY(!policy.isEmpty());
    const int url = freePort();
    QProcess process;
    const QString out = startAndWaitReady(
        process,
        {"http", QString::number(m_origin->port()), "--url", QString("http://127.0.0.1:%1").arg(url),
         "--traffic-policy-file", policy, "--api-addr", "127.0.0.1:0", "--edge-http", "127.0.0.1:0",
         "--edge-https", "127.0.0.1:0", "--data-dir", m_home.path() + "/data"},
        isolatedEnvironment(m_home.path()));
    QVERIFY2(out.startsWith("switchyard ready\n"), qPrintable(out + process.readAllStandardError()));

    const std::string host = "Host: 127.0.0.1:" + std::to_string(url) + "\r\n";
    RawConnection c(url);
    c.send("GET /status/200 HTTP/1.1\r\n" + host + "\r\n");
    const RawResponse allowed = c.readResponse();
    QCOMPARE(allowed.status, 200);
    QCOMPARE(allowed.header("x-via-policy"), std::string("yes"));
    QCOMPARE(allowed.header("x-origin-name"), std::string("O"));
    c.send("GET /blocked HTTP/1.1\r\n" + host + "\r\n");
    QCOMPARE(c.readResponse().status, 451);
    c.close();
    terminate(process);
}

void TestHeadlessPolicy::httpCommandRefusesInvalidPolicyFile()
{
    // Both problems are reported with their positions, and no core starts
    // (nothing is printed on stdout, no listener is opened).
    const QString policy = writeFile("broken.yml", "on_http_request:\n"
                                                   "  - expressions: [\"req.foo == 1\"]\n"
                                                   "    actions:\n"
                                                   "      - type: custom-respons\n");
    const int url = freePort();
    const CliRun run = runSwitchyard(
        {"http", "9", "--url", QString("http://127.0.0.1:%1").arg(url), "--traffic-policy-file", policy,
         "--api-addr", "127.0.0.1:0", "--edge-http", "127.0.0.1:0", "--edge-https", "127.0.0.1:0", "--data-dir",
         m_home.path() + "/data-broken"},
        isolatedEnvironment(m_home.path()));
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(policy + ":2:24: error: undefined field 'foo' of req"), qPrintable(run.err));
    QVERIFY2(run.err.contains(policy + ":4:15: error: unknown action type 'custom-respons'; did you mean "
                                       "'custom-response'?"),
             qPrintable(run.err));
    QCOMPARE(run.out, QString());
    RawConnection c;
    QVERIFY(!c.connectTo(url));
}

QTEST_GUILESS_MAIN(TestHeadlessPolicy)
#include "tst_headlesspolicy.moc"
