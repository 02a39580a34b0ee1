// SPDX-License-Identifier: Apache-2.0
#include "control/api/inspectorapi.h"

#include "control/api/apiquery.h"
#include "control/api/jsonbody.h"
#include "control/inspect/capturejson.h"
#include "control/inspect/capturestore.h"
#include "control/inspect/capturewriter.h"
#include "control/inspect/harexport.h"
#include "control/inspect/trafficmetrics.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <array>
#include <charconv>
#include <string_view>

namespace switchyard {

namespace {

constexpr std::array<std::string_view, 6> ReplayFields{"id", "tunnel_name", "method", "path", "headers", "body"};

// Headers the replay sets itself: framing and connection handling.
bool replacedHeader(const std::string &name)
{
    static constexpr std::array<std::string_view, 6> Names{"connection", "keep-alive",        "content-length",
                                                           "transfer-encoding", "te",         "upgrade"};
    const QString lower = QString::fromStdString(name).toLower();
    for (std::string_view n : Names)
        if (lower == QLatin1String(n.data(), static_cast<qsizetype>(n.size())))
            return true;
    return false;
}

bool validToken(const std::string &text)
{
    if (text.empty())
        return false;
    for (char c : text)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos))
            return false;
    return true;
}

bool validHeaderValue(const std::string &text)
{
    for (char c : text)
        if (c == '\r' || c == '\n' || c == '\0')
            return false;
    return true;
}

ApiError internal(const std::string &message)
{
    return ApiError{500, ApiErrorCode::Internal, "The capture store failed: " + message};
}

} // namespace

InspectorApi::InspectorApi(CaptureStore &store, CaptureWriter &writer, TrafficMetrics &metrics, Options options)
    : m_store(store), m_writer(writer), m_metrics(metrics), m_options(std::move(options)),
      m_guard(m_options.allowHosts)
{
}

void InspectorApi::addRoutes(ApiRouter &router)
{
    router.add("GET", "/api/requests/http", [this](const ApiRequest &r, const RouteParams &) { return list(r); });
    router.add("POST", "/api/requests/http", [this](const ApiRequest &r, const RouteParams &) { return replay(r); });
    router.add("DELETE", "/api/requests/http", [this](const ApiRequest &r, const RouteParams &) { return clear(r); });
    router.add("GET", "/api/requests/http/{id}",
               [this](const ApiRequest &r, const RouteParams &p) { return get(r, p["id"]); });
    router.add("GET", "/metrics", [this](const ApiRequest &r, const RouteParams &) { return metrics(r); });
}

std::optional<ApiError> InspectorApi::guard(const ApiRequest &request, bool expectsBody) const
{
    if (!m_guard.allows(request.host))
        return ApiError{403, ApiErrorCode::HostNotAllowed,
                        "The Host '" + request.host + "' is not allowed: the agent API answers only loopback names "
                            "and addresses, and the hosts listed in agent.api_allow_hosts."};
    if (!expectsBody && !request.body.empty())
        return ApiError{400, ApiErrorCode::UnexpectedBody,
                        "The " + request.method + " request does not expect a body, but one was sent."};
    return std::nullopt;
}

ApiResponse InspectorApi::list(const ApiRequest &request)
{
    if (auto error = guard(request, false))
        return error->toResponse();
    auto query = ApiQuery::parse(request.query());
    if (!query)
        return ApiError{400, ApiErrorCode::InvalidParameter, query.message()}.toResponse();
    std::size_t limit = DefaultLimit;
    std::string endpoint;
    bool har = false;
    for (const auto &[name, value] : query->items()) {
        if (name == "limit") {
            const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), limit);
            if (ec != std::errc() || end != value.data() + value.size() || limit == 0)
                return ApiError{400, ApiErrorCode::InvalidParameter,
                                "limit must be a positive number, not '" + value + "'."}
                    .toResponse();
        } else if (name == "endpoint_name" || name == "tunnel_name") {
            endpoint = value;
        } else if (name == "format") {
            if (value != "har" && value != "json")
                return ApiError{400, ApiErrorCode::InvalidParameter,
                                "format must be 'json' or 'har', not '" + value + "'."}
                    .toResponse();
            har = value == "har";
        } else {
            return ApiError{400, ApiErrorCode::UnknownParameter,
                            "Unknown query parameter '" + name + "' (known: limit, endpoint_name, format)."}
                .toResponse();
        }
    }
    // Read-your-writes: what was answered before this call is listed.
    m_writer.flush(std::chrono::milliseconds(500));
    auto records = m_store.list(limit, endpoint);
    if (!records)
        return internal(records.message()).toResponse();
    if (har) {
        ApiResponse response = ApiResponse::json(200, HarExport::build(*records));
        return response;
    }
    QJsonArray requests;
    for (const CaptureRecord &record : *records)
        requests.append(CaptureJson::toApi(record));
    return ApiResponse::json(200, QJsonObject{{"uri", "/api/requests/http"}, {"requests", requests}});
}

ApiResponse InspectorApi::get(const ApiRequest &request, const std::string &id)
{
    if (auto error = guard(request, false))
        return error->toResponse();
    m_writer.flush(std::chrono::milliseconds(500));
    auto record = m_store.get(id);
    if (!record)
        return internal(record.message()).toResponse();
    if (!*record)
        return ApiError{404, ApiErrorCode::NotFound, "No captured request with id '" + id + "'."}.toResponse();
    return ApiResponse::json(200, CaptureJson::toApi(**record));
}

ApiResponse InspectorApi::clear(const ApiRequest &request)
{
    if (auto error = guard(request, false))
        return error->toResponse();
    m_writer.flush(std::chrono::milliseconds(500));
    if (auto cleared = m_store.clear(); !cleared)
        return internal(cleared.message()).toResponse();
    return ApiResponse::noContent();
}

