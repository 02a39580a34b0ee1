// SPDX-License-Identifier: Apache-2.0
#include "control/api/apiservice.h"

namespace switchyard {

namespace {

// One listener, one session table: the management API shows the agent
// API's sessions as tunnel_session.
ManagementApi::Options withSessions(ManagementApi::Options options, const AgentSessions *sessions)
{
    if (!options.sessions)
        options.sessions = sessions;
    return options;
}

} // namespace

ApiService::ApiService(Store &store, EndpointRegistry &registry, Options options)
    : m_management(store, registry, withSessions(std::move(options.management), options.agent.sessions)),
      m_agent(registry, std::move(options.agent))
{
    m_router.setMaxBodyBytes(options.maxBodyBytes);
    m_router.add("GET", "/healthz", [](const ApiRequest &, const RouteParams &) { return ApiResponse::text(200, "ok"); });
    m_management.addRoutes(m_router);
    m_agent.addRoutes(m_router);
}

} // namespace switchyard
