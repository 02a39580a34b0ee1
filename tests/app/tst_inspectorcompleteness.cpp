// SPDX-License-Identifier: Apache-2.0
// The inspector's finer records end to end with `switchyard start`: the
// traffic policy rules that fired and the `log` entries in a capture,
// per-endpoint connection counts (agent API and /metrics), and the replay
// of captures taken on https:// endpoints (edge HTTPS and a dedicated
// listener), checked against the local CA.
#include "../support/freeport.h"
#include "../support/rawhttpclient.h"
#include "clirunner.h"
#include "control/inspect/replayclient.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using switchyard::ReplayClient;

class TestInspectorCompleteness : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void firedRulesAndLogs();
    void forwardChainRules();
    void noRulesNoRecord();
    void connectionsCounted();
    void tcpConnectionsCounted();
    void httpsReplay_data();
    void httpsReplay();

private:
    RawResponse api(const std::string &method, const std::string &target, const std::string &body = {}) const;
    QJsonObject latest() const;
    RawResponse proxy(const std::string &host, const std::string &target);

    QTemporaryDir m_home;
    std::unique_ptr<OriginProcess> m_origin;
    QProcess m_core;
    int m_api = 0;
    int m_edge = 0;
    int m_edgeTls = 0;
    int m_dedicated = 0;
    int m_tcp = 0;
    std::string m_caFile;
};

namespace {

double sample(const QString &text, const QString &series)
{
    for (const QString &line : text.split('\n'))
        if (line.startsWith(series + ' '))
            return line.mid(series.size() + 1).toDouble();
    return -1;
}

} // namespace

void TestInspectorCompleteness::initTestCase()
{
    m_origin = std::make_unique<OriginProcess>("O");
    QVERIFY(m_origin->port() > 0);
    m_api = freePort();
    m_edge = freePort();
    m_edgeTls = freePort();
    m_dedicated = freePort();
    m_tcp = freePort();
    const QString config = m_home.path() + "/core.yml";
    QFile file(config);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QString("version: 3\n"
                       "agent:\n"
                       "  api_addr: 127.0.0.1:%1\n"
                       "  edge_http: 127.0.0.1:%2\n"
                       "  edge_https: 127.0.0.1:%3\n"
                       "endpoints:\n"
                       "  - name: ruled\n"
                       "    url: http://ruled.localhost\n"
                       "    upstream:\n"
                       "      url: %4\n"
                       "    traffic_policy:\n"
                       "      on_http_request:\n"
                       "        - name: never\n"
                       "          expressions: [\"req.url.path == '/nope'\"]\n"
                       "          actions:\n"
                       "            - type: deny\n"
                       "        - name: tag\n"
                       "          expressions: [\"req.url.path.startsWith('/echo')\"]\n"
                       "          actions:\n"
                       "            - type: add-headers\n"
                       "              config: {headers: {x-tag: \"yes\"}}\n"
                       "            - type: log\n"
                       "              config:\n"
                       "                metadata: {path: \"${req.url.path}\"}\n"
                       "        - expressions: [\"req.url.path == '/inner'\"]\n"
                       "          actions:\n"
                       "            - type: forward-internal\n"
                       "              config: {url: \"https://in.internal\"}\n"
                       "      on_http_response:\n"
                       "        - actions:\n"
                       "            - type: add-headers\n"
                       "              config: {headers: {x-out: \"1\"}}\n"
                       "  - name: in\n"
                       "    type: cloud\n"
                       "    url: https://in.internal\n"
                       "    traffic_policy:\n"
                       "      on_http_request:\n"
                       "        - name: answer\n"
                       "          actions:\n"
                       "            - type: custom-response\n"
                       "              config: {status_code: 203, content: inner}\n"
                       "  - name: plain\n"
                       "    url: http://plain.localhost\n"
                       "    upstream:\n"
                       "      url: %4\n"
                       "  - name: secure\n"
                       "    url: https://secure.localhost\n"
                       "    upstream:\n"
                       "      url: %4\n"
                       "  - name: dedicated\n"
                       "    url: https://dedicated.localhost:%5\n"
                       "    upstream:\n"
                       "      url: %4\n"
                       "  - name: relay\n"
                       "    url: tcp://relay.localhost:%6\n"
                       "    upstream:\n"
                       "      url: tcp://127.0.0.1:%4\n")
                   .arg(m_api)
                   .arg(m_edge)
                   .arg(m_edgeTls)
                   .arg(m_origin->port())
                   .arg(m_dedicated)
                   .arg(m_tcp)
                   .toUtf8());
    file.close();
    m_core.setProcessEnvironment(isolatedEnvironment(m_home.path()));
    m_core.start(SWITCHYARD_BINARY,
                 {"start", "--config", config, "--data-dir", m_home.path() + "/data", "--workers", "2"});
    QString out;
    while (!out.contains("switchyard ready") && m_core.waitForReadyRead(10000))
        out += QString::fromUtf8(m_core.readAllStandardOutput());
    while (!out.contains("\nca ") && m_core.waitForReadyRead(2000))
        out += QString::fromUtf8(m_core.readAllStandardOutput());
    QVERIFY2(out.contains("switchyard ready"), qPrintable(out + m_core.readAllStandardError()));
    const QRegularExpressionMatch ca = QRegularExpression("\nca ([^\n]+)\n").match(out);
    QVERIFY2(ca.hasMatch(), qPrintable(out));
    m_caFile = ca.captured(1).toStdString();
}

