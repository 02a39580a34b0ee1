// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/diagnostic.h"
#include "policy/compile/compiledpolicy.h"
#include "policy/policydocument.h"
#include "policy/policyparser.h"
#include "policy/policyvalidator.h"

#include <memory>
#include <optional>

namespace switchyard {

class PolicyGraph;

struct PolicyCompileResult
{
    std::shared_ptr<const CompiledPolicy> policy; // null when there is an error
    DiagnosticList diagnostics;                   // sorted by position, warnings included
    std::optional<PolicyDocument> document;       // when the text parsed

    bool ok() const { return policy != nullptr; }
};

struct PolicyCompileOptions
{
    PolicyEndpointContext endpoint;
    const PolicyGraph *graph = nullptr; // nullptr: no target-existence or loop warnings
};

// Parse + validate + compile, the one call behind `policy validate`,
// `config check`, `policy simulate`, the API and the engine. Diagnostics
// are exactly PolicyValidator::check()'s with the CEL engine; a
// CompiledPolicy is produced only when there is no error. Each CEL
// expression is compiled once (the validator's compilation is kept).
// Stateless apart from its options; compile() may run on any thread.
class PolicyCompiler
{
public:
    using Options = PolicyCompileOptions;

    explicit PolicyCompiler(Options options = {}) : m_options(options) {}

    PolicyCompileResult compile(const PolicySource &source) const;
    PolicyCompileResult compile(const std::string &text) const { return compile(PolicySource{text, 1, 1, {}}); }

private:
    Options m_options;
};

} // namespace switchyard
