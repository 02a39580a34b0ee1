// SPDX-License-Identifier: Apache-2.0
#include "control/inspect/capturejson.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <ctime>

namespace switchyard {

namespace {

QString qs(const std::string &text)
{
    return QString::fromStdString(text);
}

QString base64(const std::string &bytes)
{
    return QString::fromLatin1(QByteArray::fromRawData(bytes.data(), static_cast<qsizetype>(bytes.size())).toBase64());
}

std::string unbase64(const QJsonValue &value)
{
    return QByteArray::fromBase64(value.toString().toLatin1()).toStdString();
}

QJsonArray headerList(const CapturedExchange::Headers &headers)
{
    QJsonArray out;
    for (const auto &[name, value] : headers)
        out.append(QJsonArray{qs(name), qs(value)});
    return out;
}

CapturedExchange::Headers readHeaderList(const QJsonValue &value)
{
    CapturedExchange::Headers out;
    for (const QJsonValue &item : value.toArray()) {
        const QJsonArray pair = item.toArray();
        out.emplace_back(pair.at(0).toString().toStdString(), pair.at(1).toString().toStdString());
    }
    return out;
}

// The reference's header shape: a map from canonical name to a list of values.
QJsonObject headerMap(const CapturedExchange::Headers &headers)
{
    QJsonObject out;
    for (const auto &[name, value] : headers) {
        QString key = qs(name).toLower();
        bool upper = true;
        for (QChar &c : key) {
            if (upper)
                c = c.toUpper();
            upper = c == '-';
        }
        QJsonArray values = out.value(key).toArray();
        values.append(qs(value));
        out.insert(key, values);
    }
    return out;
}

// The shapes the API shows (and the store keeps): fired rules and log entries.
QJsonArray firedRulesJson(const std::vector<PolicyFiredRule> &rules)
{
    QJsonArray out;
    for (const PolicyFiredRule &rule : rules) {
        QJsonArray actions;
        for (const std::string &type : rule.actions)
            actions.append(qs(type));
        QJsonObject item{{"endpoint_url", qs(rule.endpoint)},
                         {"phase", qs(std::string(toString(rule.phase)))},
                         {"rule", static_cast<qint64>(rule.index)},
                         {"actions", actions}};
        if (!rule.name.empty())
            item.insert("name", qs(rule.name));
        out.append(item);
    }
    return out;
}

std::vector<PolicyFiredRule> readFiredRules(const QJsonValue &value)
{
    std::vector<PolicyFiredRule> out;
    for (const QJsonValue &item : value.toArray()) {
        const QJsonObject o = item.toObject();
        PolicyFiredRule &rule = out.emplace_back();
        rule.endpoint = o.value("endpoint_url").toString().toStdString();
        rule.phase = policyPhaseFromString(o.value("phase").toString().toStdString()).value_or(PolicyPhase::HttpRequest);
        rule.index = static_cast<std::size_t>(o.value("rule").toInteger());
        rule.name = o.value("name").toString().toStdString();
        for (const QJsonValue &type : o.value("actions").toArray())
            rule.actions.push_back(type.toString().toStdString());
    }
    return out;
}

QJsonArray logsJson(const std::vector<PolicyLogEntry> &logs)
{
    QJsonArray out;
    for (const PolicyLogEntry &entry : logs) {
        // As `policy simulate --json` shows it (the config's keys are unique).
        QJsonObject metadata;
        for (const auto &[name, value] : entry.metadata)
            metadata.insert(qs(name), qs(value));
        out.append(QJsonObject{{"endpoint_url", qs(entry.endpoint)}, {"path", qs(entry.path)}, {"metadata", metadata}});
    }
    return out;
}

std::vector<PolicyLogEntry> readLogs(const QJsonValue &value)
{
    std::vector<PolicyLogEntry> out;
    for (const QJsonValue &item : value.toArray()) {
        const QJsonObject o = item.toObject();
        PolicyLogEntry &entry = out.emplace_back();
        entry.endpoint = o.value("endpoint_url").toString().toStdString();
        entry.path = o.value("path").toString().toStdString();
        const QJsonObject metadata = o.value("metadata").toObject();
        for (auto it = metadata.begin(); it != metadata.end(); ++it)
            entry.metadata.emplace_back(it.key().toStdString(), it->toString().toStdString());
    }
    return out;
}

std::string head(std::string firstLine, const CapturedExchange::Headers &headers)
{
    std::string out = std::move(firstLine) + "\r\n";
    for (const auto &[name, value] : headers)
        out += name + ": " + value + "\r\n";
    return out + "\r\n";
}

} // namespace

std::string CaptureJson::timestamp(std::chrono::system_clock::time_point time)
{
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
    const std::time_t seconds = static_cast<std::time_t>(micros / 1000000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[48];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &tm);
    char fraction[16];
    std::snprintf(fraction, sizeof fraction, ".%06lldZ", static_cast<long long>(micros % 1000000));
    return std::string(buffer) + fraction;
}

std::string CaptureJson::toStorage(const CapturedExchange &e)
{
    QJsonObject o{
        {"start_us", static_cast<qint64>(
                         std::chrono::duration_cast<std::chrono::microseconds>(e.start.time_since_epoch()).count())},
        {"connected_ns", static_cast<qint64>(e.upstreamConnectedNs)},
        {"first_byte_ns", static_cast<qint64>(e.firstByteNs)},
        {"duration_ns", static_cast<qint64>(e.durationNs)},
        {"client", qs(e.clientAddress)},
        {"name", qs(e.endpointName)},
        {"url", qs(e.endpointUrl)},
        {"account", qs(e.accountId)},
        {"method", qs(e.method)},
        {"target", qs(e.target)},
        {"req_proto", qs(e.requestProto)},
        {"req_headers", headerList(e.requestHeaders)},
        {"req_body", base64(e.requestBody)},
        {"req_truncated", e.requestBodyTruncated},
        {"req_bytes", static_cast<qint64>(e.requestBytes)},
        {"has_response", e.hasResponse},
        {"status", e.status},
        {"reason", qs(e.reason)},
        {"resp_proto", qs(e.responseProto)},
        {"resp_headers", headerList(e.responseHeaders)},
        {"resp_body", base64(e.responseBody)},
        {"resp_truncated", e.responseBodyTruncated},
        {"resp_bytes", static_cast<qint64>(e.responseBytes)},
        {"error_code", qs(e.errorCode)},
    };
    QJsonArray chain;
    for (const std::string &url : e.chain)
        chain.append(qs(url));
    o.insert("chain", chain);
    if (!e.firedRules.empty())
        o.insert("rules", firedRulesJson(e.firedRules));
    if (!e.logs.empty())
        o.insert("logs", logsJson(e.logs));
    return QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString();
}

std::optional<CapturedExchange> CaptureJson::fromStorage(const std::string &data)
{
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(data));
    if (!doc.isObject())
        return std::nullopt;
    const QJsonObject o = doc.object();
    CapturedExchange e;
    e.start = std::chrono::system_clock::time_point(std::chrono::microseconds(o.value("start_us").toInteger()));
    e.upstreamConnectedNs = o.value("connected_ns").toInteger();
    e.firstByteNs = o.value("first_byte_ns").toInteger();
    e.durationNs = o.value("duration_ns").toInteger();
    e.clientAddress = o.value("client").toString().toStdString();
    e.endpointName = o.value("name").toString().toStdString();
    e.endpointUrl = o.value("url").toString().toStdString();
    e.accountId = o.value("account").toString().toStdString();
    for (const QJsonValue &url : o.value("chain").toArray())
        e.chain.push_back(url.toString().toStdString());
    e.method = o.value("method").toString().toStdString();
    e.target = o.value("target").toString().toStdString();
    e.requestProto = o.value("req_proto").toString().toStdString();
    e.requestHeaders = readHeaderList(o.value("req_headers"));
    e.requestBody = unbase64(o.value("req_body"));
    e.requestBodyTruncated = o.value("req_truncated").toBool();
    e.requestBytes = static_cast<std::uint64_t>(o.value("req_bytes").toInteger());
    e.hasResponse = o.value("has_response").toBool();
    e.status = o.value("status").toInt();
    e.reason = o.value("reason").toString().toStdString();
    e.responseProto = o.value("resp_proto").toString().toStdString();
    e.responseHeaders = readHeaderList(o.value("resp_headers"));
    e.responseBody = unbase64(o.value("resp_body"));
    e.responseBodyTruncated = o.value("resp_truncated").toBool();
    e.responseBytes = static_cast<std::uint64_t>(o.value("resp_bytes").toInteger());
    e.errorCode = o.value("error_code").toString().toStdString();
    e.firedRules = readFiredRules(o.value("rules"));
    e.logs = readLogs(o.value("logs"));
    return e;
}

