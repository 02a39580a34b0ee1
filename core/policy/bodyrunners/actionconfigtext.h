// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/exec/actionrunner.h"

#include <string>
#include <string_view>
#include <vector>

namespace switchyard {

class PolicyNode;

// Reads an ActionRunner's config values: literal scalars as written,
// interpolated ones (`${…}`) rendered against the phase's variables.
class ActionConfigText
{
public:
    // The field `key` of the action's config (nullptr when absent).
    static const PolicyNode *field(const ActionRunContext &context, std::string_view key);
    // `node`'s text; false with `error` set when an interpolation fails.
    static bool render(const ActionRunContext &context, const PolicyNode &node, std::string &out, std::string &error);
    // A boolean field (`enforce`); `fallback` when absent.
    static bool flag(const ActionRunContext &context, std::string_view key, bool fallback);
    // The scalars of a list field, as written (no interpolation).
    static std::vector<std::string> list(const ActionRunContext &context, std::string_view key);
};

} // namespace switchyard
