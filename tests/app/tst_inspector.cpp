// SPDX-License-Identifier: Apache-2.0
// The traffic inspector end to end: `switchyard start` with three endpoints
// in front of a real testorigin, captures read back over the agent API
// (/api/requests/http), replay with modifications, HAR 1.2 export (API and
// `switchyard inspect export --har`), /metrics, and inspect_db_size: -1.
#include "../support/freeport.h"
#include "../support/rawhttpclient.h"
#include "clirunner.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

class TestInspector : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void listedNewestFirst();
    void limitAndEndpointFilter();
    void bodyTruncatedAtCap();
    void errorCodeWhenSwitchyardAnswers();
    void getOneAndUnknownId();
    void replayWithModification();
    void replayBadInput_data();
    void replayBadInput();
    void harStructure();
    void inspectExportHar();
    void metricsText();
    void deleteClears();
    void tenThousandListed();
    void inspectionOff();

private:
    struct Core
    {
        QProcess process;
        int api = 0;
        int edge = 0;
    };
    bool startCore(Core &core, const QString &name, const QString &agentExtra, const QStringList &extraArgs);
    static void stopCore(Core &core);

    RawResponse proxy(const std::string &host, const std::string &method, const std::string &target,
                      const std::string &body = {}, const std::string &extraHeaders = {});
    RawResponse api(const std::string &method, const std::string &target, const std::string &body = {}) const;
    QJsonObject apiJson(const std::string &target) const;
    QJsonArray requests(const std::string &query = {}) const;

    QTemporaryDir m_home;
    std::unique_ptr<OriginProcess> m_origin;
    Core m_core;
};

bool TestInspector::startCore(Core &core, const QString &name, const QString &agentExtra, const QStringList &extraArgs)
{
    core.api = freePort();
    core.edge = freePort();
    const QString config = m_home.path() + "/" + name + ".yml";
    QFile file(config);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    file.write(QString("version: 3\n"
                       "agent:\n"
                       "  api_addr: 127.0.0.1:%1\n"
                       "  edge_http: 127.0.0.1:%2\n"
                       "  edge_https: 127.0.0.1:%6\n"
                       "%5"
                       "endpoints:\n"
                       "  - name: web\n"
                       "    url: http://web.localhost\n"
                       "    upstream:\n"
                       "      url: %3\n"
                       "  - name: other\n"
                       "    url: http://other.localhost\n"
                       "    upstream:\n"
                       "      url: %3\n"
                       "  - name: dead\n"
                       "    url: http://dead.localhost\n"
                       "    upstream:\n"
                       "      url: %4\n")
                   .arg(core.api)
                   .arg(core.edge)
                   .arg(m_origin->port())
                   .arg(freePort())
                   .arg(agentExtra)
                   .arg(freePort())
                   .toUtf8());
    file.close();
    core.process.setProcessEnvironment(isolatedEnvironment(m_home.path()));
    core.process.start(SWITCHYARD_BINARY, QStringList{"start", "--config", config, "--data-dir",
                                                      m_home.path() + "/" + name, "--workers", "2"}
                                              + extraArgs);
    QString out;
    while (!out.contains("switchyard ready") && core.process.waitForReadyRead(10000))
        out += QString::fromUtf8(core.process.readAllStandardOutput());
    if (!out.contains("switchyard ready"))
        qWarning("%s", qPrintable(out + core.process.readAllStandardError()));
    return out.contains("switchyard ready");
}

void TestInspector::stopCore(Core &core)
{
    if (core.process.state() == QProcess::NotRunning)
        return;
    ::kill(static_cast<pid_t>(core.process.processId()), SIGTERM);
    if (!core.process.waitForFinished(15000)) {
        core.process.kill();
        core.process.waitForFinished();
    }
}

RawResponse TestInspector::proxy(const std::string &host, const std::string &method, const std::string &target,
                                 const std::string &body, const std::string &extraHeaders)
{
    RawConnection c(m_core.edge);
    std::string request = method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\n" + extraHeaders;
    if (!body.empty() || method == "POST")
        request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    c.send(request + "Connection: close\r\n\r\n" + body);
    return c.readResponse(method);
}

RawResponse TestInspector::api(const std::string &method, const std::string &target, const std::string &body) const
{
    RawConnection c(m_core.api);
    std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!body.empty())
        request += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    c.send(request + "Connection: close\r\n\r\n" + body);
    return c.readResponse(method, 30000);
}

