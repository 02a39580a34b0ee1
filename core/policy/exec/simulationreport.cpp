// SPDX-License-Identifier: Apache-2.0
#include "policy/exec/simulationreport.h"

namespace switchyard {

namespace {

void appendHeaders(std::string &out, const HttpHeaders &headers)
{
    for (const HttpHeaderField &f : headers.fields())
        out += "  " + f.name + ": " + f.value + "\n";
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
        if (!o.response.body.empty())
            out += "body: " + o.response.body + (o.response.body.ends_with('\n') ? "" : "\n");
        break;
    case SimulationOutcome::Kind::Upstream:
        out += "outcome: upstream of " + o.endpoint + "\n";
        out += "request: " + o.request.method + " " + o.request.url + "\n";
        appendHeaders(out, o.request.headers);
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
