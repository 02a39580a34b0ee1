// SPDX-License-Identifier: Apache-2.0
#include "policy/policydocument.h"

namespace switchyard {

const PolicyPhaseRules *PolicyDocument::phase(PolicyPhase p) const
{
    for (const PolicyPhaseRules &rules : phases) {
        if (rules.phase == p)
            return &rules;
    }
    return nullptr;
}

} // namespace switchyard
