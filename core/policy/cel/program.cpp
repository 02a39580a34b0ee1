// SPDX-License-Identifier: Apache-2.0
#include "policy/cel/program.h"

#include "policy/cel/checker.h"
#include "policy/cel/compiler.h"
#include "policy/cel/evalnodes.h"

namespace switchyard::cel {

Program::Program() = default;
Program::~Program() = default;

void Compiler::install(Program &program, NodePtr root, std::size_t locals)
{
    program.m_root = std::move(root);
    program.m_localCount = locals;
}

CompileResult Program::compile(std::string_view source, const Environment &env, const CompileOptions &options)
{
    CompileResult result;
    result.source = std::string(source);
    ParseResult parsed = Parser(source, options.parseLimits).parse();
    if (!parsed.ok()) {
        result.errors.push_back(parsed.error);
        return result;
    }
    Type resultType;
    if (options.typeCheck) {
        Checker checker(env, options.lenientTypes);
        resultType = checker.check(*parsed.expr);
        if (!checker.errors().empty()) {
            result.errors = checker.errors();
            return result;
        }
    }
    Compiler compiler(env, options.evalLimits, options.lenientTypes);
    NodePtr root = compiler.compile(*parsed.expr);
    if (!compiler.errors().empty()) {
        result.errors = compiler.errors();
        return result;
    }
    auto program = std::shared_ptr<Program>(new Program());
    program->m_source = result.source;
    program->m_limits = options.evalLimits;
    program->m_resultType = resultType;
    Compiler::install(*program, std::move(root), compiler.localCount());
    result.program = std::move(program);
    return result;
}

Value Program::evaluate(const Activation &activation) const
{
    EvalContext ctx;
    ctx.limits = &m_limits;
    if (m_localCount)
        ctx.locals.resize(m_localCount);
    return m_root->eval(activation, ctx);
}

int Program::errorColumn(const Value &error) const
{
    if (!error.isError() || error.errorOffset() < 0)
        return 0;
    return locate(m_source, error.errorOffset()).column;
}

int CompileResult::column(const ExprError &error) const
{
    return locate(source, error.offset).column;
}

std::string CompileResult::format(const ExprError &error) const
{
    const LineColumn lc = locate(source, error.offset);
    return std::to_string(lc.line) + ":" + std::to_string(lc.column) + ": " + error.message;
}

DiagnosticList CompileResult::diagnostics(SourcePosition position, const std::string &path) const
{
    DiagnosticList out;
    for (const auto &e : errors) {
        Diagnostic d = Diagnostic::error("invalid expression: " + e.message, position, path);
        d.exprColumn = column(e);
        out.add(std::move(d));
    }
    return out;
}

std::string CompileResult::formatErrors() const
{
    std::string out;
    for (const auto &e : errors)
        out += (out.empty() ? "" : "\n") + format(e);
    return out;
}

EvalOutcome evaluateExpression(std::string_view source, const std::vector<std::pair<std::string, Value>> &vars,
                               const CompileOptions &options)
{
    Environment env;
    MapActivation activation;
    for (const auto &[name, value] : vars) {
        env.declare(name, Type::dyn());
        activation.set(name, value);
    }
    EvalOutcome outcome;
    CompileResult compiled = Program::compile(source, env, options);
    if (!compiled.ok()) {
        outcome.compileError = compiled.formatErrors();
        return outcome;
    }
    outcome.value = compiled.program->evaluate(activation);
    outcome.errorColumn = compiled.program->errorColumn(outcome.value);
    return outcome;
}

} // namespace switchyard::cel