void TestInspectorCompleteness::cleanupTestCase()
{
    if (m_core.state() == QProcess::NotRunning)
        return;
    ::kill(static_cast<pid_t>(m_core.processId()), SIGTERM);
    if (!m_core.waitForFinished(15000)) {
        m_core.kill();
        m_core.waitForFinished();
    }
}

RawResponse TestInspectorCompleteness::api(const std::string &method, const std::string &target,
                                           const std::string &body) const
{
    RawConnection c(m_api);
    std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!body.empty())
        request += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    c.send(request + "Connection: close\r\n\r\n" + body);
    return c.readResponse(method, 30000);
}

QJsonObject TestInspectorCompleteness::latest() const
{
    const RawResponse r = api("GET", "/api/requests/http?limit=1");
    const QJsonArray list = QJsonDocument::fromJson(QByteArray::fromStdString(r.body)).object()["requests"].toArray();
    if (list.isEmpty())
        return {};
    // The single-capture route shows the same object as the list.
    const std::string id = list.at(0).toObject()["id"].toString().toStdString();
    const RawResponse one = api("GET", "/api/requests/http/" + id);
    const QJsonObject fromGet = QJsonDocument::fromJson(QByteArray::fromStdString(one.body)).object();
    if (fromGet["rules"] != list.at(0).toObject()["rules"] || fromGet["logs"] != list.at(0).toObject()["logs"])
        qWarning("list and get differ: %s", one.body.c_str());
    return fromGet;
}

RawResponse TestInspectorCompleteness::proxy(const std::string &host, const std::string &target)
{
    RawConnection c(m_edge);
    c.send("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
    return c.readResponse("GET");
}

void TestInspectorCompleteness::firedRulesAndLogs()
{
    const RawResponse r = proxy("ruled.localhost", "/echo");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("x-out"), std::string("1"));
    const QJsonObject capture = latest();
    QCOMPARE(capture["endpoint_name"].toString(), QString("ruled"));
    // Only the rules that fired, request phase first: "never" did not.
    const QJsonArray expected{
        QJsonObject{{"endpoint_url", "http://ruled.localhost"},
                    {"phase", "on_http_request"},
                    {"rule", 1},
                    {"name", "tag"},
                    {"actions", QJsonArray{"add-headers", "log"}}},
        QJsonObject{{"endpoint_url", "http://ruled.localhost"},
                    {"phase", "on_http_response"},
                    {"rule", 0},
                    {"actions", QJsonArray{"add-headers"}}},
    };
    QCOMPARE(capture["rules"].toArray(), expected);
    const QJsonArray logs{QJsonObject{{"endpoint_url", "http://ruled.localhost"},
                                      {"path", "on_http_request[1].actions[1]"},
                                      {"metadata", QJsonObject{{"path", "/echo"}}}}};
    QCOMPARE(capture["logs"].toArray(), logs);

    // The HAR export carries them as custom fields of the entry.
    const RawResponse har = api("GET", "/api/requests/http?format=har&limit=1");
    const QJsonArray entries =
        QJsonDocument::fromJson(QByteArray::fromStdString(har.body)).object()["log"].toObject()["entries"].toArray();
    QCOMPARE(entries.size(), 1);
    QCOMPARE(entries.at(0).toObject()["_rules"].toArray(), expected);
    QCOMPARE(entries.at(0).toObject()["_logs"].toArray(), logs);
}