QJsonObject TestInspector::apiJson(const std::string &target) const
{
    const RawResponse r = api("GET", target);
    if (r.status != 200)
        qWarning("GET %s: %d %s", target.c_str(), r.status, r.body.c_str());
    return QJsonDocument::fromJson(QByteArray::fromStdString(r.body)).object();
}

QJsonArray TestInspector::requests(const std::string &query) const
{
    return apiJson("/api/requests/http" + query).value("requests").toArray();
}

void TestInspector::initTestCase()
{
    m_origin = std::make_unique<OriginProcess>("O");
    QVERIFY(m_origin->port() > 0);
    QVERIFY(startCore(m_core, "main", "",
                      {"--limit", "inspect_body_size=64", "--limit", "inspect_max_requests=20000"}));
}

void TestInspector::cleanupTestCase()
{
    stopCore(m_core);
}

void TestInspector::listedNewestFirst()
{
    QCOMPARE(api("DELETE", "/api/requests/http").status, 204);
    for (int i = 1; i <= 3; ++i)
        QCOMPARE(proxy("web.localhost", "GET", "/bytes/" + std::to_string(i)).status, 200);
    const QJsonArray list = requests();
    QCOMPARE(list.size(), 3);
    for (int i = 0; i < 3; ++i) {
        const QJsonObject r = list.at(i).toObject();
        QCOMPARE(r.value("request").toObject().value("uri").toString(), QString("/bytes/%1").arg(3 - i));
        QCOMPARE(r.value("tunnel_name").toString(), QString("web"));
        QCOMPARE(r.value("endpoint_url").toString(), QString("http://web.localhost"));
        QCOMPARE(r.value("uri").toString(), "/api/requests/http/" + r.value("id").toString());
        QVERIFY(r.value("id").toString().startsWith("req_"));
        QVERIFY(r.value("remote_addr").toString().startsWith("127.0.0.1:"));
        QVERIFY(r.value("duration").toInteger() > 0);
        QVERIFY(QRegularExpression(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$)")
                    .match(r.value("start").toString())
                    .hasMatch());
        const QJsonObject response = r.value("response").toObject();
        QCOMPARE(response.value("status_code").toInt(), 200);
        QCOMPARE(response.value("status").toString(), QString("200 OK"));
        QCOMPARE(response.value("headers").toObject().value("X-Origin-Name").toArray(), QJsonArray{"O"});
        const QByteArray raw = QByteArray::fromBase64(response.value("raw").toString().toLatin1());
        QVERIFY2(raw.startsWith("HTTP/1.1 200 OK\r\n"), raw.constData());
        QVERIFY(raw.endsWith(QByteArray("\r\n\r\n") + QByteArray("abc").left(3 - i)));
        const QJsonObject timings = r.value("timings").toObject();
        QVERIFY(timings.value("upstream_connected").toInteger() >= 0);
        QVERIFY(timings.value("first_byte").toInteger() >= timings.value("upstream_connected").toInteger());
        QVERIFY(timings.value("done").toInteger() >= timings.value("first_byte").toInteger());
        QCOMPARE(r.value("chain").toArray(), QJsonArray{"http://web.localhost"});
    }
}

void TestInspector::limitAndEndpointFilter()
{
    QCOMPARE(api("DELETE", "/api/requests/http").status, 204);
    for (int i = 0; i < 4; ++i)
        QCOMPARE(proxy(i % 2 ? "other.localhost" : "web.localhost", "GET", "/status/20" + std::to_string(i)).status,
                 200 + i);
    QCOMPARE(requests("?limit=2").size(), 2);
    QCOMPARE(requests("?limit=2").at(0).toObject().value("response").toObject().value("status_code").toInt(), 203);
    const QJsonArray other = requests("?endpoint_name=other");
    QCOMPARE(other.size(), 2);
    QCOMPARE(other.at(0).toObject().value("response").toObject().value("status_code").toInt(), 203);
    QCOMPARE(other.at(1).toObject().value("response").toObject().value("status_code").toInt(), 201);
    QCOMPARE(requests("?tunnel_name=web&limit=1").at(0).toObject().value("request").toObject().value("uri"),
             QJsonValue("/status/202"));
    QCOMPARE(requests("?endpoint_name=nobody").size(), 0);
    QCOMPARE(api("GET", "/api/requests/http?limit=zero").status, 400);
    QCOMPARE(api("GET", "/api/requests/http?colour=red").status, 400);
}

