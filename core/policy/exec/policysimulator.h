// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "model/endpointtypes.h"
#include "policy/compile/compiledpolicy.h"
#include "policy/exec/policyexchange.h"
#include "policy/exec/policyhttpcall.h"
#include "policy/exec/policytrace.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace switchyard {

class ActionRunnerRegistry;

// An endpoint as the simulator sees it.
struct SimulatedEndpoint
{
    std::string url; // "https://example.internal"
    EndpointType type = EndpointType::Agent;
    std::shared_ptr<const CompiledPolicy> policy; // null: no policy
};

struct SimulationOutcome
{
    enum class Kind {
        Response, // the policies answered: `response`, produced by `endpoint`
        Upstream, // the request reaches the upstream of the agent endpoint `endpoint`
        Close,    // the connection is closed (by `endpoint`)
    };
    Kind kind = Kind::Upstream;
    std::string endpoint;
    PolicyResponse response;  // Response: after every on_http_response on the way back
    // Response: the coding compress-response chose ("gzip", …; empty: none).
    // The body above stays readable; the engine would send it encoded.
    std::string responseCoding;
    PolicyRequest request;    // Upstream: the request as the upstream gets it
};

struct SimulationResult
{
    SimulationOutcome outcome;
    PolicyTrace trace;
    std::vector<PolicyLogEntry> logs;
    // set-vars results per endpoint and phase, in the order they ran.
    struct VarsSet
    {
        std::string endpoint;
        PolicyPhase phase = PolicyPhase::HttpRequest;
        std::vector<std::pair<std::string, cel::Value>> vars;
    };
    std::vector<VarsSet> vars;
};

// Runs a described request through an endpoint's compiled policy without
// any network. forward-internal targets are looked up with the resolver
// (the endpoints of the same account) and their policies run in turn; the
// response then flows back through the on_http_response phase of every
// endpoint on the way, innermost first. A target that cannot be resolved
// fails the forward: with `on_error: halt` the forwarding endpoint answers
// 404 (ERR_SWITCHYARD_3200), with `continue` its next action runs. More
// than `hopLimit` forwards answer 508 Loop Detected (ERR_SWITCHYARD_3501),
// which also ends forwarding loops. http-request calls go to the resolved
// internal endpoints' policies the same way (on_http_request and
// on_http_response alike); a call that would reach an upstream fails with
// ERR_SWITCHYARD_3607, as the simulator contacts none.
class PolicySimulator
{
public:
    using Resolver = std::function<std::optional<SimulatedEndpoint>(const std::string &url)>;
    static constexpr int DefaultHopLimit = 10;

    explicit PolicySimulator(Resolver resolver = {}, const ActionRunnerRegistry *runners = nullptr,
                             int hopLimit = DefaultHopLimit)
        : m_resolver(std::move(resolver)), m_runners(runners), m_hopLimit(hopLimit)
    {
    }

    // `exchange` describes the request and connection (its endpoint fields
    // are set per hop).
    SimulationResult simulate(const SimulatedEndpoint &entry, PolicyExchange exchange) const;

private:
    // http-request (policysimulatorcall.cpp): makes exchange.httpCall
    // against the simulated internal endpoints (their policies; an upstream
    // is never contacted) and settles it: the halt answer, or nullopt with
    // actions.ngrok.http_request recorded for the rest of the phase.
    std::optional<PolicyResponse> settleCall(PolicyExchange &exchange, PolicyPhase phase,
                                             SimulationResult &result) const;
    void attemptCall(PolicyHttpCall &call, const PolicyExchange &exchange, SimulationResult &result) const;

    Resolver m_resolver;
    const ActionRunnerRegistry *m_runners;
    int m_hopLimit;
    int m_callDepth = 1; // nested http-request hops
};

} // namespace switchyard
