// SPDX-License-Identifier: Apache-2.0
#include "control/api/endpointjson.h"

#include "control/api/apiquery.h"

#include <QJsonArray>
#include <QString>

#include <ctime>

namespace switchyard {

namespace {

QString q(const std::string &text)
{
    return QString::fromStdString(text);
}

QString q(std::string_view text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

void insertIfSet(QJsonObject &object, const char *key, const std::string &value)
{
    if (!value.empty())
        object.insert(key, q(value));
}

// A Ref {id, uri} to the agent session, or null.
QJsonValue sessionRef(const std::string &sessionId, const std::string &baseUrl)
{
    if (sessionId.empty())
        return QJsonValue::Null;
    return QJsonObject{{"id", q(sessionId)}, {"uri", q(baseUrl + "/api/sessions/" + ApiQuery::encode(sessionId))}};
}

} // namespace

std::string EndpointJson::rfc3339(std::chrono::system_clock::time_point time)
{
    const std::time_t seconds = std::chrono::system_clock::to_time_t(
        std::chrono::floor<std::chrono::seconds>(time));
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return buffer;
}

std::string EndpointJson::agentName(const Endpoint &endpoint)
{
    return endpoint.name.empty() ? endpoint.id : endpoint.name;
}

QJsonObject EndpointJson::management(const Endpoint &endpoint, const std::string &baseUrl,
                                     const std::string &tunnelSession)
{
    const EndpointUrl &url = endpoint.url;
    QJsonObject object{
        {"id", q(endpoint.id)},
        {"type", q(toString(endpoint.type))},
        {"url", q(url.toString())},
        {"public_url", q(url.toString())},
        {"proto", q(toString(url.scheme()))},
        {"scheme", q(toString(url.scheme()))},
        {"host", q(url.host())},
        {"hostport", q(url.hostPort())},
        {"bindings", QJsonArray{q(toString(endpoint.binding))}},
        {"pooling_enabled", endpoint.poolingEnabled},
        {"created_at", q(rfc3339(endpoint.createdAt))},
        {"updated_at", q(rfc3339(endpoint.updatedAt))},
        {"uri", q(baseUrl + "/endpoints/" + ApiQuery::encode(endpoint.id))},
        {"tunnel_session", sessionRef(tunnelSession, baseUrl)},
    };
    if (url.port() != 0)
        object.insert("port", url.port());
    insertIfSet(object, "name", endpoint.name);
    insertIfSet(object, "traffic_policy", endpoint.trafficPolicy);
    insertIfSet(object, "description", endpoint.description);
    insertIfSet(object, "metadata", endpoint.metadata);
    if (endpoint.upstream) {
        object.insert("upstream_url", q(endpoint.upstream->toString()));
        object.insert("upstream_protocol", "http1");
    }
    return object;
}

QJsonObject EndpointJson::agent(const Endpoint &endpoint, const std::string &tunnelSession)
{
    const std::string name = agentName(endpoint);
    QJsonObject object{
        {"id", q(endpoint.id)},
        {"name", q(name)},
        {"uri", q("/api/endpoints/" + ApiQuery::encode(name))},
        {"url", q(endpoint.url.toString())},
        {"bindings", QJsonArray{q(toString(endpoint.binding))}},
        {"inspect", true},
        {"traffic_policy", q(endpoint.trafficPolicy)},
        {"pooling_enabled", endpoint.poolingEnabled},
        {"tunnel_session", sessionRef(tunnelSession, {})},
    };
    if (endpoint.upstream)
        object.insert("upstream", QJsonObject{{"url", q(endpoint.upstream->toString())}, {"protocol", "http1"}});
    insertIfSet(object, "description", endpoint.description);
    insertIfSet(object, "metadata", endpoint.metadata);
    return object;
}

} // namespace switchyard
