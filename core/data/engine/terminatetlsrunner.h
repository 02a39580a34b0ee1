// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/exec/actionrunner.h"

namespace switchyard {

// terminate-tls in on_tcp_connect: renders the action's fields into
// PolicyExchange::tlsTermination, which TcpPolicyRuntime hands to the
// engine (the handshake itself happens there). A later terminate-tls
// replaces an earlier one. Certificate authorities must be PEM (ngrok's CA
// IDs name objects of its cloud); anything else is an action error and the
// connection is closed rather than accepted without the check.
class TerminateTlsRunner final : public ActionRunner
{
public:
    ActionRunResult run(const ActionRunContext &context) const override;
};

} // namespace switchyard
