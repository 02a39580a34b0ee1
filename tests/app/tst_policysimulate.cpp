// SPDX-License-Identifier: Apache-2.0
// `switchyard policy simulate` end to end (CONTRACT.md).
#include "clirunner.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

class TestPolicySimulate : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void humanOutput();
    void jsonShape();
    void upstreamOutcome();
    void bodyActions();
    void configEndpointByName();
    void fileWithConfigTargets();
    void closeOutcome();
    void invalidPolicyExitsOne();
    void invalidPolicyJson();
    void badFlags_data();
    void badFlags();

private:
    QString write(const QString &name, const QByteArray &text);
    CliRun run(const QStringList &args) { return runSwitchyard(args, isolatedEnvironment(m_dir->path())); }

    std::unique_ptr<QTemporaryDir> m_dir;
};

namespace {

const QByteArray HelloPolicy = "on_http_request:\n"
                               "  - actions:\n"
                               "      - type: custom-response\n"
                               "        config: {status_code: 200, content: Hello world!}\n";

const QByteArray Config = "version: 3\n"
                          "endpoints:\n"
                          "  - name: web\n"
                          "    url: https://app.localhost\n"
                          "    upstream:\n"
                          "      url: 8080\n"
                          "    traffic_policy:\n"
                          "      on_http_request:\n"
                          "        - expressions: [\"req.url.path == '/hello'\"]\n"
                          "          actions:\n"
                          "            - type: forward-internal\n"
                          "              config: {url: https://example.internal}\n"
                          "  - name: hello\n"
                          "    type: cloud\n"
                          "    url: https://example.internal\n"
                          "    traffic_policy:\n"
                          "      on_http_request:\n"
                          "        - actions:\n"
                          "            - type: custom-response\n"
                          "              config: {status_code: 200, content: \"Hello world!\"}\n";

QJsonObject parseJson(const QString &text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError)
        qWarning("not JSON: %s", qPrintable(text));
    return doc.object();
}

} // namespace

void TestPolicySimulate::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

QString TestPolicySimulate::write(const QString &name, const QByteArray &text)
{
    const QString path = m_dir->filePath(name);
    QFile f(path);
    if (f.open(QIODevice::WriteOnly))
        f.write(text);
    return path;
}

void TestPolicySimulate::humanOutput()
{
    const QString file = write("hello.yml", HelloPolicy);
    const CliRun r = run({"policy", "simulate", file, "--url", "https://example.internal", "--type", "cloud",
                          "--request", "GET https://example.internal/"});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.err, QString());
    QCOMPARE(r.out, QString("outcome: response 200 from https://example.internal\n"
                            "  content-type: text/plain; charset=utf-8\n"
                            "body: Hello world!\n"
                            "trace:\n"
                            "  https://example.internal on_http_request rule 0: matched\n"
                            "    action custom-response: responded 200\n"));
}

void TestPolicySimulate::jsonShape()
{
    const QString file = write("p.yml", "on_http_request:\n"
                                        "  - name: api\n"
                                        "    expressions: [\"req.url.path.startsWith('/api')\", \"req.method == 'POST'\"]\n"
                                        "    actions:\n"
                                        "      - type: custom-response\n"
                                        "        config: {status_code: 201, body: '${req.headers[\"x-a\"][0]}'}\n");
    const CliRun r = run({"policy", "simulate", file, "--url", "https://app.example.com", "--request",
                          "POST /api/items", "-H", "X-A: one", "--json"});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject root = parseJson(r.out);
    const QJsonObject outcome = root["outcome"].toObject();
    QCOMPARE(outcome["kind"].toString(), QString("response"));
    QCOMPARE(outcome["status_code"].toInt(), 201);
    QCOMPARE(outcome["body"].toString(), QString("one"));
    QCOMPARE(outcome["endpoint"].toString(), QString("https://app.example.com"));
    QCOMPARE(outcome["headers"].toObject()["content-type"].toArray().at(0).toString(),
             QString("text/plain; charset=utf-8"));
    const QJsonArray trace = root["trace"].toArray();
    QCOMPARE(trace.size(), 1);
    const QJsonObject rule = trace.at(0).toObject();
    QCOMPARE(rule["endpoint"].toString(), QString("https://app.example.com"));
    QCOMPARE(rule["phase"].toString(), QString("on_http_request"));
    QCOMPARE(rule["rule"].toInt(), 0);
    QCOMPARE(rule["name"].toString(), QString("api"));
    const QJsonArray expressions = rule["expressions"].toArray();
    QCOMPARE(expressions.size(), 2);
    QCOMPARE(expressions.at(0).toObject()["source"].toString(), QString("req.url.path.startsWith('/api')"));
    QCOMPARE(expressions.at(0).toObject()["value"].toBool(), true);
    QCOMPARE(expressions.at(1).toObject()["value"].toBool(), true);
    const QJsonArray actions = rule["actions"].toArray();
    QCOMPARE(actions.size(), 1);
    QCOMPARE(actions.at(0).toObject()["type"].toString(), QString("custom-response"));
    QCOMPARE(actions.at(0).toObject()["result"].toString(), QString("responded 201"));
}

