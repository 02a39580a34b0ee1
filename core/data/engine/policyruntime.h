// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "control/endpointregistry.h"
#include "data/engine/httppolicyhook.h"
#include "policy/compile/compiledpolicy.h"
#include "policy/exec/actionrunnerregistry.h"
#include "policy/exec/policyexecutor.h"
#include "policy/exec/policyexchange.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

namespace switchyard {

// The engine's HttpPolicyHook over PolicyCompiler + PolicyExecutor.
// Policies are compiled on first use and cached per (endpoint id, policy
// text), so a registry change recompiles only the endpoints whose policy
// changed. forward-internal is followed in process: the target is looked
// up among the internal endpoints of the forwarding endpoint's account in
// the registry's current snapshot and its policy runs in turn, up to
// HopLimit forwards (then 508 ERR_SWITCHYARD_3501; a missing target is
// 404 ERR_SWITCHYARD_3200, as PolicySimulator documents). A policy that
// does not compile fails closed: 503 ERR_SWITCHYARD_2301. Body actions
// (verify-webhook, *-body-find-replace, compress-response) are always
// registered: the runtime runs with a copy of `runners` plus those
// (policyruntimebody.cpp). Thread-safe.
class PolicyRuntime : public HttpPolicyHook
{
public:
    static constexpr int HopLimit = 10;

    // `registry` must outlive the runtime; `runners` (may be null) is
    // copied at construction, so fill it first. Actions without a runner
    // are skipped.
    explicit PolicyRuntime(const EndpointRegistry &registry, const ActionRunnerRegistry *runners = nullptr);

    HttpPolicyDecision onHttpRequest(const Endpoint &endpoint, HttpRequestHead &request,
                                     const HttpConnectionInfo &connection) override;
    // Synchronous: an http-request there fails with ERR_SWITCHYARD_3606 (the
    // engine uses onHttpResponseWithBody, which suspends on it).
    void onHttpResponse(const Endpoint &endpoint, const HttpRequestHead &request, HttpResponseHead &response,
                        const HttpConnectionInfo &connection) override;
    // Runner actions that watch outcomes (circuit-breaker) see the engine's
    // own 502/504 as the response status.
    void onUpstreamFailure(const Endpoint &endpoint, const HttpRequestHead &request, int status,
                           const HttpConnectionInfo &connection) override;

    // Body support (policyruntimebody.cpp). A policy needs the request
    // body when its on_http_request has verify-webhook or
    // request-body-find-replace or reads req.body in CEL, or when a literal
    // forward-internal target's does; the response body when its
    // on_http_response has response-body-find-replace or reads res.body.
    bool needsRequestBody(const Endpoint &endpoint) override;
    HttpPolicyDecision onHttpRequestWithBody(const Endpoint &endpoint, HttpRequestHead &request, std::string &body,
                                             const HttpConnectionInfo &connection) override;
    bool needsResponseBody(const Endpoint &endpoint) override;
    ResponseEdit onHttpResponseWithBody(const Endpoint &endpoint, const HttpRequestHead &request,
                                        HttpResponseHead &response, std::optional<std::string> &body,
                                        const HttpConnectionInfo &connection) override;

    // http-request (policyruntimecall.cpp): on_http_request suspends on it
    // and answers Kind::Call, on_http_response answers ResponseEdit::call
    // (also within a policy's own answer, which then is a Kind::Call); these
    // settle the call (retry, halt or record actions.ngrok.http_request)
    // and run the phase on. A halt in on_http_response replaces the
    // response with the error answer, as a custom-response there would.
    HttpPolicyDecision resumeAfterCall(const std::shared_ptr<HttpPolicyCall> &call, HttpRequestHead &request,
                                       std::string &body, const HttpConnectionInfo &connection) override;
    ResponseEdit resumeResponseAfterCall(const std::shared_ptr<HttpPolicyCall> &call, HttpResponseHead &response,
                                         std::optional<std::string> &body,
                                         const HttpConnectionInfo &connection) override;

