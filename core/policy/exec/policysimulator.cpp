// SPDX-License-Identifier: Apache-2.0
#include "policy/exec/policysimulator.h"

#include "policy/exec/builtinactions.h"
#include "policy/exec/policyexecutor.h"
#include "policy/exec/requesturl.h"

namespace switchyard {

namespace {

bool isHttpUrl(const std::string &url)
{
    return url.starts_with("http://") || url.starts_with("https://");
}

bool isInternalUrl(const std::string &url)
{
    const auto parsed = RequestUrl::parse(url);
    return parsed && parsed->host.ends_with(".internal");
}

void markForwardFailure(PolicyTrace &trace, const std::string &why)
{
    if (trace.rules.empty() || trace.rules.back().actions.empty())
        return;
    ActionTrace &last = trace.rules.back().actions.back();
    last.result += " failed: " + why;
    last.error = true;
}

} // namespace

SimulationResult PolicySimulator::simulate(const SimulatedEndpoint &entry, PolicyExchange exchange) const
{
    SimulationResult result;
    const PolicyExecutor executor(m_runners);
    std::vector<SimulatedEndpoint> chain{entry};
    PolicyResumePoint resume;
    int hops = 0;

    auto runPhase = [&](const SimulatedEndpoint &ep, PolicyPhase phase, PolicyResumePoint from) {
        exchange.endpointUrl = ep.url;
        PolicyOutcome outcome = executor.run(*ep.policy, phase, exchange, &result.trace, from);
        if (!exchange.vars.empty())
            result.vars.push_back({ep.url, phase, exchange.vars});
        return outcome;
    };

    std::optional<PolicyResponse> response;
    std::size_t responder = 0;
    while (true) {
        const SimulatedEndpoint &current = chain.back();
        const bool http = isHttpUrl(current.url);
        PolicyOutcome outcome;
        if (current.policy) {
            // forward-internal to an http(s) endpoint opens no connection, so
            // only the first endpoint (or a tcp/tls hop) sees on_tcp_connect.
            if (resume.isStart() && (chain.size() == 1 || !http))
                outcome = runPhase(current, PolicyPhase::TcpConnect, {});
            if (outcome.kind == PolicyOutcome::Kind::Continue && http)
                outcome = runPhase(current, PolicyPhase::HttpRequest, resume);
        }
        resume = {};
        if (outcome.kind == PolicyOutcome::Kind::Suspend) {
            if (auto halted = settleCall(exchange, PolicyPhase::HttpRequest, result)) {
                response = std::move(halted);
                responder = chain.size() - 1;
                break;
            }
            resume = outcome.resume;
            continue;
        }
        if (outcome.kind == PolicyOutcome::Kind::CloseConnection) {
            result.outcome.kind = SimulationOutcome::Kind::Close;
            result.outcome.endpoint = current.url;
            break;
        }
        if (outcome.kind == PolicyOutcome::Kind::Respond) {
            response = std::move(outcome.response);
            responder = chain.size() - 1;
            break;
        }
        if (outcome.kind == PolicyOutcome::Kind::Continue) {
            if (current.type == EndpointType::Cloud) {
                response = BuiltinActions::errorResponse(502, "the cloud endpoint " + current.url
                                                                  + " ended its policy without answering",
                                                         "ERR_SWITCHYARD_2235");
                responder = chain.size() - 1;
                break;
            }
            result.outcome.kind = SimulationOutcome::Kind::Upstream;
            result.outcome.endpoint = current.url;
            result.outcome.request = exchange.request;
            break;
        }
        // forward-internal
        if (++hops > m_hopLimit) {
            markForwardFailure(result.trace, "hop limit reached");
            response = BuiltinActions::errorResponse(508,
                                                     "forward-internal may only forward through "
                                                         + std::to_string(m_hopLimit) + " endpoints",
                                                     "ERR_SWITCHYARD_3501");
            responder = chain.size() - 1;
            break;
        }
        std::optional<SimulatedEndpoint> target;
        if (!isInternalUrl(outcome.target))
            markForwardFailure(result.trace, outcome.target + " is not an internal endpoint");
        else if (!m_resolver || !(target = m_resolver(outcome.target)))
            markForwardFailure(result.trace, "no endpoint is online at " + outcome.target);
        if (target) {
            chain.push_back(std::move(*target));
            continue;
        }
        if (outcome.continueOnError) {
            resume = outcome.resume;
            continue;
        }
        response = BuiltinActions::errorResponse(404, "the endpoint " + outcome.target + " is offline",
                                                 "ERR_SWITCHYARD_3200");
        responder = chain.size() - 1;
        break;
    }

    if (response) {
        result.outcome.kind = SimulationOutcome::Kind::Response;
        result.outcome.endpoint = chain[responder].url;
        // custom-response in on_http_request still lets on_http_response run,
        // on the responder first and then outwards.
        for (std::size_t i = responder + 1; i-- > 0;) {
            const SimulatedEndpoint &ep = chain[i];
            if (!ep.policy || !isHttpUrl(ep.url))
                continue;
            exchange.response = std::move(*response);
            PolicyOutcome outcome = runPhase(ep, PolicyPhase::HttpResponse, {});
            while (outcome.kind == PolicyOutcome::Kind::Suspend) {
                if (auto halted = settleCall(exchange, PolicyPhase::HttpResponse, result)) {
                    outcome.kind = PolicyOutcome::Kind::Respond;
                    outcome.response = std::move(*halted);
                    break;
                }
                outcome = runPhase(ep, PolicyPhase::HttpResponse, outcome.resume);
            }
            response = std::move(*exchange.response);
            if (outcome.kind == PolicyOutcome::Kind::Respond) {
                response = std::move(outcome.response);
                result.outcome.endpoint = ep.url;
                // As in the engine: a replaced response is not the one
                // an earlier compress-response planned for.
                exchange.responseCoding.clear();
            }
        }
        result.outcome.response = std::move(*response);
        result.outcome.responseCoding = std::move(exchange.responseCoding);
    }
    result.logs = std::move(exchange.logs);
    return result;
}

} // namespace switchyard
