// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "control/api/apierror.h"
#include "control/routingsnapshot.h"

#include <optional>

namespace switchyard {

class ExpressionCompiler;

// Validates an endpoint's traffic policy for the APIs with the same
// PolicyValidator as `policy validate`: against the endpoint's type, scheme
// and binding, and against the other endpoints of its account (forward-
// internal targets and loops; other accounts' endpoints are invisible).
struct ApiPolicyCheck
{
    // nullopt when the policy has no errors (warnings do not block); else a
    // 400 InvalidPolicy error whose details hold
    // {"diagnostics": [{"line","column","severity","message","path"}]},
    // positions 1-based within the policy string.
    static std::optional<ApiError> check(const Endpoint &candidate, const RoutingSnapshot &snapshot,
                                         const ExpressionCompiler *compiler);
};

} // namespace switchyard
