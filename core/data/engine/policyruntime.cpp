// SPDX-License-Identifier: Apache-2.0
#include "data/engine/policyruntime.h"

#include "data/engine/engineerrors.h"
#include "data/http/httpserializer.h"
#include "policy/bodyrunners/bodyactionrunners.h"
#include "policy/bodyrunners/httprequestrunner.h"
#include "policy/bodyrunners/compressresponserunner.h"
#include "policy/compile/policybodyuse.h"
#include "policy/compile/policycompiler.h"
#include "policy/exec/actionrunnerregistry.h"
#include "policy/exec/builtinactions.h"
#include "policy/exec/policyexecutor.h"
#include "policy/exec/requesturl.h"

#include <array>
#include <atomic>
#include <mutex>
#include <optional>

namespace switchyard {

namespace {

// Spreads forward-internal requests over a pool's members per request (the
// reference balances pools per request for HTTP), whichever runtime or
// worker asks.
std::atomic<std::size_t> g_poolTurn{0};

PolicyExchange exchangeFor(const HttpRequestHead &request, const HttpConnectionInfo &connection)
{
    PolicyExchange exchange;
    exchange.connection.clientIp = connection.clientIp;
    exchange.connection.clientPort = connection.clientPort;
    exchange.connection.sni = connection.serverName;
    exchange.connection.tls = connection.tls;
    const std::size_t colon = connection.listenAddress.rfind(':');
    if (colon != std::string::npos) {
        exchange.connection.serverIp = connection.listenAddress.substr(0, colon);
        exchange.connection.serverPort = std::atoi(connection.listenAddress.c_str() + colon + 1);
    }
    exchange.request.method = request.method;
    exchange.request.url = (connection.proto.empty() ? std::string("http") : connection.proto) + "://"
                           + request.authority + (request.pathAndQuery.empty() ? "/" : request.pathAndQuery);
    exchange.request.version = request.version == HttpVersion::Http10 ? "HTTP/1.0" : "HTTP/1.1";
    exchange.request.headers = request.headers;
    return exchange;
}

void setEndpoint(PolicyExchange &exchange, const Endpoint &endpoint)
{
    exchange.endpointId = endpoint.id;
    exchange.endpointUrl = endpoint.url.toString();
}

// Puts what the policies changed (headers, URL) back into the head that is
// forwarded. The URL is parsed again only when an action changed it.
void applyRequest(PolicyRequest &&edited, const std::string &originalUrl, HttpRequestHead &request)
{
    request.headers = std::move(edited.headers);
    if (edited.url == originalUrl)
        return;
    const auto url = RequestUrl::parse(edited.url);
    if (!url)
        return;
    const std::string uri = url->uri();
    if (uri != request.pathAndQuery) {
        request.target = uri;
        request.pathAndQuery = uri;
        request.targetForm = HttpTargetForm::Origin;
    }
}

// `coding`: compress-response chose it for this whole body.
HttpPolicyDecision respondWith(PolicyResponse response, const std::string &coding = {})
{
    if (!coding.empty() && !CompressResponseRunner::encodeWhole(coding, response.body))
        response.headers.remove("content-encoding");
    HttpPolicyDecision decision;
    decision.kind = HttpPolicyDecision::Kind::Respond;
    decision.status = response.statusCode;
    decision.headers = std::move(response.headers);
    decision.body = std::move(response.body);
    return decision;
}

// Hands what the inspector shows (fired rules, log entries) on.
HttpPolicyDecision recorded(HttpPolicyDecision decision, PolicyExchange &exchange)
{
    decision.fired = std::move(exchange.fired);
    decision.logs = std::move(exchange.logs);
    return decision;
}

// forward-internal targets as endpoint URLs (nullopt: not an internal URL).
// A policy names the same few targets on every request, so each worker
// keeps the last ones it parsed instead of parsing per request.
const std::optional<EndpointUrl> &internalTarget(const std::string &target)
{
    struct Entry
    {
        std::string target;
        std::optional<EndpointUrl> url;
    };
    thread_local std::array<Entry, 8> cache;
    thread_local std::size_t next = 0;
    for (const Entry &entry : cache) {
        if (!entry.target.empty() && entry.target == target)
            return entry.url;
    }
    Entry &entry = cache[next++ % cache.size()];
    entry.target = target;
    entry.url.reset();
    const auto request = RequestUrl::parse(target);
    if (request && request->host.ends_with(EndpointUrl::InternalSuffix)) {
        if (auto parsed = EndpointUrl::parse(target))
            entry.url = std::move(*parsed);
    }
    return entry.url;
}

// Runner actions (circuit-breaker) may learn from the upstream's answers;
// builtin actions never do.
bool watchesResponses(const CompiledPolicy &policy)
{
    for (const PolicyPhase phase : {PolicyPhase::HttpRequest, PolicyPhase::HttpResponse}) {
        const CompiledPhase *rules = policy.phase(phase);
        if (!rules)
            continue;
        for (const CompiledRule &rule : rules->rules) {
            for (const CompiledAction &action : rule.actions) {
                if (action.kind == ActionKind::External)
                    return true;
            }
        }
    }
    return false;
}

} // namespace

PolicyRuntime::PolicyRuntime(const EndpointRegistry &registry, const ActionRunnerRegistry *runners)
    : m_registry(registry), m_ownRunners(runners ? *runners : ActionRunnerRegistry{}), m_runners(&m_ownRunners)
{
    registerBodyActions(m_ownRunners);
    m_ownRunners.add("http-request", std::make_shared<HttpRequestRunner>());
}

std::shared_ptr<const CompiledPolicy> PolicyRuntime::policyFor(const Endpoint &endpoint)
{
    std::shared_ptr<const CompiledPolicy> policy;
    compiles(endpoint, policy);
    return policy;
}

bool PolicyRuntime::compiles(const Endpoint &endpoint, std::shared_ptr<const CompiledPolicy> &policy)
{
    policy.reset();
    if (endpoint.trafficPolicy.empty())
        return true;
    {
        std::shared_lock lock(m_mutex);
        const auto it = m_cache.find(endpoint.id);
        if (it != m_cache.end() && it->second.text == endpoint.trafficPolicy) {
            policy = it->second.policy;
            return policy != nullptr;
        }
    }
    // Compiled outside the lock: two workers may compile the same text at
    // once, which is harmless and keeps readers unblocked.
    const PolicyCompiler compiler({PolicyEndpointContext::forEndpoint(endpoint), nullptr});
    policy = compiler.compile(endpoint.trafficPolicy).policy;
    CacheEntry entry{endpoint.trafficPolicy, policy};
    if (policy) {
        entry.readsRequestBody = PolicyBodyUse::readsBody(*policy, PolicyPhase::HttpRequest);
        entry.readsResponseBody = PolicyBodyUse::readsBody(*policy, PolicyPhase::HttpResponse);
    }
    std::unique_lock lock(m_mutex);
    m_cache[endpoint.id] = std::move(entry);
    if (const auto snapshot = m_registry.snapshot(); snapshot && snapshot->generation() != m_prunedGeneration)
        pruneLocked(*snapshot);
    return policy != nullptr;
}

void PolicyRuntime::pruneLocked(const RoutingSnapshot &snapshot)
{
    m_prunedGeneration = snapshot.generation();
    std::erase_if(m_cache, [&](const auto &entry) { return !snapshot.endpoint(entry.first); });
}

HttpPolicyDecision PolicyRuntime::onHttpRequest(const Endpoint &endpoint, HttpRequestHead &request,
                                                const HttpConnectionInfo &connection)
{
    std::string noBody;
    return onHttpRequestWithBody(endpoint, request, noBody, connection);
}

HttpPolicyDecision PolicyRuntime::onHttpRequestWithBody(const Endpoint &endpoint, HttpRequestHead &request,
                                                        std::string &body, const HttpConnectionInfo &connection)
{
    auto run = std::make_shared<RequestRun>();
    run->snapshot = m_registry.snapshot();
    run->exchange = exchangeFor(request, connection);
    run->originalUrl = run->exchange.request.url;
    run->exchange.request.body = std::move(body);
    // The routed endpoint is shared by the snapshot; keep our own pointer to
    // it so the chain owns every member.
    run->chain.push_back(run->snapshot ? run->snapshot->endpoint(endpoint.id) : nullptr);
    if (!run->chain.front())
        run->chain.front() = std::make_shared<const Endpoint>(endpoint);
    return runRequest(run, request, body);
}

HttpPolicyDecision PolicyRuntime::runRequest(const std::shared_ptr<RequestRun> &run, HttpRequestHead &request,
                                             std::string &body, std::optional<PolicyResponse> response)
{
    const PolicyExecutor executor(m_runners);
    PolicyExchange &exchange = run->exchange;
    std::vector<EndpointPtr> &chain = run->chain;
    PolicyResumePoint &resume = run->resume;
    const auto &snapshot = run->snapshot;

    while (!response) {
        const Endpoint &current = *chain.back();
        std::shared_ptr<const CompiledPolicy> policy;
        if (!compiles(current, policy)) {
            return recorded(respondWith(BuiltinActions::errorResponse(
                                503, "The traffic policy of " + current.url.toString() + " does not compile.",
                                std::string(EngineErrors::PolicyNotExecutable))),
                            exchange);
        }
        PolicyOutcome outcome;
        if (policy) {
            setEndpoint(exchange, current);
            outcome = executor.run(*policy, PolicyPhase::HttpRequest, exchange, nullptr, resume);
        }
        resume = {};
        switch (outcome.kind) {
        case PolicyOutcome::Kind::CloseConnection: {
            HttpPolicyDecision close;
            close.kind = HttpPolicyDecision::Kind::Close;
            return recorded(std::move(close), exchange);
        }
        case PolicyOutcome::Kind::Respond: response = std::move(outcome.response); continue;
        case PolicyOutcome::Kind::Suspend:
            resume = outcome.resume;
            run->policy = policy;
            if (auto decision = suspendOn(run, request, body, response))
                return std::move(*decision);
            continue;
        case PolicyOutcome::Kind::Continue:
            if (current.type == EndpointType::Cloud || !current.upstream) {
                response = BuiltinActions::errorResponse(
                    502, "the cloud endpoint " + current.url.toString() + " ended its policy without answering",
                    "ERR_SWITCHYARD_2235");
                continue;
            }
            {
                body = std::move(exchange.request.body);
                applyRequest(std::move(exchange.request), run->originalUrl, request);
                HttpPolicyDecision forward;
                // Without a forward the session's own endpoint stays: this
                // snapshot may be newer than the one it routed with.
                if (chain.size() > 1) {
                    forward.upstreamEndpoint = chain.back();
                    forward.responseChain.assign(chain.rbegin(), chain.rend());
                }
                return recorded(std::move(forward), exchange);
            }
        case PolicyOutcome::Kind::ForwardInternal: break;
        }
        if (++run->hops > HopLimit) {
            response = BuiltinActions::errorResponse(
                508, "forward-internal may only forward through " + std::to_string(HopLimit) + " endpoints",
                "ERR_SWITCHYARD_3501");
            continue;
        }
        const EndpointPool *pool = nullptr;
        if (const auto &url = internalTarget(outcome.target); url && snapshot)
            pool = snapshot->lookup(Binding::Internal, current.accountId, url->scheme(), url->host(), url->port());
        if (pool && !pool->members.empty()) {
            chain.push_back(pool->members[g_poolTurn.fetch_add(1, std::memory_order_relaxed) % pool->members.size()]);
            continue;
        }
        if (outcome.continueOnError) {
            resume = outcome.resume;
            continue;
        }
        response = BuiltinActions::errorResponse(404, "the endpoint " + outcome.target + " is offline",
                                                 "ERR_SWITCHYARD_3200");
    }

    // A policy's own answer still runs on_http_response, on the responder
    // first and then outwards.
    exchange.response = std::move(*response);
    run->responding = chain.size();
    return answer(run);
}

HttpPolicyDecision PolicyRuntime::answer(const std::shared_ptr<RequestRun> &run)
{
    PolicyExchange &exchange = run->exchange;
    const std::vector<EndpointPtr> &chain = run->chain;
    for (; run->responding > 0; --run->responding) {
        const Endpoint &current = *chain[run->responding - 1];
        PolicyOutcome outcome;
        if (run->call) {
            // Resumed: the policy the phase was suspended in, whatever the
            // registry holds now.
            setEndpoint(exchange, current);
            outcome = resumeResponsePhase(*run->policy, exchange, run->resume, std::move(run->call));
            run->call.reset();
        } else {
            std::shared_ptr<const CompiledPolicy> policy;
            if (!compiles(current, policy) || !policy || !policy->phase(PolicyPhase::HttpResponse))
                continue;
            setEndpoint(exchange, current);
            outcome = runResponsePhase(*policy, exchange);
            run->policy = std::move(policy);
        }
        if (outcome.kind == PolicyOutcome::Kind::Suspend) {
            run->resume = outcome.resume;
            awaitCall(*run, exchange, current.accountId);
            HttpPolicyDecision decision;
            decision.kind = HttpPolicyDecision::Kind::Call;
            decision.call = run;
            return decision;
        }
        if (outcome.kind == PolicyOutcome::Kind::Respond) {
            exchange.response = std::move(outcome.response);
            exchange.responseCoding.clear();
        }
    }
    HttpPolicyDecision decision = respondWith(std::move(*exchange.response), exchange.responseCoding);
    if (chain.size() > 1)
        decision.responseChain.assign(chain.rbegin(), chain.rend());
    return recorded(std::move(decision), exchange);
}

void PolicyRuntime::onHttpResponse(const Endpoint &endpoint, const HttpRequestHead &request,
                                   HttpResponseHead &response, const HttpConnectionInfo &connection)
{
    std::optional<std::string> streamed;
    refuseCalls(onHttpResponseWithBody(endpoint, request, response, streamed, connection), response, streamed,
                connection, "http-request is not made in a synchronous onHttpResponse");
}

void PolicyRuntime::onUpstreamFailure(const Endpoint &endpoint, const HttpRequestHead &request, int status,
                                      const HttpConnectionInfo &connection)
{
    std::shared_ptr<const CompiledPolicy> policy;
    if (!compiles(endpoint, policy) || !policy || !watchesResponses(*policy))
        return;
    PolicyExchange exchange = exchangeFor(request, connection);
    exchange.response = PolicyResponse{status, {}, {}};
    setEndpoint(exchange, endpoint);
    m_runners->observeResponse(exchange);
}

HttpPolicyHook::ResponseEdit PolicyRuntime::onHttpResponseWithBody(const Endpoint &endpoint,
                                                                   const HttpRequestHead &request,
                                                                   HttpResponseHead &response,
                                                                   std::optional<std::string> &body,
                                                                   const HttpConnectionInfo &connection)
{
    ResponseEdit edit;
    std::shared_ptr<const CompiledPolicy> policy;
    if (!compiles(endpoint, policy) || !policy)
        return edit;
    const bool hasResponsePhase = policy->phase(PolicyPhase::HttpResponse) != nullptr;
    const bool observed = watchesResponses(*policy);
    // Most policies have neither on_http_response rules nor actions that
    // watch responses: then there is nothing to build an exchange for.
    if (!hasResponsePhase && !observed)
        return edit;
    PolicyExchange exchange = exchangeFor(request, connection);
    exchange.response = PolicyResponse{response.status, response.headers, body ? std::move(*body) : std::string()};
    exchange.responseBodyWhole = body.has_value();
    setEndpoint(exchange, endpoint);
    // Runtime actions: outcome feedback (circuit-breaker) sees the status
    // the upstream sent, before this policy edits it.
    if (observed)
        m_runners->observeResponse(exchange);
    if (!hasResponsePhase)
        return edit;
    PolicyOutcome outcome = runResponsePhase(*policy, exchange);
    if (outcome.kind == PolicyOutcome::Kind::Suspend) {
        auto run = std::make_shared<ResponseRun>();
        run->exchange = std::move(exchange);
        run->policy = std::move(policy);
        run->resume = outcome.resume;
        awaitCall(*run, run->exchange, endpoint.accountId);
        edit.call = std::move(run);
        return edit;
    }
    return finishResponse(outcome, exchange, response, body);
}

HttpPolicyHook::ResponseEdit PolicyRuntime::resumeResponseAfterCall(const std::shared_ptr<HttpPolicyCall> &call,
                                                                    HttpResponseHead &response,
                                                                    std::optional<std::string> &body,
                                                                    const HttpConnectionInfo &connection)
{
    (void)connection;
    ResponseEdit edit;
    auto run = std::dynamic_pointer_cast<ResponseRun>(call);
    if (!run || !run->call)
        return edit;
    PolicyOutcome outcome = resumeResponsePhase(*run->policy, run->exchange, run->resume, std::move(run->call));
    run->call.reset();
    if (outcome.kind == PolicyOutcome::Kind::Suspend) {
        run->resume = outcome.resume;
        awaitCall(*run, run->exchange, run->accountId);
        edit.call = run;
        return edit;
    }
    return finishResponse(outcome, run->exchange, response, body);
}

HttpPolicyHook::ResponseEdit PolicyRuntime::finishResponse(PolicyOutcome &outcome, PolicyExchange &exchange,
                                                           HttpResponseHead &response,
                                                           std::optional<std::string> &body)
{
    ResponseEdit edit;
    const bool replaced = outcome.kind == PolicyOutcome::Kind::Respond;
    PolicyResponse &edited = replaced ? outcome.response : *exchange.response;
    if (edited.statusCode != response.status) {
        response.status = edited.statusCode;
        response.reason = HttpSerializer::reasonPhrase(edited.statusCode);
    }
    response.headers = std::move(edited.headers);
    // A custom-response replaces the upstream's response, body included;
    // otherwise a buffered body comes back as the actions left it.
    if (replaced || exchange.responseBodyWhole)
        body = std::move(edited.body);
    if (!replaced)
        edit.contentCoding = std::move(exchange.responseCoding);
    edit.fired = std::move(exchange.fired);
    edit.logs = std::move(exchange.logs);
    return edit;
}

} // namespace switchyard
