// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/diagnostic.h"
#include "policy/policyphase.h"

namespace switchyard {

struct PolicyAction;

// The cross-field rules of single actions (ActionSchema::rule). Each runs
// after the field table has checked the config's types.
class ActionRules
{
public:
    static void addHeaders(const PolicyAction &action, PolicyPhase phase, DiagnosticList &diagnostics);
    static void removeHeaders(const PolicyAction &action, PolicyPhase phase, DiagnosticList &diagnostics);
    static void customResponse(const PolicyAction &action, PolicyPhase phase, DiagnosticList &diagnostics);
    static void deny(const PolicyAction &action, PolicyPhase phase, DiagnosticList &diagnostics);
    static void forwardInternal(const PolicyAction &action, PolicyPhase phase, DiagnosticList &diagnostics);
    static void restrictIps(const PolicyAction &action, PolicyPhase phase, DiagnosticList &diagnostics);
    static void basicAuth(const PolicyAction &action, PolicyPhase phase, DiagnosticList &diagnostics);
    static void setVars(const PolicyAction &action, PolicyPhase phase, DiagnosticList &diagnostics);
    static void terminateTls(const PolicyAction &action, PolicyPhase phase, DiagnosticList &diagnostics);
    static void jwtValidation(const PolicyAction &action, PolicyPhase phase, DiagnosticList &diagnostics);
};

} // namespace switchyard
