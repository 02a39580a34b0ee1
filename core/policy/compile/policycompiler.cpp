// SPDX-License-Identifier: Apache-2.0
#include "policy/compile/policycompiler.h"

#include "policy/celexpressioncompiler.h"
#include "policy/compile/actionconfigresolver.h"
#include "policy/compile/policyenvironments.h"
#include "policy/expressioncompiler.h"
#include "policy/policyvalues.h"

#include <map>

namespace switchyard {

namespace {

// CelExpressionCompiler that keeps what it compiled, so the compile step
// after validation reuses each program. One per compile() call.
class RetainingCelCompiler final : public ExpressionCompiler, public ProgramSource
{
public:
    std::vector<ExpressionProblem> check(std::string_view expression, PolicyPhase phase) const override
    {
        cel::CompileResult result = cel::Program::compile(expression, PolicyEnvironments::shared().environment(phase));
        std::vector<ExpressionProblem> problems = CelExpressionCompiler::problemsOf(result);
        if (result.program)
            m_programs[phase].emplace(std::string(expression), std::move(result.program));
        return problems;
    }

    std::shared_ptr<const cel::Program> program(const std::string &source, PolicyPhase phase) const override
    {
        auto &programs = m_programs[phase];
        if (const auto it = programs.find(source); it != programs.end())
            return it->second;
        (void)check(source, phase);
        const auto it = programs.find(source);
        return it == programs.end() ? nullptr : it->second;
    }

private:
    mutable std::map<PolicyPhase, std::map<std::string, std::shared_ptr<const cel::Program>, std::less<>>> m_programs;
};

} // namespace

PolicyCompileResult PolicyCompiler::compile(const PolicySource &source) const
{
    PolicyCompileResult result;
    const RetainingCelCompiler cel;
    PolicyValidator validator(PolicyValidator::Options{m_options.endpoint, &cel, m_options.graph});
    result.document = validator.check(source, result.diagnostics);
    if (!result.document || result.diagnostics.hasErrors())
        return result;

    auto policy = std::make_shared<CompiledPolicy>();
    policy->m_endpoint = m_options.endpoint;
    DiagnosticList problems;
    for (const PolicyPhaseRules &phaseRules : result.document->phases) {
        CompiledPhase &phase = policy->m_phases[static_cast<std::size_t>(phaseRules.phase)];
        phase.phase = phaseRules.phase;
        const ActionConfigResolver resolver(cel, phaseRules.phase);
        for (const PolicyRule &rule : phaseRules.rules) {
            CompiledRule compiled;
            compiled.name = rule.name;
            compiled.index = phase.rules.size();
            compiled.position = rule.position;
            compiled.path = rule.path;
            for (const PolicyNode &e : rule.expressions)
                compiled.expressions.push_back({e.scalar, cel.program(e.scalar, phaseRules.phase), e.position});
            for (const PolicyAction &action : rule.actions) {
                compiled.actions.push_back(resolver.resolve(action, problems));
                if (action.type != "forward-internal")
                    continue;
                if (const PolicyNode *url = action.config.find("url")) {
                    policy->m_forwardTargets.push_back({url->scalar, PolicyValues::hasInterpolation(url->scalar),
                                                        phaseRules.phase, url->position, url->path});
                }
            }
            phase.rules.push_back(std::move(compiled));
        }
    }
    for (const CompiledPhase &phase : policy->m_phases) {
        for (const CompiledRule &rule : phase.rules) {
            for (const CompiledExpression &e : rule.expressions) {
                if (!e.program)
                    problems.error("internal error: expression did not compile: " + e.source, e.position, rule.path);
            }
        }
    }
    if (!problems.empty()) {
        result.diagnostics.append(problems);
        result.diagnostics.sortByPosition();
        return result;
    }
    result.policy = std::move(policy);
    return result;
}

} // namespace switchyard
