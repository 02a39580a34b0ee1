// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/diagnostic.h"
#include "model/endpoint.h"
#include "model/endpointtypes.h"
#include "model/endpointurl.h"
#include "policy/policydocument.h"
#include "policy/policyparser.h"

#include <optional>
#include <utility>

namespace switchyard {

class ExpressionCompiler;
class PolicyGraph;

// The endpoint a policy is validated for. The default is what a policy file
// on its own most likely belongs to: an agent endpoint on a public https URL.
struct PolicyEndpointContext
{
    Scheme scheme = Scheme::Https;
    Binding binding = Binding::Public;
    EndpointType type = EndpointType::Agent;
    std::optional<EndpointUrl> url; // for messages and loop detection

    static PolicyEndpointContext forEndpoint(const Endpoint &endpoint);
    // Scheme and binding from the URL (a .internal host is internal).
    static PolicyEndpointContext forUrl(const EndpointUrl &url, EndpointType type = EndpointType::Agent);
};

// Checks a parsed policy against the action schemas and against the
// endpoint it belongs to: action configs, phases and protocols, unreachable
// actions, one authentication action, cloud endpoints ending all traffic,
// forward-internal targets (and, given a PolicyGraph, missing targets and
// forwarding loops), and every CEL expression when a compiler is given.
// Pure; safe to call from any thread with distinct diagnostics lists.
class PolicyValidator
{
public:
    struct Options
    {
        PolicyEndpointContext endpoint;
        const ExpressionCompiler *compiler = nullptr; // nullptr: expressions are only checked for being strings
        const PolicyGraph *graph = nullptr;           // nullptr: no existence or loop checks
    };

    explicit PolicyValidator(Options options) : m_options(std::move(options)) {}

    // Appends the problems of `policy` to `diagnostics`.
    void validate(const PolicyDocument &policy, DiagnosticList &diagnostics) const;

    // Parse and validate in one go, diagnostics sorted by position. Returns
    // the document when it parsed (valid or not).
    std::optional<PolicyDocument> check(const PolicySource &source, DiagnosticList &diagnostics) const;

private:
    Options m_options;
};

} // namespace switchyard
