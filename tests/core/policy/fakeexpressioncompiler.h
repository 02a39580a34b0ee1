// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/expressioncompiler.h"

#include <string>

// A stand-in for the CEL engine: every "BAD" in an expression is a problem
// at its 1-based column, so tests can check where problems land in the file.
class FakeExpressionCompiler : public switchyard::ExpressionCompiler
{
public:
    std::vector<switchyard::ExpressionProblem> check(std::string_view expression,
                                                     switchyard::PolicyPhase phase) const override
    {
        std::vector<switchyard::ExpressionProblem> out;
        for (std::size_t i = expression.find("BAD"); i != std::string_view::npos; i = expression.find("BAD", i + 1))
            out.push_back({"unexpected 'BAD' in " + std::string(switchyard::toString(phase)), static_cast<int>(i) + 1, 3,
                           false});
        return out;
    }
};