void TestInspector::bodyTruncatedAtCap()
{
    const std::string body(100, 'x');
    const RawResponse r = proxy("web.localhost", "POST", "/echo", body);
    QCOMPARE(r.body, body);
    const QJsonObject capture = requests("?limit=1").at(0).toObject();
    const QJsonObject request = capture.value("request").toObject();
    QCOMPARE(request.value("body_size").toInteger(), 100);
    QCOMPARE(request.value("body_truncated").toBool(), true);
    const QByteArray raw = QByteArray::fromBase64(request.value("raw").toString().toLatin1());
    QVERIFY2(raw.endsWith("\r\n\r\n" + QByteArray(64, 'x')), raw.constData());
    const QJsonObject response = capture.value("response").toObject();
    QCOMPARE(response.value("body_size").toInteger(), 100);
    QCOMPARE(response.value("body_truncated").toBool(), true);
    QVERIFY(QByteArray::fromBase64(response.value("raw").toString().toLatin1()).endsWith("\r\n\r\n" + QByteArray(64, 'x')));

    QCOMPARE(proxy("web.localhost", "POST", "/echo", std::string(64, 'y')).status, 200);
    const QJsonObject exact = requests("?limit=1").at(0).toObject().value("request").toObject();
    QCOMPARE(exact.value("body_truncated").toBool(), false);
    QCOMPARE(exact.value("body_size").toInteger(), 64);
}

void TestInspector::errorCodeWhenSwitchyardAnswers()
{
    QCOMPARE(proxy("dead.localhost", "GET", "/").status, 502);
    const QJsonObject capture = requests("?limit=1").at(0).toObject();
    QCOMPARE(capture.value("endpoint_name").toString(), QString("dead"));
    QCOMPARE(capture.value("error_code").toString(), QString("ERR_SWITCHYARD_8012"));
    QCOMPARE(capture.value("response").toObject().value("status_code").toInt(), 502);
    QCOMPARE(capture.value("response").toObject().value("headers").toObject().value("Switchyard-Error-Code"),
             QJsonValue(QJsonArray{"ERR_SWITCHYARD_8012"}));
    // An upstream answer carries no error code.
    QVERIFY(!requests("?endpoint_name=web&limit=1").at(0).toObject().contains("error_code"));
}

void TestInspector::getOneAndUnknownId()
{
    const QJsonObject first = requests("?limit=1").at(0).toObject();
    const std::string id = first.value("id").toString().toStdString();
    QCOMPARE(apiJson("/api/requests/http/" + id), first);
    const RawResponse missing = api("GET", "/api/requests/http/req_NOSUCHTHING");
    QCOMPARE(missing.status, 404);
    QCOMPARE(missing.header("content-type"), std::string("application/json"));
    const QJsonObject error = QJsonDocument::fromJson(QByteArray::fromStdString(missing.body)).object();
    QCOMPARE(error.value("error_code").toString(), QString("ERR_SWITCHYARD_404"));
    QCOMPARE(error.value("status_code").toInt(), 404);
    QVERIFY(error.value("msg").toString().contains("req_NOSUCHTHING"));
}

