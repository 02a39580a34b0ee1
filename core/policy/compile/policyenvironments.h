// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/cel/types.h"
#include "policy/policyphase.h"

#include <array>

namespace switchyard {

// The CEL variable environment of each phase, built once per process, and
// the slots of its variables, which the executor fills per exchange.
class PolicyEnvironments
{
public:
    struct Slots
    {
        int conn = -1;
        int endpoint = -1;
        int time = -1;
        int vars = -1;
        int actions = -1;
        int req = -1; // -1 where the phase has no request
        int res = -1; // on_http_response only
    };

    static const PolicyEnvironments &shared();

    const cel::Environment &environment(PolicyPhase phase) const { return m_envs[index(phase)]; }
    const Slots &slots(PolicyPhase phase) const { return m_slots[index(phase)]; }

private:
    PolicyEnvironments();
    static std::size_t index(PolicyPhase phase) { return static_cast<std::size_t>(phase); }

    std::array<cel::Environment, 3> m_envs;
    std::array<Slots, 3> m_slots;
};

} // namespace switchyard
