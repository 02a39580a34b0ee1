// SPDX-License-Identifier: Apache-2.0
#include "policy/exec/policyexecutor.h"

#include "policy/exec/actionrunnerregistry.h"
#include "policy/exec/builtinactions.h"
#include "policy/exec/exchangeactivation.h"

namespace switchyard {

PolicyOutcome PolicyExecutor::run(const CompiledPolicy &policy, PolicyPhase phase, PolicyExchange &exchange,
                                  PolicyTrace *trace, PolicyResumePoint from) const
{
    PolicyOutcome outcome;
    const CompiledPhase *rules = policy.phase(phase);
    if (!rules)
        return outcome;
    if (from.isStart()) {
        exchange.vars.clear();
        exchange.actionResults.clear();
    }
    ExchangeActivation activation(exchange, phase);
    for (auto &[name, value] : exchange.actionResults)
        activation.setActionResult(name, std::move(value));
    exchange.actionResults.clear();
    for (std::size_t ri = from.rule; ri < rules->rules.size(); ++ri) {
        const CompiledRule &rule = rules->rules[ri];
        const bool resuming = !from.isStart() && ri == from.rule;
        RuleTrace *ruleTrace = nullptr;
        if (trace) {
            ruleTrace = &trace->rules.emplace_back();
            ruleTrace->endpoint = exchange.endpointUrl;
            ruleTrace->phase = phase;
            ruleTrace->index = rule.index;
            ruleTrace->name = rule.name;
            ruleTrace->resumed = resuming;
        }
        bool matched = true;
        if (!resuming) {
            for (const CompiledExpression &e : rule.expressions) {
                cel::Value v = e.program->evaluate(activation);
                const bool holds = v.isBool() && v.boolValue();
                if (ruleTrace)
                    ruleTrace->expressions.push_back({e.source, std::move(v)});
                if (!holds) {
                    matched = false;
                    break;
                }
            }
        }
        if (ruleTrace)
            ruleTrace->matched = matched;
        if (!matched)
            continue;
        // A resumed rule already fired before its forward failed: its
        // further actions join that record.
        const bool continues = resuming && !exchange.fired.empty() && exchange.fired.back().index == rule.index
                               && exchange.fired.back().phase == phase
                               && exchange.fired.back().endpoint == exchange.endpointUrl;
        if (!continues)
            exchange.fired.push_back({exchange.endpointUrl, phase, rule.index, rule.name, {}});
        const std::size_t firedAt = exchange.fired.size() - 1;
        for (std::size_t ai = resuming ? from.action : 0; ai < rule.actions.size(); ++ai) {
            const CompiledAction &action = rule.actions[ai];
            ActionRunResult result;
            if (action.kind != ActionKind::External) {
                result = BuiltinActions::run(action, phase, exchange, activation);
            } else if (const ActionRunner *runner = m_runners ? m_runners->find(action.type) : nullptr) {
                result = runner->run(ActionRunContext{action, phase, exchange, activation});
            } else {
                result.summary = "not simulated";
            }
            if (result.requestChanged)
                activation.requestChanged();
            if (result.varsChanged)
                activation.varsChanged();
            exchange.fired[firedAt].actions.push_back(action.type);
            if (result.result)
                activation.setActionResult(result.resultName, std::move(*result.result));
            if (ruleTrace)
                ruleTrace->actions.push_back({action.type, std::move(result.summary), result.error});
            switch (result.kind) {
            case ActionRunResult::Kind::Continue: continue;
            case ActionRunResult::Kind::Respond:
                outcome.kind = PolicyOutcome::Kind::Respond;
                outcome.response = std::move(result.response);
                return outcome;
            case ActionRunResult::Kind::Close: outcome.kind = PolicyOutcome::Kind::CloseConnection; return outcome;
            case ActionRunResult::Kind::Forward:
                outcome.kind = PolicyOutcome::Kind::ForwardInternal;
                outcome.target = std::move(result.target);
                outcome.continueOnError = !action.terminating;
                outcome.resume = PolicyResumePoint{ri, ai + 1};
                exchange.actionResults = activation.actionResults(); // for a resume after a failed forward
                return outcome;
            case ActionRunResult::Kind::Suspend:
                outcome.kind = PolicyOutcome::Kind::Suspend;
                outcome.resume = PolicyResumePoint{ri, ai + 1};
                exchange.actionResults = activation.actionResults();
                return outcome;
            }
        }
    }
    return outcome;
}

} // namespace switchyard
