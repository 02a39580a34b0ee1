// SPDX-License-Identifier: Apache-2.0
#include "control/api/apipolicycheck.h"

#include "policy/compile/policycompiler.h"
#include "policy/policygraph.h"
#include "policy/policyparser.h"
#include "policy/policyvalidator.h"

#include <QJsonArray>
#include <QString>

namespace switchyard {

namespace {

void addToGraph(PolicyGraph &graph, const Endpoint &endpoint)
{
    std::optional<PolicyDocument> document;
    if (!endpoint.trafficPolicy.empty()) {
        DiagnosticList ignored; // only the candidate's own problems are reported
        document = PolicyParser::parse(endpoint.trafficPolicy, ignored);
    }
    if (document)
        graph.addEndpoint(endpoint.url, *document);
    else
        graph.addEndpoint(endpoint.url);
}

} // namespace

std::optional<ApiError> ApiPolicyCheck::check(const Endpoint &candidate, const RoutingSnapshot &snapshot,
                                              [[maybe_unused]] const ExpressionCompiler *compiler)
{
    if (candidate.trafficPolicy.empty())
        return std::nullopt;
    PolicyGraph graph;
    for (const EndpointPtr &other : snapshot.endpoints())
        if (other->accountId == candidate.accountId && other->id != candidate.id)
            addToGraph(graph, *other);
    addToGraph(graph, candidate);

    // Compiled, not only validated: what the engine would refuse to load
    // (a regex RE2 rejects, say) must not be accepted here.
    PolicySource source;
    source.text = candidate.trafficPolicy;
    source.pathPrefix = "traffic_policy";
    const DiagnosticList diagnostics =
        PolicyCompiler(PolicyCompiler::Options{PolicyEndpointContext::forEndpoint(candidate), &graph})
            .compile(source)
            .diagnostics;
    if (!diagnostics.hasErrors())
        return std::nullopt;

    QJsonArray list;
    std::string first;
    for (const Diagnostic &d : diagnostics) {
        if (!d.isError())
            continue;
        if (first.empty())
            first = (d.position.known() ? std::to_string(d.position.line) + ":" + std::to_string(d.position.column) + ": "
                                        : std::string())
                    + d.message;
        list.append(QJsonObject{
            {"line", d.position.line},
            {"column", d.position.column},
            {"severity", severityName(d.severity)},
            {"message", QString::fromStdString(d.message)},
            {"path", QString::fromStdString(d.path)},
        });
    }
    const int count = diagnostics.errorCount();
    ApiError error{400, ApiErrorCode::InvalidPolicy,
                   "The traffic policy is invalid (" + std::to_string(count) + (count == 1 ? " error" : " errors")
                       + "): " + first};
    error.details.insert("diagnostics", list);
    return error;
}

} // namespace switchyard
