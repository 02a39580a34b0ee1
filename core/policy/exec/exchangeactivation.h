// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/cel/activation.h"
#include "policy/compile/policyenvironments.h"
#include "policy/exec/policyexchange.h"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace switchyard {

// The variables of one phase run, built from the exchange on first use and
// rebuilt only after an action changed what they show, so rules that look
// at nothing cost nothing. Not thread-safe (one per run).
class ExchangeActivation final : public cel::Activation
{
public:
    ExchangeActivation(const PolicyExchange &exchange, PolicyPhase phase);

    const cel::Value *find(int slot, std::string_view name) const override;

    void requestChanged() { reset(m_slots.req); reset(m_slots.res); }
    void varsChanged() { reset(m_slots.vars); }
    // actions.ngrok.<name> = result (the last run of that action).
    void setActionResult(std::string_view name, cel::Value result);
    const std::vector<std::pair<std::string, cel::Value>> &actionResults() const { return m_actionResults; }

private:
    void reset(int slot);

    const PolicyExchange &m_exchange;
    const PolicyEnvironments::Slots &m_slots;
    std::chrono::system_clock::time_point m_now;
    mutable std::array<std::optional<cel::Value>, 8> m_values;
    std::vector<std::pair<std::string, cel::Value>> m_actionResults;
};

} // namespace switchyard
