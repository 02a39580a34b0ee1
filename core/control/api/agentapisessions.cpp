// SPDX-License-Identifier: Apache-2.0
// The agent-session routes of AgentApi (see agentapi.h), kept apart from the
// reference-shaped endpoint routes.
#include "control/api/agentapi.h"
#include "control/api/endpointjson.h"
#include "control/endpointregistry.h"

#include <QJsonArray>
#include <QString>

namespace switchyard {

namespace {

ApiError noSession(const std::string &id, std::chrono::milliseconds lease)
{
    return ApiError{404, ApiErrorCode::NotFound,
                    "No agent session '" + id + "': it was closed, or no heartbeat came within its lease of "
                        + std::to_string(lease.count()) + " ms."};
}

} // namespace

void AgentApi::addSessionRoutes(ApiRouter &router)
{
    router.add("POST", "/api/sessions", [this](const ApiRequest &r, const RouteParams &) { return openSession(r); });
    router.add("GET", "/api/sessions/{id}",
               [this](const ApiRequest &r, const RouteParams &p) { return getSession(r, p["id"]); });
    router.add("DELETE", "/api/sessions/{id}",
               [this](const ApiRequest &r, const RouteParams &p) { return closeSession(r, p["id"]); });
    router.add("POST", "/api/sessions/{id}/heartbeat",
               [this](const ApiRequest &r, const RouteParams &p) { return heartbeat(r, p["id"]); });
}

QJsonObject AgentApi::sessionJson(const AgentSessions::Info &info) const
{
    const auto snapshot = m_registry.snapshot();
    QJsonArray endpoints;
    for (const std::string &endpointId : info.endpointIds)
        for (const EndpointPtr &endpoint : snapshot->endpoints())
            if (endpoint->id == endpointId)
                endpoints.append(QJsonObject{{"id", QString::fromStdString(endpoint->id)},
                                             {"name", QString::fromStdString(EndpointJson::agentName(*endpoint))},
                                             {"url", QString::fromStdString(endpoint->url.toString())}});
    return QJsonObject{
        {"id", QString::fromStdString(info.id)},
        {"uri", QString::fromStdString("/api/sessions/" + info.id)},
        {"lease_ms", static_cast<qint64>(m_options.sessions->lease().count())},
        {"heartbeat_interval_ms", static_cast<qint64>(AgentSessions::HeartbeatInterval.count())},
        {"endpoints", endpoints},
    };
}

QJsonObject AgentApi::endpointJson(const Endpoint &endpoint) const
{
    std::string session;
    if (m_options.sessions)
        session = m_options.sessions->sessionOf(endpoint.id).value_or(std::string());
    return EndpointJson::agent(endpoint, session);
}

std::variant<std::string, ApiError> AgentApi::requestSession(const ApiRequest &request) const
{
    const auto header = request.header(AgentSessions::Header);
    if (!header)
        return std::string();
    const std::string id(*header);
    if (!m_options.sessions || !m_options.sessions->info(id))
        return noSession(id, m_options.sessions ? m_options.sessions->lease() : AgentSessions::DefaultLease);
    return id;
}

std::optional<ApiError> AgentApi::bindToSession(const std::string &sessionId, const EndpointPtr &endpoint)
{
    if (sessionId.empty() || m_options.sessions->attach(sessionId, endpoint->id))
        return std::nullopt;
    (void)m_registry.remove(endpoint->id);
    return noSession(sessionId, m_options.sessions->lease());
}

ApiResponse AgentApi::openSession(const ApiRequest &request)
{
    if (auto error = guard(request, false))
        return error->toResponse();
    const auto info = m_options.sessions->info(m_options.sessions->open());
    return ApiResponse::json(201, sessionJson(*info));
}

ApiResponse AgentApi::getSession(const ApiRequest &request, const std::string &id)
{
    if (auto error = guard(request, false))
        return error->toResponse();
    const auto info = m_options.sessions->info(id);
    if (!info)
        return noSession(id, m_options.sessions->lease()).toResponse();
    return ApiResponse::json(200, sessionJson(*info));
}

ApiResponse AgentApi::heartbeat(const ApiRequest &request, const std::string &id)
{
    if (auto error = guard(request, false))
        return error->toResponse();
    if (!m_options.sessions->heartbeat(id))
        return noSession(id, m_options.sessions->lease()).toResponse();
    return getSession(request, id);
}

ApiResponse AgentApi::closeSession(const ApiRequest &request, const std::string &id)
{
    if (auto error = guard(request, false))
        return error->toResponse();
    if (!m_options.sessions->close(id))
        return noSession(id, m_options.sessions->lease()).toResponse();
    return ApiResponse::noContent();
}

} // namespace switchyard
