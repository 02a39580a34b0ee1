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

} // namespace

// The shapes the API shows: fired rules and log entries.
QJsonArray CaptureJson::firedRulesJson(const std::vector<PolicyFiredRule> &rules)
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

QJsonArray CaptureJson::logsJson(const std::vector<PolicyLogEntry> &logs)
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

namespace {

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