void TestInspectorCompleteness::forwardChainRules()
{
    const RawResponse r = proxy("ruled.localhost", "/inner");
    QCOMPARE(r.status, 203);
    QCOMPARE(r.body, std::string("inner"));
    const QJsonObject capture = latest();
    QCOMPARE(capture["chain"].toArray(), (QJsonArray{"http://ruled.localhost", "https://in.internal"}));
    const QJsonArray rules = capture["rules"].toArray();
    QCOMPARE(rules.size(), 3);
    QCOMPARE(rules.at(0).toObject()["rule"].toInt(), 2);
    QCOMPARE(rules.at(0).toObject()["actions"].toArray(), QJsonArray{"forward-internal"});
    QCOMPARE(rules.at(1).toObject()["endpoint_url"].toString(), QString("https://in.internal"));
    QCOMPARE(rules.at(1).toObject()["name"].toString(), QString("answer"));
    QCOMPARE(rules.at(1).toObject()["actions"].toArray(), QJsonArray{"custom-response"});
    // The policy's own answer still runs the forwarder's on_http_response.
    QCOMPARE(rules.at(2).toObject()["phase"].toString(), QString("on_http_response"));
    QCOMPARE(rules.at(2).toObject()["endpoint_url"].toString(), QString("http://ruled.localhost"));
    QCOMPARE(capture["logs"].toArray(), QJsonArray());
}

void TestInspectorCompleteness::noRulesNoRecord()
{
    QCOMPARE(proxy("plain.localhost", "/status/204").status, 204);
    const QJsonObject capture = latest();
    QCOMPARE(capture["endpoint_name"].toString(), QString("plain"));
    QVERIFY(capture.contains("rules"));
    QCOMPARE(capture["rules"].toArray(), QJsonArray());
    QCOMPARE(capture["logs"].toArray(), QJsonArray());
}

void TestInspectorCompleteness::connectionsCounted()
{
    const auto conns = [this] {
        const RawResponse r = api("GET", "/api/endpoints/plain");
        return QJsonDocument::fromJson(QByteArray::fromStdString(r.body)).object()["metrics"].toObject()["conns"].toObject();
    };
    const QJsonObject before = conns();
    const qint64 count0 = before["count"].toInteger();
    QCOMPARE(before["gauge"].toInteger(), 0);

    // Three requests on one kept-alive connection count one connection;
    // it is open (gauge 1) until it closes.
    RawConnection c(m_edge);
    for (int i = 0; i < 3; ++i) {
        c.send("GET /status/200 HTTP/1.1\r\nHost: plain.localhost\r\n\r\n");
        QCOMPARE(c.readResponse().status, 200);
    }
    QJsonObject open = conns();
    QCOMPARE(open["count"].toInteger(), count0 + 1);
    QCOMPARE(open["gauge"].toInteger(), 1);
    QVERIFY(open["rate1"].toDouble() > 0);
    // A connection goes to the endpoint of its first request only.
    c.send("GET /status/200 HTTP/1.1\r\nHost: ruled.localhost\r\n\r\n");
    QCOMPARE(c.readResponse().status, 200);
    c.close();
    QTRY_COMPARE(conns()["gauge"].toInteger(), 0);
    const QJsonObject closed = conns();
    QCOMPARE(closed["count"].toInteger(), count0 + 1);
    QVERIFY(closed["p50"].toInteger() > 0);

    // Two more, one request each.
    QCOMPARE(proxy("plain.localhost", "/status/200").status, 200);
    QCOMPARE(proxy("plain.localhost", "/status/200").status, 200);
    QTRY_COMPARE(conns()["gauge"].toInteger(), 0);
    QCOMPARE(conns()["count"].toInteger(), count0 + 3);

    const QString text = QString::fromStdString(api("GET", "/metrics").body);
    const QString labels = R"({endpoint="http://plain.localhost",name="plain"})";
    QCOMPARE(sample(text, "switchyard_connections_total" + labels), double(count0 + 3));
    QCOMPARE(sample(text, "switchyard_connections_open" + labels), 0.0);
    QVERIFY(text.contains("# TYPE switchyard_connections_total counter\n"));
    QVERIFY(text.contains("# TYPE switchyard_connections_open gauge\n"));
    QCOMPARE(sample(text, "switchyard_connection_duration_seconds_count" + labels), double(count0 + 3));
}

