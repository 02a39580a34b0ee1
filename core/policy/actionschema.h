// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/diagnostic.h"
#include "model/endpointtypes.h"
#include "policy/fieldschema.h"
#include "policy/policyphase.h"

#include <span>
#include <string_view>
#include <vector>

namespace switchyard {

class PolicyNode;

// Whether an action ends its phase.
enum class Termination {
    Never,
    Always,
    UnlessOnErrorContinue, // forward-internal: not with `on_error: continue`
};

struct PolicyAction;

// Cross-field rules an action has beyond its field table (both `body` and
// `content`, CIDR lists, credential shapes…). The action's config is a map
// or null.
using ActionConfigRule = void (*)(const PolicyAction &action, PolicyPhase phase, DiagnosticList &diagnostics);

// Everything Switchyard knows about one action type.
struct ActionSchema
{
    std::string_view type;
    unsigned phases = 0;  // phaseBit() set
    unsigned schemes = 0; // schemeBit() set: endpoint protocols the action works on
    Termination termination = Termination::Never;
    bool authentication = false; // at most one per policy
    std::span<const FieldSchema> fields = {};
    ActionConfigRule rule = nullptr;
    // Non-empty for actions Switchyard recognises but cannot run offline:
    // "it needs <reason>".
    std::string_view unsupportedReason = {};
    std::string_view summary = {};

    bool supported() const { return unsupportedReason.empty(); }
    bool allowedIn(PolicyPhase phase) const { return (phases & phaseBit(phase)) != 0; }
    const FieldSchema *field(std::string_view name) const;
};

constexpr unsigned schemeBit(Scheme scheme)
{
    return 1u << static_cast<unsigned>(scheme);
}

// The action registry: every type of reference §6.2–6.3.
class ActionSchemas
{
public:
    static std::span<const ActionSchema> all();
    static const ActionSchema *find(std::string_view type);
    // Supported and unsupported names, for "did you mean".
    static std::vector<std::string_view> names();
};

} // namespace switchyard