void TestPolicySimulate::upstreamOutcome()
{
    const QString file = write("p.yml", "on_http_request:\n"
                                        "  - expressions: [\"req.headers['x-missing'][0] == 'a'\"]\n"
                                        "    actions: [{type: deny}]\n"
                                        "  - actions: [{type: add-headers, config: {headers: {x-added: yes}}}]\n");
    const CliRun r = run({"policy", "simulate", file, "--url", "https://app.example.com", "--request",
                          "GET https://app.example.com/x?y=1", "--client-ip", "10.0.0.1", "--json"});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject root = parseJson(r.out);
    const QJsonObject outcome = root["outcome"].toObject();
    QCOMPARE(outcome["kind"].toString(), QString("upstream"));
    QCOMPARE(outcome["endpoint"].toString(), QString("https://app.example.com"));
    QCOMPARE(outcome["request"].toObject()["url"].toString(), QString("https://app.example.com/x?y=1"));
    QCOMPARE(outcome["request"].toObject()["headers"].toObject()["x-added"].toArray().at(0).toString(), QString("yes"));
    const QJsonObject first = root["trace"].toArray().at(0).toObject();
    QCOMPARE(first["matched"].toBool(), false);
    QVERIFY(first["expressions"].toArray().at(0).toObject()["error"].toString().contains("x-missing"));
    QVERIFY(!first["expressions"].toArray().at(0).toObject().contains("value"));
}

void TestPolicySimulate::bodyActions()
{
    // The --body request and the policy's own response run through the
    // body actions as in the engine.
    const QString file = write("p.yml", "on_http_request:\n"
                                        "  - actions:\n"
                                        "      - type: request-body-find-replace\n"
                                        "        config: {replacements: [{from: cat, to: dog}]}\n"
                                        "      - type: custom-response\n"
                                        "        config: {status_code: 200, content: 'pets: cat'}\n"
                                        "on_http_response:\n"
                                        "  - actions:\n"
                                        "      - type: response-body-find-replace\n"
                                        "        config: {replacements: [{from: cat, to: bird}]}\n");
    const CliRun r = run({"policy", "simulate", file, "--url", "https://app.example.com", "--request",
                          "POST /pets", "--body", "a cat", "--json"});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject root = parseJson(r.out);
    QCOMPARE(root["outcome"].toObject()["body"].toString(), QString("pets: bird"));
    const QJsonArray trace = root["trace"].toArray();
    QCOMPARE(trace.size(), 2);
    QCOMPARE(trace.at(0).toObject()["actions"].toArray().at(0).toObject()["result"].toString(),
             QString("replaced 1 match"));
    QCOMPARE(trace.at(1).toObject()["actions"].toArray().at(0).toObject()["result"].toString(),
             QString("replaced 1 match"));
}

void TestPolicySimulate::configEndpointByName()
{
    const QString config = write("switchyard.yml", Config);
    const CliRun r = run({"policy", "simulate", "--config", config, "--endpoint", "web", "--request", "GET /hello"});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.out, QString("outcome: response 200 from https://example.internal\n"
                            "  content-type: text/plain; charset=utf-8\n"
                            "body: Hello world!\n"
                            "trace:\n"
                            "  https://app.localhost on_http_request rule 0: matched\n"
                            "    expression req.url.path == '/hello' = true\n"
                            "    action forward-internal: forward to https://example.internal\n"
                            "  https://example.internal on_http_request rule 0: matched\n"
                            "    action custom-response: responded 200\n"));
    const CliRun other = run({"policy", "simulate", "--config", config, "--endpoint", "web", "--request",
                              "GET /other", "--json"});
    QCOMPARE(other.exitCode, 0);
    QCOMPARE(parseJson(other.out)["outcome"].toObject()["kind"].toString(), QString("upstream"));
}

void TestPolicySimulate::fileWithConfigTargets()
{
    const QString config = write("switchyard.yml", Config);
    const QString file = write("front.yml", "on_http_request:\n"
                                            "  - actions: [{type: forward-internal, config: {url: https://example.internal}}]\n");
    const CliRun r = run({"policy", "simulate", file, "--config", config, "--url", "https://front.example.com",
                          "--request", "GET /", "--json"});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject outcome = parseJson(r.out)["outcome"].toObject();
    QCOMPARE(outcome["kind"].toString(), QString("response"));
    QCOMPARE(outcome["body"].toString(), QString("Hello world!"));
    QCOMPARE(outcome["endpoint"].toString(), QString("https://example.internal"));
    // Without the config the target is unknown: 404 from the front endpoint.
    const CliRun alone = run({"policy", "simulate", file, "--url", "https://front.example.com", "--request", "GET /",
                              "--json"});
    QCOMPARE(alone.exitCode, 0);
    const QJsonObject failed = parseJson(alone.out)["outcome"].toObject();
    QCOMPARE(failed["status_code"].toInt(), 404);
    QCOMPARE(failed["headers"].toObject()["switchyard-error-code"].toArray().at(0).toString(),
             QString("ERR_SWITCHYARD_3200"));
}

