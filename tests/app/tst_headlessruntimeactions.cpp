// SPDX-License-Identifier: Apache-2.0
// The runtime actions reach the real binary: `switchyard http` with a
// rate-limit policy answers 429 once the bucket is full, and `policy
// simulate` runs jwt-validation (401 without a token, the upstream with a
// good one) and traces rate-limit as allowed rather than "not simulated".
#include "../support/freeport.h"
#include "../support/hs256token.h"
#include "../support/rawhttpclient.h"
#include "clirunner.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

class TestHeadlessRuntimeActions : public QObject
{
    Q_OBJECT

private slots:
    void httpCommandRateLimits();
    void simulateRunsJwtValidation();
    void simulateRateLimitIsAllowed();

private:
    QString writeFile(const QString &name, const std::string &content);

    QTemporaryDir m_home;
};

QString TestHeadlessRuntimeActions::writeFile(const QString &name, const std::string &content)
{
    const QString path = m_home.path() + "/" + name;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(content.data(), static_cast<qint64>(content.size()));
    return path;
}

void TestHeadlessRuntimeActions::httpCommandRateLimits()
{
    OriginProcess origin("O");
    QVERIFY(origin.port() > 0);
    const QString policy = writeFile("limit.yml", "on_http_request:\n  - actions:\n      - type: rate-limit\n"
                                                  "        config:\n          name: r\n"
                                                  "          algorithm: sliding_window\n          capacity: 1\n"
                                                  "          rate: 60s\n          bucket_key: [conn.client_ip]\n");
    QVERIFY(!policy.isEmpty());
    const int url = freePort();
    QProcess process;
    process.setProcessEnvironment(isolatedEnvironment(m_home.path()));
    process.start(SWITCHYARD_BINARY, {"http", QString::number(origin.port()), "--url",
                                      QString("http://127.0.0.1:%1").arg(url), "--traffic-policy-file", policy,
                                      "--api-addr", "127.0.0.1:0", "--edge-http", "127.0.0.1:0", "--edge-https",
                                      "127.0.0.1:0", "--data-dir", m_home.path() + "/data"});
    QString out;
    while (!out.contains("switchyard ready") && process.waitForReadyRead(10000))
        out += QString::fromUtf8(process.readAllStandardOutput());
    QVERIFY2(out.startsWith("switchyard ready\n"), qPrintable(out + process.readAllStandardError()));

    const std::string request = "GET /status/200 HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(url) + "\r\n\r\n";
    RawConnection c(url);
    c.send(request);
    QCOMPARE(c.readResponse().status, 200);
    c.send(request);
    const RawResponse limited = c.readResponse();
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.header("switchyard-error-code"), std::string("ERR_SWITCHYARD_3206"));
    QVERIFY(!limited.header("retry-after").empty());
    c.close();
    ::kill(static_cast<pid_t>(process.processId()), SIGTERM);
    QVERIFY(process.waitForFinished(15000));
    QCOMPARE(process.exitCode(), 0);
}

void TestHeadlessRuntimeActions::simulateRunsJwtValidation()
{
    const QString policy = writeFile(
        "jwt.yml", "on_http_request:\n  - actions:\n      - type: jwt-validation\n        config:\n"
                   "          issuer: {allow_list: [{value: \"https://issuer.example/\"}]}\n"
                   "          http: {tokens: [{type: jwt, method: header, name: Authorization, prefix: \"Bearer \"}]}\n"
                   "          jws:\n            allowed_algorithms: [HS256]\n"
                   "            keys: {sources: {jwks: '"
                       + switchyard::test::hs256Jwks() + "'}}\n");
    QVERIFY(!policy.isEmpty());
    const QStringList base{"policy", "simulate", policy, "--url", "https://app.example.com", "--request", "GET /"};
    const CliRun missing = runSwitchyard(base, isolatedEnvironment(m_home.path()));
    QCOMPARE(missing.exitCode, 0);
    QVERIFY2(missing.out.startsWith("outcome: response 401 from https://app.example.com\n"), qPrintable(missing.out));
    QVERIFY2(missing.out.contains("    action jwt-validation: no token\n"), qPrintable(missing.out));

    const std::string token =
        switchyard::test::hs256Token(R"({"iss":"https://issuer.example/","sub":"alice","exp":4102444800})");
    const QStringList withToken = base + QStringList{"-H", QString::fromStdString("Authorization: Bearer " + token)};
    const CliRun valid = runSwitchyard(withToken, isolatedEnvironment(m_home.path()));
    QCOMPARE(valid.exitCode, 0);
    QVERIFY2(valid.out.startsWith("outcome: upstream of https://app.example.com\n"), qPrintable(valid.out));
    QVERIFY2(valid.out.contains("    action jwt-validation: valid token for alice\n"), qPrintable(valid.out));
}

void TestHeadlessRuntimeActions::simulateRateLimitIsAllowed()
{
    const QString policy = writeFile("rl.yml", "on_http_request:\n  - actions:\n      - type: rate-limit\n"
                                               "        config: {name: r, algorithm: sliding_window, capacity: 1, "
                                               "rate: 60s, bucket_key: [conn.client_ip]}\n");
    const CliRun r = runSwitchyard({"policy", "simulate", policy, "--url", "https://app.example.com", "--request",
                                    "GET /"},
                                   isolatedEnvironment(m_home.path()));
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains("    action rate-limit: allowed\n"), qPrintable(r.out));
}

QTEST_GUILESS_MAIN(TestHeadlessRuntimeActions)
#include "tst_headlessruntimeactions.moc"
