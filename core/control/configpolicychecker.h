// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/diagnostic.h"

#include <vector>

namespace switchyard {

struct EndpointConfig;
class ExpressionCompiler;

// Validates the traffic policies of a config file's endpoints with the same
// PolicyValidator that `policy validate` and the API use, so `config check`
// reports policy problems at their line and column in the config file.
// The endpoints are validated together: forward-internal targets are looked
// up among them and static forwarding loops are found.
class ConfigPolicyChecker
{
public:
    // With a `compiler`, each policy goes through PolicyCompiler (whose own
    // CEL engine checks the expressions); nullptr checks only their shape.
    explicit ConfigPolicyChecker(const ExpressionCompiler *compiler) : m_compiler(compiler) {}

    // `endpoints` must have valid URLs (conflict-checked entries).
    void check(const std::vector<const EndpointConfig *> &endpoints, DiagnosticList &diagnostics) const;

private:
    const ExpressionCompiler *m_compiler;
};

} // namespace switchyard
