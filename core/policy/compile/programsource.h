// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/cel/program.h"
#include "policy/policyphase.h"

#include <memory>
#include <string>

namespace switchyard {

// Hands out the compiled program of an expression the validator has
// already accepted (PolicyCompiler compiles each one once). nullptr only
// when the expression does not compile, which validation rules out.
class ProgramSource
{
public:
    virtual ~ProgramSource() = default;
    virtual std::shared_ptr<const cel::Program> program(const std::string &source, PolicyPhase phase) const = 0;
};

} // namespace switchyard
