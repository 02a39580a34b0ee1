// SPDX-License-Identifier: Apache-2.0
// PolicyRuntime: the http-request action (the call itself is made by the
// session, see policycallclient.h).
#include "data/engine/policyruntime.h"

#include "policy/bodyrunners/httprequestrunner.h"

namespace switchyard {

namespace {

// The call is over: on_error halt answers, otherwise the result is what
// later actions see.
void settle(PolicyExchange &exchange, const PolicyHttpCall &call, std::optional<PolicyResponse> &response)
{
    if (!call.errorCode.empty() && call.haltOnError) {
        response = HttpRequestRunner::haltResponse(call);
        return;
    }
    exchange.actionResults.emplace_back("http_request", HttpRequestRunner::resultValue(call));
}

} // namespace

std::optional<HttpPolicyDecision> PolicyRuntime::suspendOn(const std::shared_ptr<RequestRun> &run,
                                                           HttpRequestHead &request, std::string &body,
                                                           std::optional<PolicyResponse> &response)
{
    (void)request, (void)body;
    std::shared_ptr<PolicyHttpCall> call = std::move(run->exchange.httpCall);
    run->exchange.httpCall.reset();
    if (!call)
        return std::nullopt;
    if (!call->errorCode.empty()) {
        settle(run->exchange, *call, response);
        return std::nullopt;
    }
    run->exchange.httpCall = std::move(call);
    awaitCall(*run, run->exchange, run->chain.back()->accountId);
    HttpPolicyDecision decision;
    decision.kind = HttpPolicyDecision::Kind::Call;
    decision.call = run;
    return decision;
}

HttpPolicyDecision PolicyRuntime::resumeAfterCall(const std::shared_ptr<HttpPolicyCall> &call,
                                                  HttpRequestHead &request, std::string &body,
                                                  const HttpConnectionInfo &connection)
{
    (void)connection;
    auto run = std::dynamic_pointer_cast<RequestRun>(call);
    if (!run || !run->call) {
        HttpPolicyDecision close;
        close.kind = HttpPolicyDecision::Kind::Close;
        return close;
    }
    if (run->responding > 0)
        return answer(run);
    if (HttpRequestRunner::shouldRetry(*run->call, run->exchange, PolicyPhase::HttpRequest)) {
        run->call->response.reset();
        run->call->errorCode.clear();
        run->call->errorMessage.clear();
        HttpPolicyDecision again;
        again.kind = HttpPolicyDecision::Kind::Call;
        again.call = run;
        return again;
    }
    std::optional<PolicyResponse> response;
    settle(run->exchange, *run->call, response);
    run->call.reset();
    return runRequest(run, request, body, std::move(response));
}

void PolicyRuntime::awaitCall(HttpPolicyCall &run, PolicyExchange &exchange, const std::string &accountId)
{
    run.call = std::move(exchange.httpCall);
    exchange.httpCall.reset();
    if (run.call->attempts == 0)
        run.call->deadline = std::chrono::steady_clock::now() + run.call->timeout;
    run.accountId = accountId;
}

PolicyOutcome PolicyRuntime::runResponsePhase(const CompiledPolicy &policy, PolicyExchange &exchange,
                                              const PolicyResumePoint &resume)
{
    const PolicyExecutor executor(m_runners);
    PolicyOutcome outcome = executor.run(policy, PolicyPhase::HttpResponse, exchange, nullptr, resume);
    while (outcome.kind == PolicyOutcome::Kind::Suspend) {
        if (exchange.httpCall && exchange.httpCall->errorCode.empty())
            return outcome; // the session makes it
        std::shared_ptr<PolicyHttpCall> call = std::move(exchange.httpCall);
        exchange.httpCall.reset();
        std::optional<PolicyResponse> halted;
        if (call)
            settle(exchange, *call, halted);
        if (halted) {
            outcome.kind = PolicyOutcome::Kind::Respond;
            outcome.response = std::move(*halted);
            break;
        }
        outcome = executor.run(policy, PolicyPhase::HttpResponse, exchange, nullptr, outcome.resume);
    }
    return outcome;
}

PolicyOutcome PolicyRuntime::resumeResponsePhase(const CompiledPolicy &policy, PolicyExchange &exchange,
                                                 const PolicyResumePoint &resume,
                                                 std::shared_ptr<PolicyHttpCall> call)
{
    PolicyOutcome outcome;
    if (HttpRequestRunner::shouldRetry(*call, exchange, PolicyPhase::HttpResponse)) {
        call->response.reset();
        call->errorCode.clear();
        call->errorMessage.clear();
        exchange.httpCall = std::move(call);
        outcome.kind = PolicyOutcome::Kind::Suspend;
        outcome.resume = resume;
        return outcome;
    }
    std::optional<PolicyResponse> halted;
    settle(exchange, *call, halted);
    if (halted) {
        outcome.kind = PolicyOutcome::Kind::Respond;
        outcome.response = std::move(*halted);
        return outcome;
    }
    return runResponsePhase(policy, exchange, resume);
}

} // namespace switchyard