    // The compiled policy of `endpoint`, null when it has none or it does
    // not compile.
    std::shared_ptr<const CompiledPolicy> policyFor(const Endpoint &endpoint);

private:
    struct CacheEntry
    {
        std::string text;
        std::shared_ptr<const CompiledPolicy> policy;
        // PolicyBodyUse::readsBody of on_http_request / on_http_response,
        // worked out once per compile.
        bool readsRequestBody = false;
        bool readsResponseBody = false;
    };

    // One on_http_request run through the forwarding chain, kept while it
    // waits for an http-request.
    struct RequestRun final : HttpPolicyCall
    {
        std::shared_ptr<const RoutingSnapshot> snapshot;
        PolicyExchange exchange;
        std::string originalUrl;
        std::vector<EndpointPtr> chain;
        PolicyResumePoint resume;
        int hops = 0;
        std::shared_ptr<const CompiledPolicy> policy; // keeps the call's retry_condition alive
        // A policy's own answer going out through on_http_response:
        // chain[responding - 1] is the next (or the suspended) endpoint.
        std::size_t responding = 0;
    };

    // One on_http_response (of an upstream's answer) waiting for an
    // http-request.
    struct ResponseRun final : HttpPolicyCall
    {
        PolicyExchange exchange;
        std::shared_ptr<const CompiledPolicy> policy;
        PolicyResumePoint resume;
    };

    HttpPolicyDecision runRequest(const std::shared_ptr<RequestRun> &run, HttpRequestHead &request,
                                  std::string &body, std::optional<PolicyResponse> response = std::nullopt);
    // A Suspend outcome: the Call decision, or nullopt when the call is
    // settled already (it failed before leaving; `response` set on halt).
    std::optional<HttpPolicyDecision> suspendOn(const std::shared_ptr<RequestRun> &run, HttpRequestHead &request,
                                                std::string &body, std::optional<PolicyResponse> &response);
    // on_http_response of `policy` from `resume`. A Suspend outcome leaves
    // the call to make in exchange.httpCall; a call that failed before
    // leaving is settled here (halt: Respond with its error answer).
    PolicyOutcome runResponsePhase(const CompiledPolicy &policy, PolicyExchange &exchange,
                                   const PolicyResumePoint &resume = {});
    // After the call `call` of an on_http_response suspended at `resume`:
    // Suspend again to retry, else settle it and run the phase on.
    PolicyOutcome resumeResponsePhase(const CompiledPolicy &policy, PolicyExchange &exchange,
                                      const PolicyResumePoint &resume, std::shared_ptr<PolicyHttpCall> call);
    // Moves the call a phase suspended on (exchange.httpCall) into `run`;
    // its deadline starts with the first attempt.
    static void awaitCall(HttpPolicyCall &run, PolicyExchange &exchange, const std::string &accountId);
    // A policy's own answer through on_http_response of
    // chain[run->responding - 1..0]; Kind::Call while one waits for a call.
    HttpPolicyDecision answer(const std::shared_ptr<RequestRun> &run);
    // Puts what on_http_response made of the exchange into the session's
    // `response` and `body`.
    ResponseEdit finishResponse(PolicyOutcome &outcome, PolicyExchange &exchange, HttpResponseHead &response,
                                std::optional<std::string> &body);
    bool compiles(const Endpoint &endpoint, std::shared_ptr<const CompiledPolicy> &policy);
    void pruneLocked(const RoutingSnapshot &snapshot);
    bool needsBody(const Endpoint &endpoint, PolicyPhase phase, int depth);
    bool readsBody(const Endpoint &endpoint, const CompiledPolicy &policy, PolicyPhase phase);

    const EndpointRegistry &m_registry;
    ActionRunnerRegistry m_ownRunners; // the caller's runners plus the body actions
    const ActionRunnerRegistry *m_runners;
    std::shared_mutex m_mutex;
    std::unordered_map<std::string, CacheEntry> m_cache; // by endpoint id
    std::uint64_t m_prunedGeneration = 0;
};

} // namespace switchyard