ApiResponse InspectorApi::metrics(const ApiRequest &request)
{
    if (auto error = guard(request, false))
        return error->toResponse();
    ApiResponse response;
    response.status = 200;
    response.headers.emplace_back("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    response.body = m_metrics.prometheusText();
    response.body += "# HELP switchyard_inspector_dropped_total Captures dropped because the writer fell behind.\n"
                     "# TYPE switchyard_inspector_dropped_total counter\n"
                     "switchyard_inspector_dropped_total "
        + std::to_string(m_options.droppedCaptures ? m_options.droppedCaptures() : 0) + "\n";
    return response;
}

ApiResponse InspectorApi::replay(const ApiRequest &request)
{
    if (auto error = guard(request, true))
        return error->toResponse();
    auto parsed = JsonBody::parse(request.body);
    if (auto *error = std::get_if<ApiError>(&parsed))
        return error->toResponse();
    JsonBody &body = std::get<JsonBody>(parsed);
    body.rejectUnknown(ReplayFields);
    const auto id = body.string("id");
    (void)body.string("tunnel_name");
    const auto method = body.string("method");
    const auto path = body.string("path");
    const auto headers = body.object("headers");
    const auto replacementBody = body.string("body");
    if (!id || id->empty())
        body.fail("id", "the id of the captured request to replay is required", ApiErrorCode::MissingField);
    if (method && !validToken(*method))
        body.fail("method", "'" + *method + "' is not an HTTP method");
    if (path && (path->empty() || path->front() != '/' || path->find_first_of(" \r\n") != std::string::npos))
        body.fail("path", "the path must start with '/' and contain no spaces");
    if (headers)
        for (auto it = headers->begin(); it != headers->end(); ++it) {
            const std::string name = it.key().toStdString();
            if (!validToken(name))
                body.fail("headers", "'" + name + "' is not a header name");
            const bool ok = it->isNull() || it->isString()
                || (it->isArray() && [&] {
                       for (const QJsonValue &v : it->toArray())
                           if (!v.isString())
                               return false;
                       return true;
                   }());
            if (!ok)
                body.fail("headers", "the value of '" + name + "' must be a string, a list of strings or null");
        }
    if (const auto &error = body.firstError())
        return error->toResponse();

    m_writer.flush(std::chrono::milliseconds(500));
    auto found = m_store.get(*id);
    if (!found)
        return internal(found.message()).toResponse();
    if (!*found)
        return ApiError{404, ApiErrorCode::NotFound, "No captured request with id '" + *id + "'."}.toResponse();
    const CapturedExchange &original = (*found)->exchange;
    if (original.requestBodyTruncated && !replacementBody)
        return ApiError{400, ApiErrorCode::InvalidField,
                        "The captured body of " + *id + " was truncated, so it cannot be replayed as it was; "
                            "give the body to send in \"body\".",
                        QJsonObject{{"field", "body"}}}
            .toResponse();
    const auto target = m_options.replayTarget ? m_options.replayTarget(original.endpointUrl) : std::nullopt;
    if (!target)
        return ApiError{409, ApiErrorCode::NotFound,
                        "The endpoint " + original.endpointUrl + " of " + *id + " is offline; nothing to replay to."}
            .toResponse();

    // The head: the original's headers with the edits applied in place,
    // new ones appended, null values removed; framing set here.
    std::vector<std::pair<std::string, std::string>> out;
    QJsonObject edits = headers.value_or(QJsonObject());
    const auto editFor = [&edits](const std::string &name) -> std::optional<QJsonValue> {
        for (auto it = edits.begin(); it != edits.end(); ++it)
            if (it.key().compare(QString::fromStdString(name), Qt::CaseInsensitive) == 0) {
                QJsonValue value = *it;
                edits.erase(it);
                return value;
            }
        return std::nullopt;
    };
    const auto appendEdit = [&out](const std::string &name, const QJsonValue &value) {
        if (value.isString())
            out.emplace_back(name, value.toString().toStdString());
        for (const QJsonValue &v : value.toArray())
            out.emplace_back(name, v.toString().toStdString());
    };
    for (const auto &[name, value] : original.requestHeaders) {
        if (replacedHeader(name))
            continue;
        if (const auto edit = editFor(name))
            appendEdit(name, *edit);
        else
            out.emplace_back(name, value);
    }
    for (auto it = edits.begin(); it != edits.end(); ++it)
        appendEdit(it.key().toStdString(), *it);
    for (const auto &[name, value] : out)
        if (!validHeaderValue(value))
            return ApiError{400, ApiErrorCode::InvalidField, "The value of header '" + name + "' is not allowed.",
                            QJsonObject{{"field", "headers"}}}
                .toResponse();

    const std::string sendBody = replacementBody.value_or(original.requestBody);
    std::string raw = method.value_or(original.method) + ' ' + path.value_or(original.target) + " HTTP/1.1\r\n";
    for (const auto &[name, value] : out)
        raw += name + ": " + value + "\r\n";
    if (!sendBody.empty() || original.requestBytes > 0 || replacementBody)
        raw += "Content-Length: " + std::to_string(sendBody.size()) + "\r\n";
    raw += "Connection: close\r\n\r\n" + sendBody;

    const std::string originalId = *id;
    auto sent = ReplayClient::send(*target, raw, [&](const std::string &localAddress) {
        m_writer.expectReplay(localAddress, originalId);
    });
    if (!sent)
        return ApiError{502, "ERR_SWITCHYARD_502", "The replay of " + *id + " failed: " + sent.message()}.toResponse();
    m_writer.flush(std::chrono::milliseconds(500));
    return ApiResponse::noContent();
}

} // namespace switchyard
