// SPDX-License-Identifier: Apache-2.0
#include "control/api/apiservice.h"

namespace switchyard {

ApiService::ApiService(Store &store, EndpointRegistry &registry, Options options)
    : m_management(store, registry, std::move(options.management)), m_agent(registry, std::move(options.agent))
{
    m_router.setMaxBodyBytes(options.maxBodyBytes);
    m_router.add("GET", "/healthz", [](const ApiRequest &, const RouteParams &) { return ApiResponse::text(200, "ok"); });
    m_management.addRoutes(m_router);
    m_agent.addRoutes(m_router);
}

} // namespace switchyard
