// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/cel/ast.h"
#include "policy/cel/parser.h"
#include "policy/cel/types.h"

#include <string>
#include <utility>
#include <vector>

namespace switchyard::cel {

// Static checks against declared variables: undeclared references (with a
// did-you-mean), unknown fields of declared records, and operator/function
// applications that can have no matching overload. `dyn` defers to run time.
class Checker
{
public:
    Checker(const Environment &env, bool lenient) : m_env(env), m_lenient(lenient) {}

    // The expression's type (dyn where unknown); problems go to errors().
    Type check(const Expr &e);
    const std::vector<ExprError> &errors() const { return m_errors; }

private:
    Type checkIdent(const Expr &e);
    Type checkSelect(const Expr &e);
    Type checkCall(const Expr &e);
    Type checkComprehension(const Expr &e);
    Type checkFunction(const Expr &e, const std::string &name, const std::vector<Type> &args, bool member);
    void typeError(int offset, std::string message);
    void mismatch(int offset, const std::string &function, const std::vector<Type> &args);
    const Type *findLocal(std::string_view name) const;

    const Environment &m_env;
    bool m_lenient;
    int m_shortCircuitDepth = 0;
    std::vector<ExprError> m_errors;
    std::vector<std::pair<std::string, Type>> m_scopes;
};

} // namespace switchyard::cel
