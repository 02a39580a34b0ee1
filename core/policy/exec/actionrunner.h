// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/cel/activation.h"
#include "policy/compile/compiledpolicy.h"
#include "policy/exec/policyexchange.h"

#include <optional>
#include <string>

namespace switchyard {

struct ActionRunContext
{
    const CompiledAction &action;
    PolicyPhase phase;
    PolicyExchange &exchange;
    const cel::Activation &activation; // the phase's variables as they are now
};

struct ActionRunResult
{
    enum class Kind {
        Continue, // next action
        Respond,  // answer with `response`; ends the phase
        Close,    // close the connection; ends the phase
        Forward,  // forward-internal to `target`
        Suspend,  // http-request: exchange.httpCall is to be made, then the phase resumes after this action
    };
    Kind kind = Kind::Continue;
    PolicyResponse response;
    std::string target;
    std::string summary;          // for the trace
    bool error = false;           // the action failed (summary says why)
    bool requestChanged = false;  // headers/URL/body of the request or response edited
    bool varsChanged = false;
    // actions.ngrok.<resultName> for the later rules of the phase (the
    // reference's result variables); unset: the action has none.
    std::string resultName{};
    std::optional<cel::Value> result{};
};

// The seam for actions the executor does not implement itself
// (rate-limit, jwt-validation, verify-webhook, compress-response,
// circuit-breaker, *-body-find-replace, http-request, terminate-tls): the
// engine registers one per action type in an ActionRunnerRegistry. Must be
// thread-safe and must not throw; state (buckets, breakers) lives in the
// runner, keyed as it likes.
class ActionRunner
{
public:
    virtual ~ActionRunner() = default;
    virtual ActionRunResult run(const ActionRunContext &context) const = 0;
    // An upstream's response head (exchange.response, as the upstream sent
    // it) for a request whose on_http_request ran on exchange.endpointId;
    // called once per endpoint of the forwarding chain. For runners that
    // learn from outcomes (circuit-breaker). Must not block.
    virtual void observeResponse(const PolicyExchange &) const {}
};

} // namespace switchyard
