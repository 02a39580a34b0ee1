// SPDX-License-Identifier: Apache-2.0
#include "control/inspect/harexport.h"

#include "control/inspect/capturejson.h"
#include "model/endpointurl.h"

#include <QJsonArray>
#include <QUrlQuery>

namespace switchyard {

namespace {

QString qs(const std::string &text)
{
    return QString::fromStdString(text);
}

QJsonArray headers(const CapturedExchange::Headers &list)
{
    QJsonArray out;
    for (const auto &[name, value] : list)
        out.append(QJsonObject{{"name", qs(name)}, {"value", qs(value)}});
    return out;
}

std::string headerValue(const CapturedExchange::Headers &list, const char *name)
{
    for (const auto &[key, value] : list)
        if (QString::fromStdString(key).compare(QLatin1String(name), Qt::CaseInsensitive) == 0)
            return value;
    return {};
}

// Bytes of the head as written: the HAR header sizes.
qint64 headSize(const std::string &firstLine, const CapturedExchange::Headers &list)
{
    std::size_t size = firstLine.size() + 4;
    for (const auto &[name, value] : list)
        size += name.size() + value.size() + 4;
    return static_cast<qint64>(size);
}

// Body text: as is when valid UTF-8, otherwise base64.
void putText(QJsonObject &object, const std::string &body)
{
    const QByteArray bytes = QByteArray::fromStdString(body);
    const QString text = QString::fromUtf8(bytes);
    if (text.toUtf8() == bytes) {
        object.insert("text", text);
    } else {
        object.insert("text", QString::fromLatin1(bytes.toBase64()));
        object.insert("encoding", "base64");
    }
}

QString fullUrl(const CapturedExchange &e)
{
    if (e.target.find("://") != std::string::npos)
        return qs(e.target);
    const auto url = EndpointUrl::parse(e.endpointUrl);
    const std::string scheme = url ? std::string(toString(url->scheme())) : "http";
    std::string host = headerValue(e.requestHeaders, "host");
    if (host.empty() && url)
        host = url->host();
    return qs(scheme + "://" + host + e.target);
}

double millis(std::int64_t ns)
{
    return static_cast<double>(ns) / 1e6;
}

} // namespace

QJsonObject HarExport::entry(const CaptureRecord &record)
{
    const CapturedExchange &e = record.exchange;
    const QString url = fullUrl(e);

    QJsonArray query;
    const qsizetype q = url.indexOf('?');
    if (q >= 0) {
        const QUrlQuery items(url.mid(q + 1));
        for (const auto &[name, value] : items.queryItems(QUrl::FullyDecoded))
            query.append(QJsonObject{{"name", name}, {"value", value}});
    }
    QJsonObject request{{"method", qs(e.method)},
                        {"url", url},
                        {"httpVersion", qs(e.requestProto)},
                        {"cookies", QJsonArray()},
                        {"headers", headers(e.requestHeaders)},
                        {"queryString", query},
                        {"headersSize", headSize(e.method + ' ' + e.target + ' ' + e.requestProto, e.requestHeaders)},
                        {"bodySize", static_cast<qint64>(e.requestBytes)}};
    if (e.requestBytes > 0) {
        QJsonObject postData{{"mimeType", qs(headerValue(e.requestHeaders, "content-type"))}, {"params", QJsonArray()}};
        putText(postData, e.requestBody);
        request.insert("postData", postData);
    }

    QJsonObject content{{"size", static_cast<qint64>(e.responseBytes)},
                        {"mimeType", qs(headerValue(e.responseHeaders, "content-type"))}};
    if (e.hasResponse)
        putText(content, e.responseBody);
    const std::string statusLine = e.responseProto + ' ' + std::to_string(e.status) + ' ' + e.reason;
    QJsonObject response{{"status", e.hasResponse ? e.status : 0},
                         {"statusText", qs(e.reason)},
                         {"httpVersion", qs(e.hasResponse ? e.responseProto : e.requestProto)},
                         {"cookies", QJsonArray()},
                         {"headers", headers(e.responseHeaders)},
                         {"content", content},
                         {"redirectURL", qs(headerValue(e.responseHeaders, "location"))},
                         {"headersSize", e.hasResponse ? headSize(statusLine, e.responseHeaders) : -1},
                         {"bodySize", e.hasResponse ? static_cast<qint64>(e.responseBytes) : -1}};

    // connect + send + wait + receive adds up to the whole duration.
    const std::int64_t connected = e.upstreamConnectedNs;
    const std::int64_t firstByte = e.firstByteNs >= 0 ? e.firstByteNs : e.durationNs;
    const double connect = connected >= 0 ? millis(connected) : -1;
    const double wait = millis(firstByte - std::max<std::int64_t>(connected, 0));
    const double receive = millis(e.durationNs - firstByte);
    QJsonObject timings{{"blocked", -1}, {"dns", -1}, {"ssl", -1}, {"connect", connect},
                        {"send", 0},     {"wait", wait}, {"receive", receive}};

    QJsonObject entry{{"startedDateTime", qs(CaptureJson::timestamp(e.start))},
                      {"time", millis(e.durationNs)},
                      {"request", request},
                      {"response", response},
                      {"cache", QJsonObject()},
                      {"timings", timings},
                      {"_id", qs(record.id)},
                      {"_endpoint", qs(e.endpointUrl)},
                      {"_requestBodyTruncated", e.requestBodyTruncated},
                      {"_responseBodyTruncated", e.responseBodyTruncated}};
    if (!e.errorCode.empty())
        entry.insert("_errorCode", qs(e.errorCode));
    if (!record.replayOf.empty())
        entry.insert("_replayOf", qs(record.replayOf));
    if (!e.firedRules.empty())
        entry.insert("_rules", CaptureJson::firedRulesJson(e.firedRules));
    if (!e.logs.empty())
        entry.insert("_logs", CaptureJson::logsJson(e.logs));
    return entry;
}

QJsonObject HarExport::build(const std::vector<CaptureRecord> &records)
{
    QJsonArray entries;
    for (const CaptureRecord &record : records)
        entries.append(entry(record));
    const QJsonObject log{{"version", "1.2"},
                          {"creator", QJsonObject{{"name", "Switchyard"}, {"version", SWITCHYARD_VERSION}}},
                          {"pages", QJsonArray()},
                          {"entries", entries}};
    return QJsonObject{{"log", log}};
}

} // namespace switchyard
