// SPDX-License-Identifier: Apache-2.0
// Executes the examples of docs/api.md against the route table, in order,
// on one fresh data dir: each ```request block is sent and the ```response
// block after it must match. In expected responses "{name}" matches any text
// and binds it (later requests and responses substitute it); "{*}" matches
// any text without binding. JSON bodies are compared as JSON.
// SWITCHYARD_DOC_DUMP=1 prints the actual responses (for writing the doc).
#include "apitesthelpers.h"
#include "control/api/agentsessions.h"
#include "control/api/apiservice.h"
#include "control/api/inspectorapi.h"
#include "control/inspect/capturequeue.h"
#include "control/inspect/capturestore.h"
#include "control/inspect/capturewriter.h"
#include "control/inspect/trafficmetrics.h"
#include "control/endpointregistry.h"
#include "control/store.h"
#include "policy/celexpressioncompiler.h"

#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <map>
#include <set>

using namespace switchyard;

namespace {

struct Example
{
    int line = 0;
    QString request;
    QString response;
};

std::vector<Example> readExamples(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QStringList lines = QString::fromUtf8(file.readAll()).split('\n');
    std::vector<Example> examples;
    QString *block = nullptr;
    for (int i = 0; i < lines.size(); ++i) {
        const QString &line = lines[i];
        if (!block && line == "```request") {
            examples.push_back(Example{i + 1, {}, {}});
            block = &examples.back().request;
        } else if (!block && line == "```response" && !examples.empty()) {
            block = &examples.back().response;
        } else if (block && line == "```") {
            block = nullptr;
        } else if (block) {
            *block += line + '\n';
        }
    }
    return examples;
}

// Splits "START\nHeader: v\n\nbody" into its parts.
void splitMessage(const QString &text, QString &start, std::vector<std::pair<std::string, std::string>> &headers,
                  QString &body)
{
    const int blank = text.indexOf("\n\n");
    const QString head = blank < 0 ? text.trimmed() : text.left(blank);
    body = blank < 0 ? QString() : text.mid(blank + 2).trimmed();
    QStringList lines = head.split('\n');
    start = lines.takeFirst();
    for (const QString &line : lines) {
        const int colon = line.indexOf(':');
        headers.emplace_back(line.left(colon).trimmed().toStdString(), line.mid(colon + 1).trimmed().toStdString());
    }
}

} // namespace

class TestApiDocs : public QObject
{
    Q_OBJECT

private slots:
    void examples();

private:
    QString substitute(QString text) const;
    bool matchText(const QString &expected, const QString &actual, QString &why);
    bool matchJson(const QJsonValue &expected, const QJsonValue &actual, const QString &where, QString &why);

    std::map<QString, QString> m_vars;
};

QString TestApiDocs::substitute(QString text) const
{
    for (const auto &[name, value] : m_vars)
        text.replace("{" + name + "}", value);
    return text;
}

bool TestApiDocs::matchText(const QString &expected, const QString &actual, QString &why)
{
    static const QRegularExpression placeholder("\\{([a-z_*]+)\\}");
    QString pattern = "^";
    std::vector<QString> names;
    qsizetype at = 0;
    for (auto it = placeholder.globalMatch(expected); it.hasNext();) {
        const auto m = it.next();
        pattern += QRegularExpression::escape(expected.mid(at, m.capturedStart() - at));
        const QString name = m.captured(1);
        if (m_vars.count(name)) {
            pattern += QRegularExpression::escape(m_vars.at(name));
        } else {
            pattern += "(.+?)";
            names.push_back(name);
        }
        at = m.capturedEnd();
    }
    pattern += QRegularExpression::escape(expected.mid(at)) + "$";
    const auto match = QRegularExpression(pattern, QRegularExpression::DotMatchesEverythingOption).match(actual);
    if (!match.hasMatch()) {
        why = "expected '" + expected + "', got '" + actual + "'";
        return false;
    }
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] != "*")
            m_vars[names[i]] = match.captured(static_cast<int>(i) + 1);
    return true;
}

bool TestApiDocs::matchJson(const QJsonValue &expected, const QJsonValue &actual, const QString &where, QString &why)
{
    if (expected.isString() && actual.isString())
        return matchText(expected.toString(), actual.toString(), why) || (why = where + ": " + why, false);
    if (expected.isObject() && actual.isObject()) {
        const QJsonObject e = expected.toObject();
        const QJsonObject a = actual.toObject();
        if (e.keys() != a.keys()) {
            why = where + ": keys " + e.keys().join(",") + " vs " + a.keys().join(",");
            return false;
        }
        for (const QString &key : e.keys())
            if (!matchJson(e.value(key), a.value(key), where + "." + key, why))
                return false;
        return true;
    }
    if (expected.isArray() && actual.isArray()) {
        const QJsonArray e = expected.toArray();
        const QJsonArray a = actual.toArray();
        if (e.size() != a.size()) {
            why = where + ": " + QString::number(e.size()) + " items vs " + QString::number(a.size());
            return false;
        }
        for (qsizetype i = 0; i < e.size(); ++i)
            if (!matchJson(e.at(i), a.at(i), where + "[" + QString::number(i) + "]", why))
                return false;
        return true;
    }
    if (expected != actual) {
        why = where + ": values differ";
        return false;
    }
    return true;
}