void TestInspector::replayWithModification()
{
    QCOMPARE(proxy("web.localhost", "POST", "/echo", "original", "X-Keep: kept\r\nX-Drop: dropped\r\n").status, 200);
    const std::string id = requests("?limit=1").at(0).toObject().value("id").toString().toStdString();

    // As it was.
    QCOMPARE(api("POST", "/api/requests/http", "{\"id\":\"" + id + "\"}").status, 204);
    QJsonObject replay = requests("?limit=1").at(0).toObject();
    QCOMPARE(replay.value("replay_of").toString().toStdString(), id);
    QCOMPARE(replay.value("endpoint_name").toString(), QString("web"));
    QVERIFY(QByteArray::fromBase64(replay.value("response").toObject().value("raw").toString().toLatin1())
                .endsWith("\r\n\r\noriginal"));

    // Modified: method, path, headers, body. /headers echoes the head the
    // origin received, so the changes are seen where they arrived.
    const RawResponse modified =
        api("POST", "/api/requests/http",
            "{\"id\":\"" + id + "\",\"method\":\"PUT\",\"path\":\"/headers\","
            "\"headers\":{\"X-Added\":\"yes\",\"x-keep\":\"changed\",\"X-Drop\":null},\"body\":\"new body\"}");
    QCOMPARE(modified.status, 204);
    QVERIFY(modified.body.empty());
    replay = requests("?limit=1").at(0).toObject();
    QCOMPARE(replay.value("replay_of").toString().toStdString(), id);
    const QJsonObject request = replay.value("request").toObject();
    QCOMPARE(request.value("method").toString(), QString("PUT"));
    QCOMPARE(request.value("uri").toString(), QString("/headers"));
    QCOMPARE(request.value("body_size").toInteger(), 8);
    QCOMPARE(request.value("headers").toObject().value("X-Keep").toArray(), QJsonArray{"changed"});
    QVERIFY(!request.value("headers").toObject().contains("X-Drop"));
    // The origin's view: /headers answers the head it received (the first
    // 64 bytes are captured): method, path and the edited headers.
    const QByteArray seen = QByteArray::fromBase64(replay.value("response").toObject().value("raw").toString().toLatin1());
    // (The origin lower-cases names; X-Drop is gone, X-Added follows.)
    QVERIFY2(seen.contains("\r\n\r\nPUT /headers HTTP/1.1\nhost: web.localhost\nx-keep: changed\nx-adde"),
             seen.constData());
    QCOMPARE(replay.value("response").toObject().value("status_code").toInt(), 200);

    // The full head the origin got, through the replay's own capture of a
    // short path: echo the body back.
    QCOMPARE(api("POST", "/api/requests/http", "{\"id\":\"" + id + "\",\"body\":\"changed!\"}").status, 204);
    replay = requests("?limit=1").at(0).toObject();
    QVERIFY(QByteArray::fromBase64(replay.value("response").toObject().value("raw").toString().toLatin1())
                .endsWith("\r\n\r\nchanged!"));
}

void TestInspector::replayBadInput_data()
{
    QTest::addColumn<QString>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::newRow("not json") << "{id:" << 400 << "ERR_SWITCHYARD_213";
    QTest::newRow("not an object") << "[1]" << 400 << "ERR_SWITCHYARD_213";
    QTest::newRow("no id") << "{}" << 400 << "ERR_SWITCHYARD_18015";
    QTest::newRow("unknown field") << "{\"id\":\"req_x\",\"colour\":1}" << 400 << "ERR_SWITCHYARD_18014";
    QTest::newRow("bad method") << "{\"id\":\"req_x\",\"method\":\"GE T\"}" << 400 << "ERR_SWITCHYARD_18014";
    QTest::newRow("bad path") << "{\"id\":\"req_x\",\"path\":\"nopath\"}" << 400 << "ERR_SWITCHYARD_18014";
    QTest::newRow("unknown id") << "{\"id\":\"req_NOSUCHTHING\"}" << 404 << "ERR_SWITCHYARD_404";
}

void TestInspector::replayBadInput()
{
    QFETCH(QString, body);
    QFETCH(int, status);
    QFETCH(QString, code);
    const RawResponse r = api("POST", "/api/requests/http", body.toStdString());
    QCOMPARE(r.status, status);
    const QJsonObject error = QJsonDocument::fromJson(QByteArray::fromStdString(r.body)).object();
    QCOMPARE(error.value("error_code").toString(), code);
    QCOMPARE(error.value("status_code").toInt(), status);
}