std::string CaptureJson::rawRequest(const CapturedExchange &e)
{
    return head(e.method + ' ' + e.target + ' ' + e.requestProto, e.requestHeaders) + e.requestBody;
}

std::string CaptureJson::rawResponse(const CapturedExchange &e)
{
    return head(e.responseProto + ' ' + std::to_string(e.status) + ' ' + e.reason, e.responseHeaders)
        + e.responseBody;
}

QJsonObject CaptureJson::toApi(const CaptureRecord &record)
{
    const CapturedExchange &e = record.exchange;
    QJsonObject request{{"method", qs(e.method)},
                        {"proto", qs(e.requestProto)},
                        {"headers", headerMap(e.requestHeaders)},
                        {"uri", qs(e.target)},
                        {"raw", base64(rawRequest(e))},
                        {"body_size", static_cast<qint64>(e.requestBytes)},
                        {"body_truncated", e.requestBodyTruncated}};
    QJsonValue response = QJsonValue::Null;
    if (e.hasResponse)
        response = QJsonObject{{"status", qs(std::to_string(e.status) + ' ' + e.reason)},
                               {"status_code", e.status},
                               {"proto", qs(e.responseProto)},
                               {"headers", headerMap(e.responseHeaders)},
                               {"raw", base64(rawResponse(e))},
                               {"body_size", static_cast<qint64>(e.responseBytes)},
                               {"body_truncated", e.responseBodyTruncated}};
    QJsonArray chain;
    for (const std::string &url : e.chain)
        chain.append(qs(url));
    QJsonObject timings{{"upstream_connected", static_cast<qint64>(e.upstreamConnectedNs)},
                        {"first_byte", static_cast<qint64>(e.firstByteNs)},
                        {"done", static_cast<qint64>(e.durationNs)}};
    QJsonObject o{{"uri", qs("/api/requests/http/" + record.id)},
                  {"id", qs(record.id)},
                  {"tunnel_name", qs(e.endpointName)},
                  {"endpoint_name", qs(e.endpointName)},
                  {"endpoint_url", qs(e.endpointUrl)},
                  {"remote_addr", qs(e.clientAddress)},
                  {"start", qs(timestamp(e.start))},
                  {"duration", static_cast<qint64>(e.durationNs)},
                  {"timings", timings},
                  {"chain", chain},
                  {"rules", firedRulesJson(e.firedRules)},
                  {"logs", logsJson(e.logs)},
                  {"request", request},
                  {"response", response}};
    if (!e.errorCode.empty())
        o.insert("error_code", qs(e.errorCode));
    if (!record.replayOf.empty())
        o.insert("replay_of", qs(record.replayOf));
    return o;
}

} // namespace switchyard
