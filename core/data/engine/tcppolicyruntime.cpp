// SPDX-License-Identifier: Apache-2.0
#include "data/engine/tcppolicyruntime.h"

#include "data/engine/policyruntime.h"
#include "data/engine/terminatetlsrunner.h"
#include "policy/exec/policyexecutor.h"

namespace switchyard {

namespace {

TcpPolicyDecision closeBecause(std::string reason)
{
    TcpPolicyDecision close;
    close.kind = TcpPolicyDecision::Kind::Close;
    close.reason = std::move(reason);
    return close;
}

PolicyExchange exchangeFor(const TcpConnectionInfo &connection)
{
    PolicyExchange exchange;
    exchange.connection.clientIp = connection.clientIp;
    exchange.connection.clientPort = connection.clientPort;
    exchange.connection.serverIp = connection.serverIp;
    exchange.connection.serverPort = connection.serverPort;
    exchange.connection.sni = connection.serverName;
    exchange.connection.start = connection.start;
    return exchange;
}

} // namespace

TcpPolicyRuntime::TcpPolicyRuntime(const EndpointRegistry &registry, std::shared_ptr<PolicyRuntime> policies,
                                   const ActionRunnerRegistry *runners)
    : m_registry(registry), m_policies(std::move(policies)), m_runners(runners ? *runners : ActionRunnerRegistry{})
{
    m_runners.add("terminate-tls", std::make_shared<TerminateTlsRunner>());
}

TcpPolicyDecision TcpPolicyRuntime::onTcpConnect(const Endpoint &endpoint, const TcpConnectionInfo &connection)
{
    const auto snapshot = m_registry.snapshot();
    const PolicyExecutor executor(&m_runners);
    PolicyExchange exchange = exchangeFor(connection);
    EndpointPtr current = snapshot ? snapshot->endpoint(endpoint.id) : nullptr;
    if (!current)
        current = std::make_shared<const Endpoint>(endpoint);
    PolicyResumePoint resume;
    int hops = 0;

    for (;;) {
        const std::string url = current->url.toString();
        std::shared_ptr<const CompiledPolicy> policy;
        if (!current->trafficPolicy.empty()) {
            policy = m_policies->policyFor(*current);
            if (!policy && connection.httpsHandshake)
                return {}; // the HTTP side answers 503 for it
            if (!policy)
                return closeBecause("the traffic policy of " + url + " does not compile");
        }
        PolicyOutcome outcome;
        if (policy) {
            exchange.endpointId = current->id;
            exchange.endpointUrl = url;
            outcome = executor.run(*policy, PolicyPhase::TcpConnect, exchange, nullptr, resume);
        }
        resume = {};
        if (connection.httpsHandshake) {
            if (outcome.kind == PolicyOutcome::Kind::CloseConnection || outcome.kind == PolicyOutcome::Kind::Respond)
                return closeBecause("closed by the traffic policy of " + url);
            TcpPolicyDecision handshake;
            handshake.terminateTls = std::move(exchange.tlsTermination);
            return handshake;
        }
        switch (outcome.kind) {
        case PolicyOutcome::Kind::CloseConnection:
        case PolicyOutcome::Kind::Respond: // not an on_tcp_connect outcome; a byte stream cannot be answered
        case PolicyOutcome::Kind::Suspend: // http-request is an HTTP action; validation keeps it out of here
            return closeBecause("closed by the traffic policy of " + url);
        case PolicyOutcome::Kind::Continue: {
            if (current->type == EndpointType::Cloud || !current->upstream)
                return closeBecause("the cloud endpoint " + url + " ended its policy without forwarding");
            TcpPolicyDecision forward;
            forward.terminateTls = std::move(exchange.tlsTermination);
            if (hops > 0)
                forward.upstreamEndpoint = current;
            return forward;
        }
        case PolicyOutcome::Kind::ForwardInternal: break;
        }
        if (++hops > PolicyRuntime::HopLimit)
            return closeBecause("forward-internal may only forward through "
                                + std::to_string(PolicyRuntime::HopLimit) + " endpoints");
        const EndpointPool *pool = nullptr;
        if (const auto target = EndpointUrl::parse(outcome.target);
            target && snapshot && target->isInternal() && !isHttpFamily(target->scheme()))
            pool = snapshot->lookup(Binding::Internal, current->accountId, target->scheme(), target->host(),
                                    target->port());
        if (pool && !pool->members.empty()) {
            current = pool->members[static_cast<std::size_t>(hops) % pool->members.size()];
            continue;
        }
        if (outcome.continueOnError) {
            resume = outcome.resume;
            continue;
        }
        return closeBecause("no internal tcp/tls endpoint is online at " + outcome.target);
    }
}

} // namespace switchyard
