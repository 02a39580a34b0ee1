// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "control/api/agentsessions.h"
#include "control/api/apierror.h"
#include "control/api/apirouter.h"
#include "control/api/hostguard.h"
#include "control/routingsnapshot.h"

#include <QJsonObject>

#include <functional>
#include <string>
#include <variant>

namespace switchyard {

class EndpointRegistry;
class ExpressionCompiler;

// The agent's local API (ngrok-semantics.md §5), no key but guarded against
// DNS rebinding (HostGuard):
//   GET /api/endpoints, GET /api/endpoints/{name} (with metrics),
//   POST /api/endpoints (201), PUT /api/endpoints/{name} (upsert: 200 when
//   replaced, 201 when created), DELETE /api/endpoints/{name} (204),
//   GET /api/status.
// With Options::sessions set, also the agent sessions of attached
// `switchyard http` processes (docs/api.md): POST /api/sessions (201),
// GET|DELETE /api/sessions/{id}, POST /api/sessions/{id}/heartbeat; an
// endpoint created or upserted with the Switchyard-Session header belongs to
// that session and goes offline when it ends.
// It manages the default account's agent endpoints in the registry; they
// are not persisted (an agent endpoint lives as long as its agent).
// Thread affinity: any one thread at a time (the registry serialises writes).
class AgentApi
{
public:
    struct Options
    {
        const ExpressionCompiler *compiler = nullptr;
        std::vector<std::string> allowHosts; // agent.api_allow_hosts
        // Live counters of an endpoint in the reference's metrics shape
        // ({"conns": {...}, "http": {...}}); unset gives zeros.
        std::function<QJsonObject(const Endpoint &)> metrics;
        AgentSessions *sessions = nullptr; // not owned; nullptr: no session routes
    };

    AgentApi(EndpointRegistry &registry, Options options);

    void addRoutes(ApiRouter &router);
    // agent.api_allow_hosts changed on a config reload; safe while serving.
    void setAllowHosts(const std::vector<std::string> &allowHosts) { m_guard.setAllowHosts(allowHosts); }

    ApiResponse list(const ApiRequest &request);
    ApiResponse get(const ApiRequest &request, const std::string &name);
    ApiResponse create(const ApiRequest &request);
    ApiResponse upsert(const ApiRequest &request, const std::string &name);
    ApiResponse remove(const ApiRequest &request, const std::string &name);
    ApiResponse status(const ApiRequest &request);
    ApiResponse openSession(const ApiRequest &request);
    ApiResponse getSession(const ApiRequest &request, const std::string &id);
    ApiResponse heartbeat(const ApiRequest &request, const std::string &id);
    ApiResponse closeSession(const ApiRequest &request, const std::string &id);

    // The metrics object with every counter zero.
    static QJsonObject zeroMetrics();

private:
    std::optional<ApiError> guard(const ApiRequest &request, bool expectsBody) const;
    // The body as an agent endpoint named `name` (empty: from the body).
    std::variant<Endpoint, ApiError> readEndpoint(const ApiRequest &request, const std::string &name) const;
    EndpointPtr findByName(const RoutingSnapshot &snapshot, const std::string &name) const;
    std::variant<EndpointPtr, ApiError> commit(Endpoint candidate, EndpointPtr previous);
    void addSessionRoutes(ApiRouter &router);
    QJsonObject sessionJson(const AgentSessions::Info &info) const;
    // EndpointJson::agent with the endpoint's session as tunnel_session.
    QJsonObject endpointJson(const Endpoint &endpoint) const;
    // The session named by the Switchyard-Session header: empty when none
    // is named, an error when it names no live session.
    std::variant<std::string, ApiError> requestSession(const ApiRequest &request) const;
    // Ties a just-committed endpoint to its session; when the session ended
    // meanwhile, takes the endpoint out again and returns the error.
    std::optional<ApiError> bindToSession(const std::string &sessionId, const EndpointPtr &endpoint);

    EndpointRegistry &m_registry;
    Options m_options;
    HostGuard m_guard;
};

} // namespace switchyard
