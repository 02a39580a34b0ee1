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
    // and answers Kind::Call; this settles the call (retry, halt or record
    // actions.ngrok.http_request) and runs the phase on.
    HttpPolicyDecision resumeAfterCall(const std::shared_ptr<HttpPolicyCall> &call, HttpRequestHead &request,
                                       std::string &body, const HttpConnectionInfo &connection) override;

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
    };

    HttpPolicyDecision runRequest(const std::shared_ptr<RequestRun> &run, HttpRequestHead &request,
                                  std::string &body, std::optional<PolicyResponse> response = std::nullopt);
    // A Suspend outcome: the Call decision, or nullopt when the call is
    // settled already (it failed before leaving; `response` set on halt).
    std::optional<HttpPolicyDecision> suspendOn(const std::shared_ptr<RequestRun> &run, HttpRequestHead &request,
                                                std::string &body, std::optional<PolicyResponse> &response);
    // on_http_response of `policy`; an http-request there is not made (it
    // fails with ERR_SWITCHYARD_3606 and the phase goes on per on_error).
    PolicyOutcome runResponsePhase(const CompiledPolicy &policy, PolicyExchange &exchange);
    bool compiles(const Endpoint &endpoint, std::shared_ptr<const CompiledPolicy> &policy);
    void pruneLocked(const RoutingSnapshot &snapshot);
    // Runs on_http_response of chain[last..0] over `response`.
    void respondThrough(const std::vector<EndpointPtr> &chain, std::size_t last, PolicyExchange &exchange);
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
