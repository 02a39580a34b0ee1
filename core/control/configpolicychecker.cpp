// SPDX-License-Identifier: Apache-2.0
#include "control/configpolicychecker.h"

#include "control/configfile.h"
#include "policy/compile/policycompiler.h"
#include "policy/policygraph.h"
#include "policy/policyparser.h"
#include "policy/policyvalidator.h"

#include <algorithm>

namespace switchyard {

namespace {

PolicySource sourceOf(const EndpointConfig &cfg)
{
    PolicySource source;
    source.text = cfg.trafficPolicySource;
    source.pathPrefix = cfg.path + ".traffic_policy";
    // A verbatim block maps line for line onto the config file; a policy
    // file has positions of its own (reported with its name, below).
    if (cfg.trafficPolicyVerbatim && cfg.trafficPolicyFile.empty()) {
        source.firstLine = cfg.trafficPolicyPosition.line;
        source.firstColumn = cfg.trafficPolicyPosition.column;
    }
    return source;
}

// Places a policy diagnostic in the config file's terms.
Diagnostic relocate(Diagnostic d, const EndpointConfig &cfg)
{
    if (!cfg.trafficPolicyFile.empty()) {
        // Our diagnostics name one file, so the policy file's own position
        // goes into the message and the diagnostic points at the endpoint.
        std::string where = cfg.trafficPolicyFile;
        if (d.position.known())
            where += ':' + std::to_string(d.position.line) + ':' + std::to_string(d.position.column);
        d.message = "in traffic_policy_file " + where + ": " + d.message;
        d.position = cfg.position;
    } else if (!cfg.trafficPolicyVerbatim) {
        // A flow mapping was re-emitted by the YAML writer: only its start is
        // a true file position.
        d.position = cfg.trafficPolicyPosition;
    }
    return d;
}

} // namespace

void ConfigPolicyChecker::check(const std::vector<const EndpointConfig *> &endpoints,
                                DiagnosticList &diagnostics) const
{
    // First pass: every endpoint and its static forward targets, so each
    // policy is validated knowing the whole graph.
    PolicyGraph graph;
    std::vector<std::optional<PolicyDocument>> documents;
    for (const EndpointConfig *cfg : endpoints) {
        DiagnosticList ignored; // reported in the second pass
        documents.push_back(cfg->trafficPolicySource.empty() ? std::nullopt
                                                             : PolicyParser::parse(sourceOf(*cfg), ignored));
        if (documents.back())
            graph.addEndpoint(cfg->endpoint.url, *documents.back());
        else
            graph.addEndpoint(cfg->endpoint.url);
    }

    for (const EndpointConfig *cfg : endpoints) {
        if (cfg->trafficPolicySource.empty())
            continue;
        DiagnosticList found;
        const PolicyEndpointContext endpoint = PolicyEndpointContext::forEndpoint(cfg->endpoint);
        if (m_compiler) {
            // The same call as `policy validate`, the API and the engine.
            found = PolicyCompiler(PolicyCompiler::Options{endpoint, &graph}).compile(sourceOf(*cfg)).diagnostics;
        } else {
            PolicyValidator(PolicyValidator::Options{endpoint, nullptr, &graph}).check(sourceOf(*cfg), found);
        }
        for (const Diagnostic &d : found) {
            Diagnostic placed = relocate(d, *cfg);
            // The config reader already reports YAML-level problems (duplicate
            // keys, tabs) of the whole file, the policy block included.
            const bool known = std::any_of(diagnostics.begin(), diagnostics.end(), [&](const Diagnostic &e) {
                return e.message == placed.message && e.position.line == placed.position.line
                    && e.position.column == placed.position.column;
            });
            if (!known)
                diagnostics.add(std::move(placed));
        }
    }
}

} // namespace switchyard
