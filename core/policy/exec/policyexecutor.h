// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/compile/compiledpolicy.h"
#include "policy/exec/policyexchange.h"
#include "policy/exec/policytrace.h"

#include <cstddef>
#include <string>

namespace switchyard {

class ActionRunnerRegistry;

// Where a phase run continues: the action after a forward-internal whose
// target failed under `on_error: continue`.
struct PolicyResumePoint
{
    std::size_t rule = 0;
    std::size_t action = 0;
    bool isStart() const { return rule == 0 && action == 0; }
};

struct PolicyOutcome
{
    enum class Kind {
        Continue,        // on to the next phase / the upstream
        Respond,         // answer with `response`
        ForwardInternal, // hand the request to `target`
        CloseConnection,
        Suspend, // http-request: make exchange.httpCall, then run() again from `resume`
    };
    Kind kind = Kind::Continue;
    PolicyResponse response;
    std::string target;
    bool continueOnError = false; // forward-internal `on_error: continue`
    // ForwardInternal: where run() resumes when the target fails and
    // continueOnError is set. Suspend: where run() goes on after the call.
    PolicyResumePoint resume;
};

// Runs one phase of a CompiledPolicy over an exchange (sans-io: no sockets,
// no exceptions, no parsing). Rules run in order; a rule's actions run when
// all its expressions are true (an expression that errors counts as not
// true and is traced with its error). Actions edit the exchange in place.
// Variables are built from the exchange lazily, once per run, and rebuilt
// only after an action changes them. Immutable; run() is thread-safe for
// distinct exchanges.
class PolicyExecutor
{
public:
    // `runners` handles the actions the executor does not implement
    // (rate-limit, jwt-validation, …); without one they are traced as "not
    // simulated" and skipped. The registry must outlive the executor.
    explicit PolicyExecutor(const ActionRunnerRegistry *runners = nullptr) : m_runners(runners) {}

    // `trace` (optional) gets one RuleTrace per rule considered, tagged
    // with exchange.endpointUrl. `from` resumes after a failed forward;
    // vars are cleared only when starting from the beginning.
    PolicyOutcome run(const CompiledPolicy &policy, PolicyPhase phase, PolicyExchange &exchange,
                      PolicyTrace *trace = nullptr, PolicyResumePoint from = {}) const;

private:
    const ActionRunnerRegistry *m_runners;
};

} // namespace switchyard