void TestApiDocs::examples()
{
    const std::vector<Example> examples = readExamples(QStringLiteral(SWITCHYARD_TEST_DATA_DIR) + "/../../docs/api.md");
    QVERIFY2(examples.size() >= 20, "docs/api.md lost its examples");

    QTemporaryDir dir;
    auto store = Store::open(dir.path().toStdString());
    QVERIFY(store);
    auto key = (*store)->createApiKey(Account::DefaultId);
    Account other;
    other.name = "other";
    auto otherAccount = (*store)->createAccount(other);
    QVERIFY(key && otherAccount);
    auto otherKey = (*store)->createApiKey(otherAccount->id);
    QVERIFY(otherKey);
    m_vars["key"] = QString::fromStdString(*key);
    m_vars["other_key"] = QString::fromStdString(*otherKey);
    EndpointRegistry registry;
    CelExpressionCompiler compiler;
    ApiService::Options options;
    options.management.compiler = &compiler;
    options.agent.compiler = &compiler;
    AgentSessions sessions(registry);
    options.agent.sessions = &sessions;
    ApiService service(**store, registry, std::move(options));

    // The inspector's examples read one captured exchange.
    TrafficMetrics metrics;
    CaptureQueue queue(16, &metrics);
    auto captures = CaptureStore::open(dir.filePath("inspect.db").toStdString(), {});
    QVERIFY(captures);
    CaptureWriter writer(queue, **captures);
    InspectorApi inspector(**captures, writer, metrics, {});
    inspector.addRoutes(service.router());
    auto exchange = std::make_unique<CapturedExchange>();
    exchange->start = std::chrono::system_clock::time_point(std::chrono::seconds(1795000000));
    exchange->upstreamConnectedNs = 180000;
    exchange->firstByteNs = 2400000;
    exchange->durationNs = 2500000;
    exchange->clientAddress = "127.0.0.1:53211";
    exchange->endpointName = "web";
    exchange->endpointUrl = "https://web.example.com";
    exchange->chain = {"https://web.example.com"};
    exchange->method = "POST";
    exchange->target = "/orders?x=1";
    exchange->requestProto = "HTTP/1.1";
    exchange->requestHeaders = {{"Host", "web.example.com"}, {"Content-Type", "application/json"},
                                {"Content-Length", "9"}};
    exchange->requestBody = "{\"qty\":2}";
    exchange->requestBytes = 9;
    exchange->hasResponse = true;
    exchange->status = 201;
    exchange->reason = "Created";
    exchange->responseProto = "HTTP/1.1";
    exchange->responseHeaders = {{"Content-Length", "2"}};
    exchange->responseBody = "ok";
    exchange->responseBytes = 2;
    exchange->firedRules = {{"https://web.example.com", PolicyPhase::HttpRequest, 0, "orders", {"add-headers", "log"}}};
    exchange->logs = {{"on_http_request[0].actions[1]", "https://web.example.com", {{"method", "POST"}}}};
    queue.submit(*exchange);
    QVERIFY(writer.flush());
    const bool dump = qEnvironmentVariableIsSet("SWITCHYARD_DOC_DUMP");

    std::set<std::string> routesSeen;
    for (const Example &example : examples) {
        const QString context = "docs/api.md:" + QString::number(example.line);
        QVERIFY2(!example.response.isEmpty(), qPrintable(context + ": request without response"));
        QString start, body;
        std::vector<std::pair<std::string, std::string>> headers;
        splitMessage(substitute(example.request), start, headers, body);
        const QStringList parts = start.split(' ');
        QVERIFY2(parts.size() == 2, qPrintable(context + ": bad request line " + start));
        ApiRequest request = apiRequest(parts[0].toStdString(), parts[1].toStdString(), body.toStdString(), {}, {});
        request.headers = headers;
        request.host = std::string(request.header("Host").value_or(""));
        const ApiResponse actual = service.handle(request);
        if (dump)
            qInfo("%s: %s\n%d\n%s\n", qPrintable(context), qPrintable(start), actual.status, actual.body.c_str());

        QString status, expectedBody;
        std::vector<std::pair<std::string, std::string>> expectedHeaders;
        splitMessage(example.response, status, expectedHeaders, expectedBody);
        QCOMPARE(context + " " + QString::number(actual.status), context + " " + status.section(' ', 0, 0));
        for (const auto &[name, value] : expectedHeaders) {
            QString why;
            QVERIFY2(actual.header(name), qPrintable(context + ": no " + QString::fromStdString(name)));
            QVERIFY2(matchText(QString::fromStdString(value), QString::fromStdString(std::string(*actual.header(name))), why),
                     qPrintable(context + ": " + why));
        }
        QString why;
        if (expectedBody.startsWith('{')) {
            QJsonParseError error;
            const QJsonDocument doc = QJsonDocument::fromJson(expectedBody.toUtf8(), &error);
            QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(context + ": doc JSON: " + error.errorString()));
            QVERIFY2(matchJson(doc.object(), jsonOf(actual), "body", why), qPrintable(context + ": " + why));
        } else {
            QVERIFY2(matchText(expectedBody, QString::fromStdString(actual.body).trimmed(), why),
                     qPrintable(context + ": " + why));
        }
        routesSeen.insert(parts[0].toStdString() + " " + parts[1].section('?', 0, 0).toStdString());
    }
    // Every route of the table has at least one example.
    for (const std::string &route : service.router().routes()) {
        const QRegularExpression pattern(
            "^" + QRegularExpression::escape(QString::fromStdString(route)).replace(QRegularExpression("\\\\\\{[a-z]+\\\\\\}"), "[^/]+") + "$");
        const bool seen = std::any_of(routesSeen.begin(), routesSeen.end(), [&](const std::string &r) {
            return pattern.match(QString::fromStdString(r)).hasMatch();
        });
        QVERIFY2(seen, ("no example in docs/api.md for " + route).c_str());
    }
}

QTEST_GUILESS_MAIN(TestApiDocs)
#include "tst_apidocs.moc"
