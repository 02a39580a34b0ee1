// SPDX-License-Identifier: Apache-2.0
#include "policy/runners/runtimeactions.h"

#include "policy/runners/circuitbreakerrunner.h"
#include "policy/runners/jwtvalidationrunner.h"
#include "policy/runners/ratelimitrunner.h"

namespace switchyard {

void registerRuntimeActions(ActionRunnerRegistry &registry)
{
    registry.add("rate-limit", std::make_shared<RateLimitRunner>());
    registry.add("jwt-validation", std::make_shared<JwtValidationRunner>());
    registry.add("circuit-breaker", std::make_shared<CircuitBreakerRunner>());
}

} // namespace switchyard
