// SPDX-License-Identifier: Apache-2.0
// PolicyRuntime: which policies need whole bodies, so the engine buffers
// only for those.
#include "data/engine/policyruntime.h"

#include "model/endpointurl.h"

namespace switchyard {

namespace {

bool hasAction(const CompiledPolicy &policy, PolicyPhase phase, std::string_view type)
{
    const CompiledPhase *rules = policy.phase(phase);
    if (!rules)
        return false;
    for (const CompiledRule &rule : rules->rules) {
        for (const CompiledAction &action : rule.actions) {
            if (action.type == type)
                return true;
        }
    }
    return false;
}

} // namespace

bool PolicyRuntime::needsRequestBody(const Endpoint &endpoint)
{
    return needsBody(endpoint, PolicyPhase::HttpRequest, 0);
}

bool PolicyRuntime::needsResponseBody(const Endpoint &endpoint)
{
    return needsBody(endpoint, PolicyPhase::HttpResponse, HopLimit);
}

bool PolicyRuntime::needsBody(const Endpoint &endpoint, PolicyPhase phase, int depth)
{
    std::shared_ptr<const CompiledPolicy> policy;
    if (!compiles(endpoint, policy) || !policy)
        return false;
    const bool request = phase == PolicyPhase::HttpRequest;
    // Expressions and interpolations read bodies through req.body/res.body;
    // a plain text search also finds them in templates, at the price of a
    // needless buffer when the text only appears in a comment.
    if (endpoint.trafficPolicy.find(request ? "req.body" : "res.body") != std::string::npos)
        return true;
    if (request
        && (hasAction(*policy, phase, "verify-webhook") || hasAction(*policy, phase, "request-body-find-replace")))
        return true;
    if (!request && hasAction(*policy, phase, "response-body-find-replace"))
        return true;
    if (!request || depth >= HopLimit)
        return false;
    // forward-internal hands the same request on: its targets' needs count.
    // Interpolated targets are known only per request and are not followed.
    const auto snapshot = m_registry.snapshot();
    if (!snapshot)
        return false;
    for (const ForwardTarget &target : policy->forwardTargets()) {
        if (target.interpolated || target.phase != PolicyPhase::HttpRequest)
            continue;
        const auto url = EndpointUrl::parse(target.url);
        if (!url)
            continue;
        const EndpointPool *pool
            = snapshot->lookup(Binding::Internal, endpoint.accountId, url->scheme(), url->host(), url->port());
        if (!pool)
            continue;
        for (const EndpointPtr &member : pool->members) {
            if (member && needsBody(*member, phase, depth + 1))
                return true;
        }
    }
    return false;
}

} // namespace switchyard
