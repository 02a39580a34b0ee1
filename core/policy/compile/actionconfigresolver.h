// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/diagnostic.h"
#include "policy/compile/compiledpolicy.h"
#include "policy/compile/programsource.h"
#include "policy/policydocument.h"

namespace switchyard {

// Turns one validated action into a CompiledAction: defaults applied,
// numbers parsed, header names lower-cased, literal regexes and CIDRs
// compiled, interpolated strings split into CompiledTemplates. Reports
// only what validation cannot see (e.g. a `to` naming a capture group the
// `from` regex lacks).
class ActionConfigResolver
{
public:
    ActionConfigResolver(const ProgramSource &programs, PolicyPhase phase) : m_programs(programs), m_phase(phase) {}

    CompiledAction resolve(const PolicyAction &action, DiagnosticList &diagnostics) const;

    // A string node as a template; `interpolated` = the field allows `${…}`.
    CompiledTemplate templateOf(const PolicyNode &node, bool interpolated = true) const;

private:
    std::vector<NamedTemplate> namedTemplates(const PolicyNode *map, bool lowerNames) const;
    ActionConfig externalConfig(const PolicyAction &action) const;
    RewriteConfig rewriteConfig(const PolicyAction &action, bool redirect, DiagnosticList &diagnostics) const;
    SetVarsConfig setVarsConfig(const PolicyAction &action) const;
    RestrictIpsConfig restrictIpsConfig(const PolicyAction &action) const;

    const ProgramSource &m_programs;
    PolicyPhase m_phase;
};

} // namespace switchyard
