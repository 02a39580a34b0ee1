// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/cel/types.h"

#include <optional>
#include <string_view>

namespace switchyard::cel {

// Traffic-policy phases with CEL variables (ngrok-semantics.md §7.2).
enum class PolicyPhase { TcpConnect, HttpRequest, HttpResponse };

std::optional<PolicyPhase> policyPhaseFromName(std::string_view name); // "on_http_request"...

// The variables declared in a phase: conn.*, endpoint.*, time.*, vars.* in
// every phase; req.* from on_http_request on; res.* in on_http_response.
Environment phaseEnvironment(PolicyPhase phase);

} // namespace switchyard::cel
