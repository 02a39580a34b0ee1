// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/policyphase.h"

#include <string>
#include <string_view>
#include <vector>

namespace switchyard {

// One problem inside a CEL expression. `column` is 1-based inside the
// expression text (0 = the expression as a whole); `length` may mark a span.
struct ExpressionProblem
{
    std::string message;
    int column = 0;
    int length = 0;
    bool warning = false;
};

// The seam between the policy document layer and the CEL engine: the
// validator hands every expression (rule expressions, CEL fields and each
// `${…}` of interpolated strings) to check() with the phase it runs in, and
// maps the problems' columns back to file positions. Implementations must
// be pure and may be called from any thread.
class ExpressionCompiler
{
public:
    virtual ~ExpressionCompiler() = default;
    virtual std::vector<ExpressionProblem> check(std::string_view expression, PolicyPhase phase) const = 0;
};

} // namespace switchyard
