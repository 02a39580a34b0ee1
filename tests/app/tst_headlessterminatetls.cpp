// SPDX-License-Identifier: Apache-2.0
// The real `switchyard` binary: --upstream-tls-verify / --upstream-tls-verify-cas
// and the config's agent.upstream_tls_verify[_cas] against an `openssl
// s_server` https:// upstream with a self-signed certificate (502
// ERR_SWITCHYARD_8012 naming the upstream, or 200 with its certificate
// trusted), and `switchyard tls` with a terminate-tls policy (the client
// sees a leaf of the core's CA, the plain HTTP upstream answers).
#include "../support/coreprocess.h"
#include "../support/freeport.h"
#include "../support/opensslserver.h"
#include "../support/rawhttpclient.h"
#include "clirunner.h"

#include <QTemporaryDir>
#include <QTest>

class TestHeadlessTerminateTls : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        m_upstream = std::make_unique<OpensslServer>("localhost");
        QVERIFY(m_upstream->ready());
    }

    void upstreamVerification_data()
    {
        QTest::addColumn<QStringList>("flags");
        QTest::addColumn<QString>("agentConfig"); // written to --config when not empty
        QTest::addColumn<int>("status");
        const QString cas = "CAS"; // replaced by the upstream's certificate file
        QTest::newRow("default: not verified") << QStringList{} << "" << 200;
        QTest::newRow("--upstream-tls-verify") << QStringList{"--upstream-tls-verify"} << "" << 502;
        QTest::newRow("--upstream-tls-verify=false") << QStringList{"--upstream-tls-verify=false"} << "" << 200;
        QTest::newRow("verify with the CA file")
            << QStringList{"--upstream-tls-verify", "--upstream-tls-verify-cas", cas} << "" << 200;
        QTest::newRow("the CA file alone verifies") << QStringList{"--upstream-tls-verify-cas", cas} << "" << 200;
        QTest::newRow("config upstream_tls_verify") << QStringList{} << "  upstream_tls_verify: true\n" << 502;
        QTest::newRow("config upstream_tls_verify_cas")
            << QStringList{} << "  upstream_tls_verify: true\n  upstream_tls_verify_cas: CAS\n" << 200;
        QTest::newRow("flag wins over config") << QStringList{"--upstream-tls-verify=false"}
                                               << "  upstream_tls_verify: true\n" << 200;
    }

    void upstreamVerification()
    {
        QFETCH(QStringList, flags);
        QFETCH(QString, agentConfig);
        QFETCH(int, status);
        const QString caFile = QString::fromStdString(m_upstream->certificateFile());
        for (QString &flag : flags)
            flag.replace("CAS", caFile);
        const int url = freePort();
        const QString upstream = QString("https://localhost:%1").arg(m_upstream->port());
        QStringList args{"http",         upstream,     "--url",          QString("http://127.0.0.1:%1").arg(url),
                         "--api-addr",   "127.0.0.1:0", "--edge-http",    "127.0.0.1:0",
                         "--edge-https", "127.0.0.1:0", "--data-dir",     m_home.path() + "/data",
                         "--workers",    "1"};
        if (!agentConfig.isEmpty()) {
            const QString config = m_home.path() + "/verify.yml";
            QFile file(config);
            QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
            file.write(("version: 3\nagent:\n" + QString(agentConfig).replace("CAS", caFile)).toUtf8());
            file.close();
            args << "--config" << config;
        }
        args << flags;
        CoreProcess core;
        QVERIFY2(core.start(args, isolatedEnvironment(m_home.path())), qPrintable(core.output() + core.errorOutput()));
        RawConnection c(url);
        c.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        const RawResponse r = c.readResponse();
        QCOMPARE(r.status, status);
        if (status == 502) {
            QCOMPARE(r.header("switchyard-error-code"), std::string("ERR_SWITCHYARD_8012"));
            QVERIFY2(r.body.find(upstream.toStdString()) != std::string::npos, r.body.c_str());
        }
        QCOMPARE(core.terminate(), 0);
    }

    void missingCaFileIsInvalidInput()
    {
        const CliRun run = runSwitchyard({"http", "8080", "--upstream-tls-verify-cas", m_home.path() + "/nope.pem",
                                          "--api-addr", "127.0.0.1:0"},
                                         isolatedEnvironment(m_home.path()));
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains("--upstream-tls-verify-cas"), qPrintable(run.err));
    }

    void tlsCommandTerminates()
    {
        OriginProcess origin("T");
        QVERIFY(origin.port() > 0);
        const QString policy = m_home.path() + "/terminate.yml";
        QFile file(policy);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write("on_tcp_connect:\n  - actions:\n      - type: terminate-tls\n        config: {min_version: \"1.2\"}\n");
        file.close();
        CoreProcess core;
        QVERIFY2(core.start({"tls", QString::number(origin.port()), "--url", "tls://db.localhost",
                             "--traffic-policy-file", policy, "--api-addr", "127.0.0.1:0", "--edge-http", "127.0.0.1:0",
                             "--edge-https", "127.0.0.1:0", "--data-dir", m_home.path() + "/data", "--workers", "1"},
                            isolatedEnvironment(m_home.path())),
                 qPrintable(core.output() + core.errorOutput()));
        // Verified against the core's own CA for the SNI name.
        const TlsProbeResult probe = tlsProbe(core.port("edge-https"), "db.localhost", core.caPath().toStdString());
        QVERIFY(probe.handshake);
        QVERIFY2(probe.reply.starts_with("HTTP/1."), probe.reply.c_str());
        QCOMPARE(core.terminate(), 0);
    }

private:
    QTemporaryDir m_home;
    std::unique_ptr<OpensslServer> m_upstream;
};

QTEST_GUILESS_MAIN(TestHeadlessTerminateTls)
#include "tst_headlessterminatetls.moc"