void TestPolicySimulate::closeOutcome()
{
    const QString file = write("p.yml", "on_tcp_connect:\n  - actions: [{type: restrict-ips, config: {allow: [10.0.0.0/8]}}]\n");
    const CliRun r = run({"policy", "simulate", file, "--url", "https://app.example.com", "--request", "GET /",
                          "--client-ip", "192.0.2.1", "--json"});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject outcome = parseJson(r.out)["outcome"].toObject();
    QCOMPARE(outcome["kind"].toString(), QString("close"));
    QCOMPARE(outcome["endpoint"].toString(), QString("https://app.example.com"));
}

void TestPolicySimulate::invalidPolicyExitsOne()
{
    const QString file = write("bad.yml", "on_http_request:\n  - expressions: [\"req.nope\"]\n    actions: [{type: deny}]\n");
    const CliRun r = run({"policy", "simulate", file, "--url", "https://app.example.com", "--request", "GET /"});
    QCOMPARE(r.exitCode, 1);
    QCOMPARE(r.out, QString());
    QCOMPARE(r.err, file + ":2:24: error: undefined field 'nope' of req\n");
    // The same diagnostics as policy validate.
    const CliRun v = run({"policy", "validate", file, "--url", "https://app.example.com"});
    QCOMPARE(v.exitCode, 1);
    QCOMPARE(v.err, r.err);
}

void TestPolicySimulate::invalidPolicyJson()
{
    const QString file = write("bad.yml", "on_http_request:\n  - actions: [{type: denny}]\n");
    const CliRun r = run({"policy", "simulate", file, "--url", "https://app.example.com", "--request", "GET /", "--json"});
    QCOMPARE(r.exitCode, 1);
    const QJsonObject root = parseJson(r.out);
    QCOMPARE(root["valid"].toBool(true), false);
    const QJsonObject d = root["diagnostics"].toArray().at(0).toObject();
    QCOMPARE(d["line"].toInt(), 2);
    QCOMPARE(d["severity"].toString(), QString("error"));
    QVERIFY(d["message"].toString().contains("did you mean 'deny'"));
}

void TestPolicySimulate::badFlags_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");
    const QString f = "FILE";
    QTest::newRow("no request") << QStringList{"policy", "simulate", f, "--url", "https://a.example.com"} << 2
                                << "--request";
    QTest::newRow("no url") << QStringList{"policy", "simulate", f, "--request", "GET /"} << 2 << "--url is required";
    QTest::newRow("no file") << QStringList{"policy", "simulate", "--url", "https://a.example.com", "--request", "GET /"}
                             << 2 << "exactly one FILE";
    QTest::newRow("request without url") << QStringList{"policy", "simulate", f, "--url", "https://a.example.com",
                                                        "--request", "GET"}
                                         << 2 << "METHOD URL";
    QTest::newRow("bad header") << QStringList{"policy", "simulate", f, "--url", "https://a.example.com", "--request",
                                               "GET /", "-H", "no colon"}
                                << 2 << "-H must be";
    QTest::newRow("bad client ip") << QStringList{"policy", "simulate", f, "--url", "https://a.example.com",
                                                  "--request", "GET /", "--client-ip", "999.1.1.1"}
                                   << 2 << "--client-ip";
    QTest::newRow("unknown flag") << QStringList{"policy", "simulate", f, "--url", "https://a.example.com",
                                                 "--request", "GET /", "--bogus"}
                                  << 2 << "bogus";
    QTest::newRow("endpoint and file") << QStringList{"policy", "simulate", f, "--endpoint", "web", "--request", "GET /"}
                                       << 2 << "--endpoint replaces FILE";
    QTest::newRow("relative url") << QStringList{"policy", "simulate", f, "--url", "https://a.example.com",
                                                 "--request", "GET a/b"}
                                  << 2 << "must be absolute";
    QTest::newRow("bad endpoint url") << QStringList{"policy", "simulate", f, "--url", "ftp://x", "--request", "GET /"}
                                      << 1 << "invalid --url";
    QTest::newRow("missing file") << QStringList{"policy", "simulate", "/nonexistent/p.yml", "--url",
                                                 "https://a.example.com", "--request", "GET /"}
                                  << 1 << "cannot open";
}

void TestPolicySimulate::badFlags()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    const QString file = write("ok.yml", "on_http_request:\n  - actions: [{type: deny}]\n");
    args.replaceInStrings(QRegularExpression("^FILE$"), file);
    const CliRun r = run(args);
    QCOMPARE(r.exitCode, exitCode);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
    QCOMPARE(r.out, QString());
}

QTEST_GUILESS_MAIN(TestPolicySimulate)
#include "tst_policysimulate.moc"
