// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/compile/compiledpolicy.h"

#include <string_view>

namespace switchyard {

// Whether a phase of a compiled policy reads a whole body through CEL:
// `req.body` (or `req["body"]`) / `res.body` in a rule expression, in a
// `${…}` interpolation of an action config, or in a whole-CEL config field
// (rate-limit bucket_key, http-request retry_condition). The sources are
// tokenized, so the same text in a string literal, in plain config text or
// in a YAML comment does not count.
class PolicyBodyUse
{
public:
    static bool readsBody(const CompiledPolicy &policy, PolicyPhase phase);
    // `root` ("req" or "res") followed by its `body` field in CEL `source`.
    static bool mentions(std::string_view source, std::string_view root);
    // The same within the `${…}` interpolations of config text.
    static bool interpolationsMention(std::string_view text, std::string_view root);
};

} // namespace switchyard