void TestInspectorCompleteness::tcpConnectionsCounted()
{
    // tcp:// endpoints count their connections like HTTP ones: open while
    // relayed, with a duration once closed.
    const auto conns = [this] {
        const RawResponse r = api("GET", "/api/endpoints/relay");
        return QJsonDocument::fromJson(QByteArray::fromStdString(r.body)).object()["metrics"].toObject()["conns"].toObject();
    };
    QCOMPARE(conns()["gauge"].toInteger(), 0);
    const qint64 count0 = conns()["count"].toInteger();
    std::vector<std::unique_ptr<RawConnection>> open;
    for (int i = 0; i < 2; ++i) {
        auto c = std::make_unique<RawConnection>(m_tcp);
        // An answer through the relay: the connection is admitted and dialed.
        c->send("GET /status/200 HTTP/1.1\r\nHost: origin\r\n\r\n");
        QCOMPARE(c->readResponse().status, 200);
        open.push_back(std::move(c));
    }
    QCOMPARE(conns()["gauge"].toInteger(), 2);
    QCOMPARE(conns()["count"].toInteger(), count0 + 2);
    open.clear();
    QTRY_COMPARE(conns()["gauge"].toInteger(), 0);
    QCOMPARE(conns()["count"].toInteger(), count0 + 2);
    QVERIFY(conns()["p50"].toInteger() > 0);
    const QString text = QString::fromStdString(api("GET", "/metrics").body);
    const QString labels = QString("{endpoint=\"tcp://relay.localhost:%1\",name=\"relay\"}").arg(m_tcp);
    QCOMPARE(sample(text, "switchyard_connections_total" + labels), double(count0 + 2));
}

void TestInspectorCompleteness::httpsReplay_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<bool>("dedicated");
    QTest::newRow("edge https") << "secure.localhost" << false;
    QTest::newRow("dedicated https") << "dedicated.localhost" << true;
}

void TestInspectorCompleteness::httpsReplay()
{
    QFETCH(QString, host);
    QFETCH(bool, dedicated);
    const std::string name = host.toStdString();
    const int port = dedicated ? m_dedicated : m_edgeTls;
    const std::string authority = dedicated ? name + ":" + std::to_string(port) : name;
    const std::string marker = "body-" + name;

    // The original, over TLS checked against the local CA.
    ReplayClient::Target target{port, true, name, m_caFile};
    auto sent = ReplayClient::send(target,
                                   "POST /echo HTTP/1.1\r\nHost: " + authority + "\r\nContent-Length: "
                                       + std::to_string(marker.size()) + "\r\nConnection: close\r\n\r\n" + marker,
                                   [](const std::string &) {});
    QVERIFY2(sent, sent ? "" : sent.message().c_str());
    QVERIFY2(sent->starts_with("HTTP/1.1 200"), sent->c_str());
    const QJsonObject original = latest();
    QCOMPARE(original["endpoint_url"].toString().toStdString(), "https://" + authority);
    const std::string id = original["id"].toString().toStdString();

    // Replayed, with a changed body: answered over TLS by the same endpoint.
    const RawResponse replay = api("POST", "/api/requests/http", "{\"id\":\"" + id + "\",\"body\":\"again\"}");
    QVERIFY2(replay.status == 204, replay.body.c_str());
    const QJsonObject copy = latest();
    QCOMPARE(copy["replay_of"].toString().toStdString(), id);
    QCOMPARE(copy["endpoint_url"].toString().toStdString(), "https://" + authority);
    QCOMPARE(copy["response"].toObject()["status_code"].toInt(), 200);
    QVERIFY(QByteArray::fromBase64(copy["response"].toObject()["raw"].toString().toLatin1()).endsWith("\r\n\r\nagain"));
}

QTEST_GUILESS_MAIN(TestInspectorCompleteness)
#include "tst_inspectorcompleteness.moc"
