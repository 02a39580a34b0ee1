// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/expressioncompiler.h"

namespace switchyard {

namespace cel {
struct CompileResult;
}

// The CEL engine behind the policy validator: compiles each expression
// against the variables of its phase (req.* only where a request exists,
// res.* only in on_http_response) with strict type checking, and reports
// parse and type errors at their column inside the expression.
// The phase environments are PolicyEnvironments::shared(). Stateless;
// check() may be called from any thread.
class CelExpressionCompiler final : public ExpressionCompiler
{
public:
    CelExpressionCompiler();
    ~CelExpressionCompiler() override;

    std::vector<ExpressionProblem> check(std::string_view expression, PolicyPhase phase) const override;

    // The errors of a compilation as problems at their columns.
    static std::vector<ExpressionProblem> problemsOf(const cel::CompileResult &result);
};

} // namespace switchyard