namespace {

// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/): every required
// field, with its type.
void checkHarEntry(const QJsonObject &entry)
{
    QVERIFY(entry.value("startedDateTime").isString());
    QVERIFY(QRegularExpression(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$)")
                .match(entry.value("startedDateTime").toString())
                .hasMatch());
    QVERIFY(entry.value("time").isDouble());
    QVERIFY(entry.value("cache").isObject());
    const QJsonObject request = entry.value("request").toObject();
    for (const char *key : {"method", "url", "httpVersion"})
        QVERIFY2(request.value(key).isString(), key);
    for (const char *key : {"cookies", "headers", "queryString"})
        QVERIFY2(request.value(key).isArray(), key);
    for (const char *key : {"headersSize", "bodySize"})
        QVERIFY2(request.value(key).isDouble(), key);
    for (const QJsonValue &h : request.value("headers").toArray()) {
        QVERIFY(h.toObject().value("name").isString());
        QVERIFY(h.toObject().value("value").isString());
    }
    const QJsonObject response = entry.value("response").toObject();
    QVERIFY(response.value("status").isDouble());
    for (const char *key : {"statusText", "httpVersion", "redirectURL"})
        QVERIFY2(response.value(key).isString(), key);
    for (const char *key : {"cookies", "headers"})
        QVERIFY2(response.value(key).isArray(), key);
    for (const char *key : {"headersSize", "bodySize"})
        QVERIFY2(response.value(key).isDouble(), key);
    const QJsonObject content = response.value("content").toObject();
    QVERIFY(content.value("size").isDouble());
    QVERIFY(content.value("mimeType").isString());
    const QJsonObject timings = entry.value("timings").toObject();
    double sum = 0;
    for (const char *key : {"send", "wait", "receive"}) {
        QVERIFY2(timings.value(key).isDouble() && timings.value(key).toDouble() >= 0, key);
        sum += timings.value(key).toDouble();
    }
    for (const char *key : {"blocked", "dns", "connect", "ssl"}) {
        QVERIFY2(timings.value(key).isDouble() && timings.value(key).toDouble() >= -1, key);
        sum += std::max(0.0, timings.value(key).toDouble());
    }
    // time is the sum of the applicable timings.
    QVERIFY2(std::abs(sum - entry.value("time").toDouble()) < 0.01,
             qPrintable(QString("%1 vs %2").arg(sum).arg(entry.value("time").toDouble())));
}

} // namespace

void TestInspector::harStructure()
{
    QCOMPARE(api("DELETE", "/api/requests/http").status, 204);
    QCOMPARE(proxy("web.localhost", "POST", "/echo", "{\"k\":1}", "Content-Type: application/json\r\n").status, 200);
    QCOMPARE(proxy("other.localhost", "GET", "/status/404?a=1&b=two%20words").status, 404);
    const RawResponse r = api("GET", "/api/requests/http?format=har");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("content-type"), std::string("application/json"));
    const QJsonObject log = QJsonDocument::fromJson(QByteArray::fromStdString(r.body)).object().value("log").toObject();
    QCOMPARE(log.value("version").toString(), QString("1.2"));
    QCOMPARE(log.value("creator").toObject().value("name").toString(), QString("Switchyard"));
    QVERIFY(log.value("creator").toObject().value("version").isString());
    const QJsonArray entries = log.value("entries").toArray();
    QCOMPARE(entries.size(), 2);
    for (const QJsonValue &entry : entries)
        checkHarEntry(entry.toObject());

    const QJsonObject notFound = entries.at(0).toObject();
    QCOMPARE(notFound.value("request").toObject().value("method").toString(), QString("GET"));
    QCOMPARE(notFound.value("request").toObject().value("url").toString(),
             QString("http://other.localhost/status/404?a=1&b=two%20words"));
    const QJsonArray query = notFound.value("request").toObject().value("queryString").toArray();
    QCOMPARE(query.size(), 2);
    QCOMPARE(query.at(0).toObject(), (QJsonObject{{"name", "a"}, {"value", "1"}}));
    QCOMPARE(query.at(1).toObject(), (QJsonObject{{"name", "b"}, {"value", "two words"}}));
    QCOMPARE(notFound.value("response").toObject().value("status").toInt(), 404);
    QVERIFY(!notFound.value("request").toObject().contains("postData"));

    const QJsonObject echo = entries.at(1).toObject();
    const QJsonObject request = echo.value("request").toObject();
    QCOMPARE(request.value("url").toString(), QString("http://web.localhost/echo"));
    QCOMPARE(request.value("httpVersion").toString(), QString("HTTP/1.1"));
    QCOMPARE(request.value("bodySize").toInt(), 7);
    QCOMPARE(request.value("queryString").toArray().size(), 0);
    const QJsonObject postData = request.value("postData").toObject();
    QCOMPARE(postData.value("mimeType").toString(), QString("application/json"));
    QCOMPARE(postData.value("text").toString(), QString("{\"k\":1}"));
    QVERIFY(request.value("headers").toArray().contains(QJsonObject{{"name", "Host"}, {"value", "web.localhost"}}));
    const QJsonObject response = echo.value("response").toObject();
    QCOMPARE(response.value("status").toInt(), 200);
    QCOMPARE(response.value("statusText").toString(), QString("OK"));
    QCOMPARE(response.value("content").toObject().value("size").toInt(), 7);
    QCOMPARE(response.value("content").toObject().value("text").toString(), QString("{\"k\":1}"));
    QCOMPARE(response.value("bodySize").toInt(), 7);
    QVERIFY(echo.value("_id").toString().startsWith("req_"));
}

