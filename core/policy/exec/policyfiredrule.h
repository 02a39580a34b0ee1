// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/policyphase.h"

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace switchyard {

// A rule whose expressions held, with the actions it ran, as the inspector
// records it. Unlike RuleTrace (the simulator's full trace) this is cheap
// enough to keep for every request: nothing is recorded for rules that do
// not fire.
struct PolicyFiredRule
{
    std::string endpoint; // URL of the endpoint whose policy this is
    PolicyPhase phase = PolicyPhase::HttpRequest;
    std::size_t index = 0;
    std::string name;
    std::vector<std::string> actions; // types, in the order they ran
};

// One `log` action's rendered metadata.
struct PolicyLogEntry
{
    std::string path;     // the action's field path: "on_http_request[0].actions[1]"
    std::string endpoint; // URL of the endpoint whose policy logged
    std::vector<std::pair<std::string, std::string>> metadata;
};

} // namespace switchyard
