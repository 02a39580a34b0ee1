// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/bodyrunners/compiledconfigcache.h"
#include "policy/exec/actionrunner.h"
#include "policy/runtime/bodyfindreplace.h"

namespace switchyard {

// request-body-find-replace and response-body-find-replace (reference
// §6.3): BodyFindReplace over the whole body, which the engine buffers for
// policies with these actions. A response body that streams (over the
// engine's cap) or is content-encoded (gzip, br, …) is left alone and the
// trace says why. A Content-Length header present is updated to the new
// size (the engine re-frames anyway).
class BodyFindReplaceRunner final : public ActionRunner
{
public:
    ActionRunResult run(const ActionRunContext &context) const override;
    // Rewriters built so far (one per rendered list of replacements).
    std::size_t cachedRewriters() const { return m_rewriters.size(); }

private:
    CompiledConfigCache<BodyFindReplace> m_rewriters;
};

} // namespace switchyard