void TestInspector::inspectExportHar()
{
    const QString file = m_home.path() + "/export.har";
    const CliRun run = runSwitchyard({"inspect", "export", "--har", file, "--api-addr",
                                      QString("127.0.0.1:%1").arg(m_core.api)},
                                     isolatedEnvironment(m_home.path()));
    QCOMPARE(run.exitCode, 0);
    QFile har(file);
    QVERIFY(har.open(QIODevice::ReadOnly));
    const QJsonObject log = QJsonDocument::fromJson(har.readAll()).object().value("log").toObject();
    QCOMPARE(log.value("version").toString(), QString("1.2"));
    const QJsonArray entries = log.value("entries").toArray();
    QCOMPARE(entries.size(), 2);
    QCOMPARE(entries.at(0).toObject().value("request").toObject().value("url").toString(),
             QString("http://other.localhost/status/404?a=1&b=two%20words"));

    const CliRun filtered = runSwitchyard({"inspect", "export", "--har", "-", "--endpoint", "web", "--api-addr",
                                           QString("127.0.0.1:%1").arg(m_core.api)},
                                          isolatedEnvironment(m_home.path()));
    QCOMPARE(filtered.exitCode, 0);
    const QJsonArray webOnly =
        QJsonDocument::fromJson(filtered.out.toUtf8()).object().value("log").toObject().value("entries").toArray();
    QCOMPARE(webOnly.size(), 1);

    const CliRun usage = runSwitchyard({"inspect", "export"}, isolatedEnvironment(m_home.path()));
    QCOMPARE(usage.exitCode, 2);
    QVERIFY(usage.err.contains("--har FILE is required"));
    const CliRun noCore = runSwitchyard({"inspect", "export", "--har", "-", "--api-addr",
                                         QString("127.0.0.1:%1").arg(freePort())},
                                        isolatedEnvironment(m_home.path()));
    QCOMPARE(noCore.exitCode, 3);
}

namespace {

// The value of one sample line "name{labels} value" in Prometheus text.
double sample(const QString &text, const QString &nameAndLabels)
{
    for (const QString &line : text.split('\n')) {
        if (line.startsWith('#') || !line.startsWith(nameAndLabels + ' '))
            continue;
        bool ok = false;
        const double value = line.mid(nameAndLabels.size() + 1).toDouble(&ok);
        return ok ? value : -2;
    }
    return -1;
}

} // namespace

