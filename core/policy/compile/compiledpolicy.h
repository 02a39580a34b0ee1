// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/diagnostic.h"
#include "policy/cel/program.h"
#include "policy/compile/actionconfigs.h"
#include "policy/policynode.h"
#include "policy/policyphase.h"
#include "policy/policyvalidator.h"

#include <array>
#include <memory>
#include <string>
#include <vector>

namespace switchyard {

// What the executor does with an action.
enum class ActionKind {
    AddHeaders,
    RemoveHeaders,
    CustomResponse,
    Deny,
    CloseConnection,
    ForwardInternal,
    Redirect,
    UrlRewrite,
    SetVars,
    Log,
    RestrictIps,
    BasicAuth,
    External, // run by a registered ActionRunner, "not simulated" without one
};

struct CompiledAction
{
    std::string type;
    ActionKind kind = ActionKind::External;
    ActionConfig config;
    bool terminating = false; // ends the phase when it runs (forward-internal: unless on_error continue)
    SourcePosition position;  // the `type` value
    std::string path;         // "on_http_request[0].actions[1]"
    PolicyNode rawConfig;     // as written, for ActionRunners
};

struct CompiledExpression
{
    std::string source;
    std::shared_ptr<const cel::Program> program;
    SourcePosition position;
};

struct CompiledRule
{
    std::string name;
    std::size_t index = 0; // within its phase
    SourcePosition position;
    std::string path;
    std::vector<CompiledExpression> expressions; // all must be true
    std::vector<CompiledAction> actions;
};

struct CompiledPhase
{
    PolicyPhase phase = PolicyPhase::HttpRequest;
    std::vector<CompiledRule> rules;
};

// A forward-internal target as written, for the graph view.
struct ForwardTarget
{
    std::string url;          // the `url` value; interpolated targets keep their `${…}`
    bool interpolated = false;
    PolicyPhase phase = PolicyPhase::HttpRequest;
    SourcePosition position;
    std::string path;
};

// A validated traffic policy ready to run: per phase its rules with
// compiled CEL programs and resolved action configs. Produced only by
// PolicyCompiler, immutable, shared between threads as
// shared_ptr<const CompiledPolicy>.
class CompiledPolicy
{
public:
    // nullptr when the policy has no rules for the phase.
    const CompiledPhase *phase(PolicyPhase phase) const
    {
        const auto &p = m_phases[static_cast<std::size_t>(phase)];
        return p.rules.empty() ? nullptr : &p;
    }
    const std::vector<ForwardTarget> &forwardTargets() const { return m_forwardTargets; }
    // The endpoint the policy was compiled for.
    const PolicyEndpointContext &endpoint() const { return m_endpoint; }
    // Count of rules over all phases.
    std::size_t ruleCount() const;

private:
    friend class PolicyCompiler;
    std::array<CompiledPhase, 3> m_phases{};
    std::vector<ForwardTarget> m_forwardTargets;
    PolicyEndpointContext m_endpoint;
};

} // namespace switchyard
