// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/diagnostic.h"
#include "policy/policynode.h"
#include "policy/policyphase.h"
#include "policy/policysourcemap.h"

#include <memory>
#include <string>
#include <vector>

namespace switchyard {

// One `{type, config}` entry of a rule. `config` is kept as the raw node tree;
// the action schemas check it and later layers resolve it.
struct PolicyAction
{
    std::string type;
    SourcePosition position;     // the action's map
    SourcePosition typePosition; // the value of `type`
    std::string path;            // "on_http_request[0].actions[1]"
    PolicyNode config;           // Kind::Null when absent
};

// One rule: all `expressions` must hold for the `actions` to run.
struct PolicyRule
{
    std::string name;
    SourcePosition position;
    std::string path; // "on_http_request[0]"
    std::vector<PolicyNode> expressions; // string scalars, CEL source in `scalar`
    std::vector<PolicyAction> actions;

    bool unconditional() const { return expressions.empty(); }
};

// The rules of one phase, as written (`key` keeps a legacy spelling such as
// `inbound` so paths match the file).
struct PolicyPhaseRules
{
    PolicyPhase phase = PolicyPhase::HttpRequest;
    std::string key;
    SourcePosition position; // the phase key
    std::string path;
    std::vector<PolicyRule> rules;
};

// A parsed traffic policy: typed phases, rules and actions, every part with
// its position and field path. Built by PolicyParser; immutable afterwards.
class PolicyDocument
{
public:
    std::vector<PolicyPhaseRules> phases; // document order, one entry per phase

    // The rules of a phase, or nullptr when the policy does not have it.
    const PolicyPhaseRules *phase(PolicyPhase phase) const;
    bool hasPhase(PolicyPhase p) const { return phase(p) != nullptr; }

    // True when the parser dropped a broken rule or action (and reported
    // why): checks about the policy as a whole are then skipped, since they
    // would only repeat the same problem in other words.
    bool incomplete = false;

    // The text that was parsed and where it sits in its file; needed to map
    // a column inside an expression back to the file.
    std::shared_ptr<const PolicySourceMap> sourceMap;
};

} // namespace switchyard
