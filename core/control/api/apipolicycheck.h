// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "control/api/apierror.h"
#include "control/routingsnapshot.h"

#include <optional>

namespace switchyard {

class ExpressionCompiler;

// Checks an endpoint's traffic policy for the APIs with the same
// PolicyCompiler as `policy validate` and the engine (so compile-only errors
// such as a regex RE2 rejects are caught too): against the endpoint's type, scheme
// and binding, and against the other endpoints of its account (forward-
// internal targets and loops; other accounts' endpoints are invisible).
struct ApiPolicyCheck
{
    // nullopt when the policy has no errors (warnings do not block); else a
    // 400 InvalidPolicy error whose details hold
    // {"diagnostics": [{"line","column","severity","message","path"}]},
    // positions 1-based within the policy string. `compiler` is kept for
    // source compatibility; PolicyCompiler brings its own CEL compiler.
    static std::optional<ApiError> check(const Endpoint &candidate, const RoutingSnapshot &snapshot,
                                         const ExpressionCompiler *compiler);
};

} // namespace switchyard
