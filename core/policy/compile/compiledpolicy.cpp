// SPDX-License-Identifier: Apache-2.0
#include "policy/compile/compiledpolicy.h"

namespace switchyard {

std::size_t CompiledPolicy::ruleCount() const
{
    std::size_t n = 0;
    for (const CompiledPhase &p : m_phases)
        n += p.rules.size();
    return n;
}

} // namespace switchyard
