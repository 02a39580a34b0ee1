// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "control/api/agentapi.h"
#include "control/api/apirouter.h"
#include "control/api/managementapi.h"

namespace switchyard {

// Everything the --api-addr listener serves, behind one entry point:
// GET /healthz, the management API and the agent API, in one route table.
// The server parses a request into an ApiRequest, calls handle() on the
// core thread and writes the ApiResponse back.
class ApiService
{
public:
    struct Options
    {
        ManagementApi::Options management;
        AgentApi::Options agent;
        std::size_t maxBodyBytes = ApiRouter::DefaultMaxBodyBytes;
    };

    ApiService(Store &store, EndpointRegistry &registry, Options options);

    ApiResponse handle(const ApiRequest &request) const { return m_router.handle(request); }
    // For adding more routes (the inspector's) before serving.
    ApiRouter &router() { return m_router; }
    // agent.api_allow_hosts changed on a config reload; safe while serving.
    void setAllowHosts(const std::vector<std::string> &allowHosts) { m_agent.setAllowHosts(allowHosts); }

private:
    ManagementApi m_management;
    AgentApi m_agent;
    ApiRouter m_router;
};

} // namespace switchyard
