// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/exec/actionrunner.h"

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace switchyard {

// ActionRunners by action type. Filled before use, then read-only (and
// then safe to share between threads).
class ActionRunnerRegistry
{
public:
    // Replaces an earlier runner for the same type.
    void add(std::string type, std::shared_ptr<const ActionRunner> runner);
    const ActionRunner *find(std::string_view type) const;
    // ActionRunner::observeResponse() of every runner.
    void observeResponse(const PolicyExchange &exchange) const;

private:
    std::vector<std::pair<std::string, std::shared_ptr<const ActionRunner>>> m_runners;
};

} // namespace switchyard
