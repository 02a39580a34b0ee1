// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "control/endpointregistry.h"
#include "data/engine/tcppolicyhook.h"
#include "policy/exec/actionrunnerregistry.h"

#include <memory>

namespace switchyard {

class PolicyRuntime;

// The engine's TcpPolicyHook: on_tcp_connect over PolicyExecutor, with the
// compiled policies shared with the HTTP PolicyRuntime (one cache per
// process). restrict-ips, deny and close-connection close the connection;
// forward-internal follows the target among the internal tcp/tls endpoints
// of the forwarding endpoint's account in the registry's current snapshot,
// runs the target's on_tcp_connect in turn (up to PolicyRuntime::HopLimit
// forwards) and hands the byte stream to the last agent endpoint's
// upstream. Failures close the connection (ngrok: tcp errors simply close
// it): a missing or non-tcp/tls target (unless `on_error: continue`), a
// cloud endpoint that ends its policy without forwarding, too many hops, a
// policy that does not compile. terminate-tls is run here (TerminateTlsRunner
// is added to the given runners) and its settings come back in the
// decision. Thread-safe.
class TcpPolicyRuntime : public TcpPolicyHook
{
public:
    // `registry` must outlive the runtime; `runners` may be null.
    TcpPolicyRuntime(const EndpointRegistry &registry, std::shared_ptr<PolicyRuntime> policies,
                     const ActionRunnerRegistry *runners = nullptr);

    TcpPolicyDecision onTcpConnect(const Endpoint &endpoint, const TcpConnectionInfo &connection) override;

private:
    const EndpointRegistry &m_registry;
    std::shared_ptr<PolicyRuntime> m_policies;
    ActionRunnerRegistry m_runners;
};

} // namespace switchyard
