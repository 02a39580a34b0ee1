// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "model/account.h"
#include "model/endpointtypes.h"
#include "model/endpointurl.h"
#include "model/upstream.h"

#include <chrono>
#include <optional>
#include <string>

namespace switchyard {

// One endpoint: a URL and binding in an account, with an optional traffic
// policy (kept as source text here; core/policy compiles it) and, for agent
// endpoints, an upstream.
struct Endpoint
{
    std::string id;                 // "ep_…"
    std::string name;               // config/agent name; may be empty for cloud endpoints
    std::string accountId = Account::DefaultId;
    EndpointType type = EndpointType::Agent;
    EndpointUrl url;
    Binding binding = Binding::Public;
    bool poolingEnabled = false;
    std::optional<Upstream> upstream; // agent endpoints only
    std::string trafficPolicy;        // YAML or JSON source; empty = none
    std::string description;
    std::string metadata;
    std::chrono::system_clock::time_point createdAt{};
    std::chrono::system_clock::time_point updatedAt{};

    friend bool operator==(const Endpoint &, const Endpoint &) = default;
};

} // namespace switchyard
