// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/expressioncompiler.h"

#include <array>
#include <memory>

namespace switchyard {

namespace cel {
class Environment;
}

// The CEL engine behind the policy validator: compiles each expression
// against the variables of its phase (req.* only where a request exists,
// res.* only in on_http_response) with strict type checking, and reports
// parse and type errors at their column inside the expression.
// Immutable after construction; check() may be called from any thread.
class CelExpressionCompiler final : public ExpressionCompiler
{
public:
    CelExpressionCompiler();
    ~CelExpressionCompiler() override;

    std::vector<ExpressionProblem> check(std::string_view expression, PolicyPhase phase) const override;

private:
    // One environment per phase, built once.
    std::array<std::unique_ptr<const cel::Environment>, 3> m_environments;
};

} // namespace switchyard
