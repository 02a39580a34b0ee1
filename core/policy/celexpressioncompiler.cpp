// SPDX-License-Identifier: Apache-2.0
#include "policy/celexpressioncompiler.h"

#include "policy/cel/program.h"
#include "policy/compile/policyenvironments.h"

namespace switchyard {

CelExpressionCompiler::CelExpressionCompiler() = default;
CelExpressionCompiler::~CelExpressionCompiler() = default;

std::vector<ExpressionProblem> CelExpressionCompiler::check(std::string_view expression, PolicyPhase phase) const
{
    return problemsOf(cel::Program::compile(expression, PolicyEnvironments::shared().environment(phase)));
}

std::vector<ExpressionProblem> CelExpressionCompiler::problemsOf(const cel::CompileResult &result)
{
    std::vector<ExpressionProblem> problems;
    for (const cel::ExprError &error : result.errors)
        problems.push_back({error.message, result.column(error), 0, false});
    return problems;
}

} // namespace switchyard
