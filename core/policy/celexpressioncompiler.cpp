// SPDX-License-Identifier: Apache-2.0
#include "policy/celexpressioncompiler.h"

#include "policy/cel/phaseenvironment.h"
#include "policy/cel/program.h"

namespace switchyard {

namespace {

cel::PolicyPhase celPhase(PolicyPhase phase)
{
    switch (phase) {
    case PolicyPhase::TcpConnect: return cel::PolicyPhase::TcpConnect;
    case PolicyPhase::HttpRequest: return cel::PolicyPhase::HttpRequest;
    case PolicyPhase::HttpResponse: return cel::PolicyPhase::HttpResponse;
    }
    return cel::PolicyPhase::HttpRequest;
}

std::size_t indexOf(PolicyPhase phase)
{
    return static_cast<std::size_t>(phase);
}

} // namespace

CelExpressionCompiler::CelExpressionCompiler()
{
    for (PolicyPhase phase : AllPolicyPhases)
        m_environments[indexOf(phase)] = std::make_unique<const cel::Environment>(cel::phaseEnvironment(celPhase(phase)));
}

CelExpressionCompiler::~CelExpressionCompiler() = default;

std::vector<ExpressionProblem> CelExpressionCompiler::check(std::string_view expression, PolicyPhase phase) const
{
    const cel::CompileResult result = cel::Program::compile(expression, *m_environments[indexOf(phase)]);
    std::vector<ExpressionProblem> problems;
    for (const cel::ExprError &error : result.errors)
        problems.push_back({error.message, result.column(error), 0, false});
    return problems;
}

} // namespace switchyard