void TestInspector::metricsText()
{
    const auto before = [this] {
        return QString::fromStdString(api("GET", "/metrics").body);
    };
    const QString first = before();
    const QString labels = R"(endpoint="http://other.localhost",name="other")";
    const double ok0 = std::max(0.0, sample(first, "switchyard_http_requests_total{" + labels + ",class=\"2xx\"}"));
    const double nf0 = std::max(0.0, sample(first, "switchyard_http_requests_total{" + labels + ",class=\"4xx\"}"));
    const double out0 = std::max(0.0, sample(first, "switchyard_http_response_bytes_total{" + labels + "}"));
    for (int i = 0; i < 3; ++i)
        QCOMPARE(proxy("other.localhost", "GET", "/bytes/10").status, 200);
    QCOMPARE(proxy("other.localhost", "GET", "/status/404").status, 404);

    const RawResponse r = api("GET", "/metrics");
    QCOMPARE(r.status, 200);
    QVERIFY(r.header("content-type").starts_with("text/plain; version=0.0.4"));
    const QString text = QString::fromStdString(r.body);
    // Every non-comment line is "name{labels} number".
    const QRegularExpression line(R"(^[a-z_]+(\{[^}]*\})? -?[0-9.e+-]+$)");
    for (const QString &l : text.split('\n', Qt::SkipEmptyParts))
        QVERIFY2(l.startsWith("# HELP ") || l.startsWith("# TYPE ") || line.match(l).hasMatch(), qPrintable(l));
    QCOMPARE(sample(text, "switchyard_http_requests_total{" + labels + ",class=\"2xx\"}"), ok0 + 3);
    QCOMPARE(sample(text, "switchyard_http_requests_total{" + labels + ",class=\"4xx\"}"), nf0 + 1);
    QVERIFY(sample(text, "switchyard_http_response_bytes_total{" + labels + "}") >= out0 + 30);
    QVERIFY(sample(text, "switchyard_http_request_duration_seconds{" + labels + ",quantile=\"0.99\"}") > 0);

    // The same counters in the agent API's endpoint object.
    const QJsonObject http = apiJson("/api/endpoints/other").value("metrics").toObject().value("http").toObject();
    QCOMPARE(http.value("count").toDouble(),
             sample(text, "switchyard_http_request_duration_seconds_count{" + labels + "}"));
    QCOMPARE(http.value("status_classes").toObject().value("2xx").toDouble(), ok0 + 3);
    QVERIFY(http.value("p50").toInteger() > 0);
    QVERIFY(http.value("p99").toInteger() >= http.value("p50").toInteger());
    QVERIFY(http.value("rate1").toDouble() > 0);
}

void TestInspector::deleteClears()
{
    QVERIFY(requests().size() > 0);
    const RawResponse r = api("DELETE", "/api/requests/http");
    QCOMPARE(r.status, 204);
    QVERIFY(r.body.empty());
    QCOMPARE(requests().size(), 0);
}

void TestInspector::tenThousandListed()
{
    constexpr int Count = 10000;
    QCOMPARE(api("DELETE", "/api/requests/http").status, 204);
    RawConnection c(m_core.edge);
    int ok = 0;
    // Pipelined in rounds of 50 on one keep-alive connection.
    for (int round = 0; round < Count / 50; ++round) {
        std::string batch;
        for (int i = 0; i < 50; ++i)
            batch += "GET /status/200?n=" + std::to_string(round * 50 + i) + " HTTP/1.1\r\nHost: web.localhost\r\n\r\n";
        c.send(batch);
        for (int i = 0; i < 50; ++i)
            ok += c.readResponse().status == 200 ? 1 : 0;
    }
    QCOMPARE(ok, Count);
    c.close();
    // The writer may lag behind on a loaded machine: wait (cheaply) for
    // the last request, then list everything once. One connection means
    // one worker, so captures arrive in order.
    const QString last = QString("/status/200?n=%1").arg(Count - 1);
    for (int attempt = 0; attempt < 120; ++attempt) {
        const QJsonArray newest = requests("?limit=1");
        if (!newest.isEmpty() && newest.at(0).toObject().value("request").toObject().value("uri").toString() == last)
            break;
        QTest::qWait(250);
    }
    const QJsonArray list = requests("?limit=20000");
    QCOMPARE(sample(QString::fromStdString(api("GET", "/metrics").body), "switchyard_inspector_dropped_total"), 0.0);
    QCOMPARE(list.size(), Count);
    QCOMPARE(list.first().toObject().value("request").toObject().value("uri").toString(),
             QString("/status/200?n=%1").arg(Count - 1));
    QCOMPARE(list.last().toObject().value("request").toObject().value("uri").toString(), QString("/status/200?n=0"));
}

void TestInspector::inspectionOff()
{
    Core off;
    QVERIFY(startCore(off, "off", "  inspect_db_size: -1\n", {}));
    RawConnection c(off.edge);
    c.send("GET /bytes/3 HTTP/1.1\r\nHost: web.localhost\r\nConnection: close\r\n\r\n");
    QCOMPARE(c.readResponse().status, 200);
    RawConnection a(off.api);
    a.send("GET /api/requests/http HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    const RawResponse r = a.readResponse();
    QCOMPARE(r.status, 200);
    QCOMPARE(QJsonDocument::fromJson(QByteArray::fromStdString(r.body)).object().value("requests").toArray().size(), 0);
    stopCore(off);
}

QTEST_GUILESS_MAIN(TestInspector)
#include "tst_inspector.moc"
