// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/exec/actionrunnerregistry.h"

namespace switchyard {

// Registers the ActionRunners of core/policy/runners: rate-limit,
// jwt-validation and circuit-breaker. Their state (buckets, breakers,
// built validators) lives in the runners, so one registry is one set of
// counters: the engine keeps one for its lifetime, a simulation makes its own.
void registerRuntimeActions(ActionRunnerRegistry &registry);

} // namespace switchyard
