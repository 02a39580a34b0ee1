// SPDX-License-Identifier: Apache-2.0
// The internal-endpoint quickstart from a config file, checked the way a
// user checks it: a real core, real curl. A cloud endpoint
// https://example.internal answers "Hello world!"; a public http endpoint on
// its own port and a public https endpoint on the edge forward to it. The
// internal endpoint itself is unreachable from every listener, whatever Host,
// SNI or absolute-form URI a client sends.
#include "../support/coreprocess.h"
#include "../support/freeport.h"
#include "clirunner.h"

#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

class TestQuickstart : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void publicHttpSaysHelloWorld();
    void publicHttpsSaysHelloWorldWithTheLocalCa();
    void internalUnreachableByHost_data();
    void internalUnreachableByHost();
    void internalUnreachableBySni();

private:
    struct Curl
    {
        int exitCode = -1;
        QString out;
        QString err;
    };
    // curl -sS -i ARGS: the status line, headers and body in `out`.
    static Curl curl(const QStringList &args);
    static int status(const QString &response);
    static QString body(const QString &response);
    static QString header(const QString &response, const QString &name);

    QTemporaryDir m_home;
    CoreProcess m_core;
    int m_web = 0;
    int m_edgeHttp = 0;
    int m_edgeHttps = 0;
};

TestQuickstart::Curl TestQuickstart::curl(const QStringList &args)
{
    QProcess p;
    p.start("curl", QStringList{"-sS", "-i", "--max-time", "10", "--noproxy", "*"} + args);
    if (!p.waitForFinished(20000)) {
        p.kill();
        p.waitForFinished();
        return {};
    }
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

int TestQuickstart::status(const QString &response)
{
    return response.section(' ', 1, 1).toInt();
}

QString TestQuickstart::body(const QString &response)
{
    const qsizetype end = response.indexOf("\r\n\r\n");
    return end < 0 ? QString() : response.mid(end + 4);
}

QString TestQuickstart::header(const QString &response, const QString &name)
{
    const QString head = response.left(response.indexOf("\r\n\r\n"));
    for (const QString &line : head.split("\r\n")) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).compare(name, Qt::CaseInsensitive) == 0)
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

void TestQuickstart::initTestCase()
{
    if (QStandardPaths::findExecutable("curl").isEmpty())
        QFAIL("curl is missing: packaging/bootstrap installs it");
    m_web = freePort();
    m_edgeHttp = freePort();
    m_edgeHttps = freePort();
    const QString config = QString(R"(version: 3
agent:
  api_addr: 127.0.0.1:%1
  edge_http: 127.0.0.1:%2
  edge_https: 127.0.0.1:%3
endpoints:
  - name: hello
    type: cloud
    url: https://example.internal
    traffic_policy:
      on_http_request:
        - actions:
            - type: custom-response
              config:
                status_code: 200
                headers:
                  content-type: text/plain
                content: Hello world!
  - name: web
    type: cloud
    url: http://127.0.0.1:%4
    traffic_policy:
      on_http_request:
        - actions:
            - type: forward-internal
              config:
                url: https://example.internal
  - name: secure
    type: cloud
    url: https://hello.localhost
    traffic_policy:
      on_http_request:
        - actions:
            - type: forward-internal
              config:
                url: https://example.internal
)")
                               .arg(freePort())
                               .arg(m_edgeHttp)
                               .arg(m_edgeHttps)
                               .arg(m_web);
    const QString path = m_home.path() + "/switchyard.yml";
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(config.toUtf8());
    file.close();

    QVERIFY2(m_core.start({"start", "--all", "--config", path, "--data-dir", m_home.path() + "/data"},
                          isolatedEnvironment(m_home.path())),
             qPrintable(m_core.output() + m_core.errorOutput()));
    QCOMPARE(m_core.port("edge-http"), m_edgeHttp);
    QCOMPARE(m_core.port("edge-https"), m_edgeHttps);
    QVERIFY2(QFile::exists(m_core.caPath()), qPrintable(m_core.output()));
}

void TestQuickstart::cleanupTestCase()
{
    QCOMPARE(m_core.terminate(), 0);
}

void TestQuickstart::publicHttpSaysHelloWorld()
{
    const Curl r = curl({QString("http://127.0.0.1:%1/").arg(m_web)});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(status(r.out), 200);
    QCOMPARE(body(r.out), QString("Hello world!"));
    QCOMPARE(header(r.out, "content-type"), QString("text/plain"));
    QVERIFY(header(r.out, "switchyard-error-code").isEmpty());
}

void TestQuickstart::publicHttpsSaysHelloWorldWithTheLocalCa()
{
    const QString url = QString("https://hello.localhost:%1/").arg(m_edgeHttps);
    const QString resolve = QString("hello.localhost:%1:127.0.0.1").arg(m_edgeHttps);
    const Curl r = curl({"--cacert", m_core.caPath(), "--resolve", resolve, url});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(status(r.out), 200);
    QCOMPARE(body(r.out), QString("Hello world!"));

    // Without the CA the certificate is not trusted: the local CA is what
    // makes it work, not a disabled check.
    const Curl untrusted = curl({"--resolve", resolve, url});
    QCOMPARE(untrusted.exitCode, 60); // CURLE_PEER_FAILED_VERIFICATION
}

void TestQuickstart::internalUnreachableByHost_data()
{
    QTest::addColumn<QStringList>("args");
    const QString edge = QString("http://127.0.0.1:%1/").arg(m_edgeHttp);
    QTest::newRow("Host on edge-http") << QStringList{"-H", "Host: example.internal", edge};
    QTest::newRow("Host with port on edge-http") << QStringList{"-H", "Host: example.internal:80", edge};
    QTest::newRow("upper-case Host with dot") << QStringList{"-H", "Host: EXAMPLE.INTERNAL.", edge};
    QTest::newRow("absolute-form on edge-http")
        << QStringList{"--request-target", "http://example.internal/", edge};
    // SNI of a public https endpoint, Host of the internal one.
    QTest::newRow("Host on edge-https")
        << QStringList{"--cacert", m_core.caPath(), "--resolve",
                       QString("hello.localhost:%1:127.0.0.1").arg(m_edgeHttps), "-H", "Host: example.internal",
                       QString("https://hello.localhost:%1/").arg(m_edgeHttps)};
}

void TestQuickstart::internalUnreachableByHost()
{
    QFETCH(QStringList, args);
    const Curl r = curl(args);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(status(r.out) == 404 || status(r.out) == 421, qPrintable(r.out));
    QVERIFY2(!header(r.out, "switchyard-error-code").isEmpty(), qPrintable(r.out));
    QVERIFY(!r.out.contains("Hello world!"));
}

void TestQuickstart::internalUnreachableBySni()
{
    // No certificate is minted for an internal name and no route exists:
    // the handshake fails, nothing is answered.
    const Curl r = curl({"--cacert", m_core.caPath(), "--resolve",
                         QString("example.internal:%1:127.0.0.1").arg(m_edgeHttps),
                         QString("https://example.internal:%1/").arg(m_edgeHttps)});
    QVERIFY2(r.exitCode != 0, qPrintable(r.out));
    QVERIFY(!r.out.contains("Hello world!"));
}

QTEST_GUILESS_MAIN(TestQuickstart)
#include "tst_quickstart.moc"
