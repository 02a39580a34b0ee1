// SPDX-License-Identifier: Apache-2.0
// `switchyard policy simulate` runs the runtime actions: their
// actions.ngrok.* results are readable by the later rules of the phase.
#include "clirunner.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

class TestPolicySimulateResults : public QObject
{
    Q_OBJECT

private slots:
    void laterRuleReadsResults();
};

void TestPolicySimulateResults::laterRuleReadsResults()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath("p.yml");
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("on_http_request:\n"
            "  - actions:\n"
            "      - type: rate-limit\n"
            "        config: {name: r, algorithm: sliding_window, capacity: 5, rate: 60s, "
            "bucket_key: [req.url.path, conn.client_ip]}\n"
            "      - type: circuit-breaker\n"
            "  - expressions: [\"!actions.ngrok.rate_limit.limited\", "
            "\"actions.ngrok.circuit_breaker.state == 'closed'\"]\n"
            "    actions:\n"
            "      - type: custom-response\n"
            "        config: {status_code: 200, body: \"key=${actions.ngrok.rate_limit.bucket_key}\"}\n");
    f.close();
    const CliRun r = runSwitchyard({"policy", "simulate", file, "--url", "https://app.example.com", "--request",
                                    "GET /items", "--client-ip", "10.0.0.7"},
                                   isolatedEnvironment(dir.path()));
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains("outcome: response 200"), qPrintable(r.out));
    QVERIFY2(r.out.contains("body: key=/items,10.0.0.7\n"), qPrintable(r.out));
}

QTEST_GUILESS_MAIN(TestPolicySimulateResults)
#include "tst_policysimulateresults.moc"
