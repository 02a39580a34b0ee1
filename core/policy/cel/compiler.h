// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/cel/ast.h"
#include "policy/cel/evalnodes.h"
#include "policy/cel/parser.h"
#include "policy/cel/types.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace switchyard::cel {

class Program;

// Turns a parsed (and checked) expression into evaluation nodes. Internal
// to Program::compile.
class Compiler
{
public:
    // `lenient`: unresolvable references under &&, || and ?: (where the other
    // operand may decide) become run-time errors instead of compile errors.
    Compiler(const Environment &env, const EvalLimits &limits, bool lenient = false)
        : m_env(env), m_limits(limits), m_lenient(lenient) {}

    NodePtr compile(const Expr &e);
    const std::vector<ExprError> &errors() const { return m_errors; }
    std::size_t localCount() const { return m_localCount; }

    static void install(Program &program, NodePtr root, std::size_t locals);

private:
    NodePtr compileNode(const Expr &e);
    NodePtr compileIdent(const Expr &e);
    NodePtr compileSelect(const Expr &e);
    NodePtr compileCall(const Expr &e);
    NodePtr compileComprehension(const Expr &e);
    NodePtr fail(int offset, std::string message);
    std::optional<std::size_t> findLocal(std::string_view name) const;
    // "a.b.c" for an Ident/Select chain whose root is not a local; nullopt otherwise.
    std::optional<std::string> qualifiedName(const Expr &e) const;

    const Environment &m_env;
    const EvalLimits &m_limits;
    std::vector<ExprError> m_errors;
    std::vector<std::pair<std::string, std::size_t>> m_scopes;
    std::size_t m_localCount = 0;
    bool m_lenient = false;
    int m_deferDepth = 0;
};

// Names that denote types when not shadowed by a variable ("int", "map"...).
bool isTypeDenotation(std::string_view name);

} // namespace switchyard::cel
