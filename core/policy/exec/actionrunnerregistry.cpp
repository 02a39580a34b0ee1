// SPDX-License-Identifier: Apache-2.0
#include "policy/exec/actionrunnerregistry.h"

namespace switchyard {

void ActionRunnerRegistry::add(std::string type, std::shared_ptr<const ActionRunner> runner)
{
    for (auto &[t, r] : m_runners) {
        if (t == type) {
            r = std::move(runner);
            return;
        }
    }
    m_runners.emplace_back(std::move(type), std::move(runner));
}

const ActionRunner *ActionRunnerRegistry::find(std::string_view type) const
{
    for (const auto &[t, r] : m_runners) {
        if (t == type)
            return r.get();
    }
    return nullptr;
}

void ActionRunnerRegistry::observeResponse(const PolicyExchange &exchange) const
{
    for (const auto &entry : m_runners)
        entry.second->observeResponse(exchange);
}

} // namespace switchyard
