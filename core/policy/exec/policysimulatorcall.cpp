// SPDX-License-Identifier: Apache-2.0
// PolicySimulator: http-request against the simulated internal endpoints.
#include "policy/exec/policysimulator.h"

#include "policy/bodyrunners/httprequestrunner.h"
#include "policy/exec/requesturl.h"

namespace switchyard {

namespace {

constexpr const char *LoopError = "ERR_SWITCHYARD_3603";

void failCall(PolicyHttpCall &call, int status, std::string code, std::string message)
{
    call.response.reset();
    call.errorStatus = status;
    call.errorCode = std::move(code);
    call.errorMessage = std::move(message);
}

} // namespace

std::optional<PolicyResponse> PolicySimulator::settleCall(PolicyExchange &exchange, PolicyPhase phase,
                                                          SimulationResult &result) const
{
    std::shared_ptr<PolicyHttpCall> call = std::move(exchange.httpCall);
    exchange.httpCall.reset();
    if (!call)
        return std::nullopt;
    if (call->errorCode.empty()) {
        call->deadline = std::chrono::steady_clock::now() + call->timeout;
        do {
            call->errorCode.clear();
            call->errorMessage.clear();
            call->response.reset();
            attemptCall(*call, exchange, result);
        } while (HttpRequestRunner::shouldRetry(*call, exchange, phase));
    }
    if (!call->errorCode.empty() && call->haltOnError)
        return HttpRequestRunner::haltResponse(*call);
    exchange.actionResults.emplace_back("http_request", HttpRequestRunner::resultValue(*call));
    return std::nullopt;
}

void PolicySimulator::attemptCall(PolicyHttpCall &call, const PolicyExchange &exchange,
                                  SimulationResult &result) const
{
    ++call.attempts;
    const std::string loop = "http-request loop: more than " + std::to_string(PolicyHttpCall::MaxHops) + " hops";
    if (m_callDepth > PolicyHttpCall::MaxHops) {
        failCall(call, 508, LoopError, loop);
        return;
    }
    const auto url = RequestUrl::parse(call.request.url);
    std::optional<SimulatedEndpoint> target;
    if (url && m_resolver)
        target = m_resolver(url->scheme + "://" + url->authority());
    if (!target) {
        failCall(call, 404, "ERR_SWITCHYARD_3200", "the endpoint " + call.request.url + " is offline");
        return;
    }
    PolicySimulator nested(m_resolver, m_runners, m_hopLimit);
    nested.m_callDepth = m_callDepth + 1;
    PolicyExchange inner;
    inner.connection = exchange.connection;
    inner.now = exchange.now;
    inner.request = call.request;
    inner.request.headers.set("host", url->authority());
    SimulationResult called = nested.simulate(*target, std::move(inner));
    for (RuleTrace &rule : called.trace.rules)
        result.trace.rules.push_back(std::move(rule));
    switch (called.outcome.kind) {
    case SimulationOutcome::Kind::Response:
        if (called.outcome.response.headers.value("switchyard-error-code") == std::string_view(LoopError)) {
            failCall(call, 508, LoopError, loop);
            return;
        }
        if (called.outcome.response.body.size() > PolicyHttpCall::MaxResponseBody) {
            failCall(call, 502, "ERR_SWITCHYARD_3601", "http-request response larger than 256 KB");
            return;
        }
        call.response = std::move(called.outcome.response);
        return;
    case SimulationOutcome::Kind::Upstream:
        failCall(call, 502, "ERR_SWITCHYARD_3607",
                 "not simulated: the call would reach the upstream of " + called.outcome.endpoint);
        return;
    case SimulationOutcome::Kind::Close:
        failCall(call, 502, "ERR_SWITCHYARD_3004", "the endpoint " + called.outcome.endpoint + " closed the connection");
        return;
    }
}

} // namespace switchyard
