// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/cel/value.h"
#include "policy/policyphase.h"

#include <cstddef>
#include <string>
#include <vector>

namespace switchyard {

struct ExpressionTrace
{
    std::string source;
    cel::Value value; // an error Value when evaluation failed
};

struct ActionTrace
{
    std::string type;
    std::string result; // "added x-a: 1", "responded 200", "not simulated", "error: …"
    bool error = false;
};

// One rule as it ran: its expressions in order (evaluation stops at the
// first that is not true) and the actions that ran.
struct RuleTrace
{
    std::string endpoint; // URL of the endpoint whose policy this is
    PolicyPhase phase = PolicyPhase::HttpRequest;
    std::size_t index = 0;
    std::string name;
    std::vector<ExpressionTrace> expressions;
    bool matched = false;
    bool resumed = false; // continued after a failed forward-internal (on_error: continue)
    std::vector<ActionTrace> actions;
};

struct PolicyTrace
{
    std::vector<RuleTrace> rules;
};

} // namespace switchyard
