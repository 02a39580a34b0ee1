// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace switchyard {

class ActionRunnerRegistry;

// Registers the body-level action runners (verify-webhook,
// request-/response-body-find-replace, compress-response), replacing any
// earlier runner for those types. PolicyRuntime calls it on its own copy
// of the registry, since these runners only work with its body support.
void registerBodyActions(ActionRunnerRegistry &registry);

} // namespace switchyard
