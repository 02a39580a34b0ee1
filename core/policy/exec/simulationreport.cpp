// SPDX-License-Identifier: Apache-2.0
#include "policy/exec/simulationreport.h"

namespace switchyard {

namespace {

void appendHeaders(std::string &out, const HttpHeaders &headers)
{
    for (const HttpHeaderField &f : headers.fields())
        out += "  " + f.name + ": " + f.value + "\n";
}

void appendBody(std::string &out, const std::string &body)
{
    if (!body.empty())
        out += "body: " + body + (body.ends_with('\n') ? "" : "\n");
}

} // namespace

std::string SimulationReport::text(const SimulationResult &r)
{
    const SimulationOutcome &o = r.outcome;
    std::string out;
    switch (o.kind) {
    case SimulationOutcome::Kind::Response:
        out += "outcome: response " + std::to_string(o.response.statusCode) + " from " + o.endpoint + "\n";
        appendHeaders(out, o.response.headers);
        appendBody(out, o.response.body);
        if (!o.responseCoding.empty())
            out += "body sent " + o.responseCoding + "-encoded (compress-response)\n";
        break;
    case SimulationOutcome::Kind::Upstream:
        out += "outcome: upstream of " + o.endpoint + "\n";
        out += "request: " + o.request.method + " " + o.request.url + "\n";
        appendHeaders(out, o.request.headers);
        appendBody(out, o.request.body);
        break;
    case SimulationOutcome::Kind::Close: out += "outcome: connection closed by " + o.endpoint + "\n"; break;
    }
    out += "trace:\n";
    for (const RuleTrace &rule : r.trace.rules) {
        out += "  " + rule.endpoint + " " + std::string(toString(rule.phase)) + " rule " + std::to_string(rule.index);
        if (!rule.name.empty())
            out += " (" + rule.name + ")";
        out += rule.resumed ? ": resumed\n" : rule.matched ? ": matched\n" : ": skipped\n";
        for (const ExpressionTrace &e : rule.expressions) {
            out += "    expression " + e.source + " = "
                   + (e.value.isError() ? "error: " + std::string(e.value.errorMessage()) : e.value.debugString()) + "\n";
        }
        for (const ActionTrace &a : rule.actions)
            out += "    action " + a.type + ": " + a.result + "\n";
    }
    for (const PolicyLogEntry &l : r.logs) {
        out += "log " + l.path + ":";
        for (const auto &[k, v] : l.metadata)
            out += " " + k + "=" + v;
        out += "\n";
    }
    out.pop_back();
    return out;
}

} // namespace switchyard
