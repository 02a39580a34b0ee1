// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/cel/activation.h"
#include "policy/compile/compiledpolicy.h"
#include "policy/exec/policyexchange.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchyard {

// Reads an External action's raw config (validated by the compiler, so
// values are well-formed; defaults fill what is absent) and renders its
// CEL fields. Stateless helpers shared by the runners.
class RunnerConfig
{
public:
    explicit RunnerConfig(const CompiledAction &action) : m_action(action) {}

    const PolicyNode *node(std::string_view name) const { return m_action.rawConfig.find(name); }
    std::int64_t integer(std::string_view name, std::int64_t fallback) const;
    double number(std::string_view name, double fallback) const;
    std::int64_t durationMillis(std::string_view name, std::int64_t fallback) const;
    bool boolean(std::string_view name, bool fallback) const;
    std::string string(std::string_view name, std::string fallback = {}) const;

    // The value of a CEL or interpolated field (`node` is a child of the
    // raw config): a whole-CEL field's value stringified, a template
    // rendered, a plain scalar as written. False with `error` set when
    // the expression fails.
    bool render(const PolicyNode &node, const cel::Activation &activation, std::string &out,
                std::string &error) const;

    // A stable text of the whole config: state built from one config must
    // not survive an edit of it.
    std::string fingerprint() const;
    // "endpoint id" + action path: one state per action of each endpoint.
    static std::string stateKey(const PolicyExchange &exchange, const CompiledAction &action);
    // Scalars of a sequence node (empty when absent).
    static std::vector<std::string> scalars(const PolicyNode *sequence);

private:
    const std::string *scalar(std::string_view name) const;

    const CompiledAction &m_action;
};

} // namespace switchyard
