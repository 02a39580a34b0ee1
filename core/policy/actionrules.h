// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/diagnostic.h"
#include "policy/policyphase.h"

namespace switchyard {

class PolicyNode;

// The cross-field rules of single actions (ActionSchema::rule). Each gets
// the action's config (a map, or null when absent) after the field table
// has checked the types.
class ActionRules
{
public:
    static void addHeaders(const PolicyNode &config, PolicyPhase phase, DiagnosticList &diagnostics);
    static void removeHeaders(const PolicyNode &config, PolicyPhase phase, DiagnosticList &diagnostics);
    static void customResponse(const PolicyNode &config, PolicyPhase phase, DiagnosticList &diagnostics);
    static void deny(const PolicyNode &config, PolicyPhase phase, DiagnosticList &diagnostics);
    static void forwardInternal(const PolicyNode &config, PolicyPhase phase, DiagnosticList &diagnostics);
    static void restrictIps(const PolicyNode &config, PolicyPhase phase, DiagnosticList &diagnostics);
    static void basicAuth(const PolicyNode &config, PolicyPhase phase, DiagnosticList &diagnostics);
    static void setVars(const PolicyNode &config, PolicyPhase phase, DiagnosticList &diagnostics);
    static void terminateTls(const PolicyNode &config, PolicyPhase phase, DiagnosticList &diagnostics);
    static void jwtValidation(const PolicyNode &config, PolicyPhase phase, DiagnosticList &diagnostics);
};

} // namespace switchyard
