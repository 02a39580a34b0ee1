// SPDX-License-Identifier: Apache-2.0
#pragma once

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
    };

    AgentApi(EndpointRegistry &registry, Options options);

    void addRoutes(ApiRouter &router);

    ApiResponse list(const ApiRequest &request);
    ApiResponse get(const ApiRequest &request, const std::string &name);
    ApiResponse create(const ApiRequest &request);
    ApiResponse upsert(const ApiRequest &request, const std::string &name);
    ApiResponse remove(const ApiRequest &request, const std::string &name);
    ApiResponse status(const ApiRequest &request);

    // The metrics object with every counter zero.
    static QJsonObject zeroMetrics();

private:
    std::optional<ApiError> guard(const ApiRequest &request, bool expectsBody) const;
    // The body as an agent endpoint named `name` (empty: from the body).
    std::variant<Endpoint, ApiError> readEndpoint(const ApiRequest &request, const std::string &name) const;
    EndpointPtr findByName(const RoutingSnapshot &snapshot, const std::string &name) const;
    std::variant<EndpointPtr, ApiError> commit(Endpoint candidate, EndpointPtr previous);

    EndpointRegistry &m_registry;
    Options m_options;
    HostGuard m_guard;
};

} // namespace switchyard
