// SPDX-License-Identifier: Apache-2.0
// PolicyRuntime: which policies need whole bodies, so the engine buffers
// only for those.
#include "data/engine/policyruntime.h"

#include "model/endpointurl.h"
#include "policy/compile/policybodyuse.h"

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

bool PolicyRuntime::readsBody(const Endpoint &endpoint, const CompiledPolicy &policy, PolicyPhase phase)
{
    const bool request = phase == PolicyPhase::HttpRequest;
    {
        std::shared_lock lock(m_mutex);
        const auto it = m_cache.find(endpoint.id);
        if (it != m_cache.end() && it->second.policy.get() == &policy)
            return request ? it->second.readsRequestBody : it->second.readsResponseBody;
    }
    // Pruned or recompiled meanwhile: work it out once more.
    return PolicyBodyUse::readsBody(policy, phase);
}

bool PolicyRuntime::needsBody(const Endpoint &endpoint, PolicyPhase phase, int depth)
{
    std::shared_ptr<const CompiledPolicy> policy;
    if (!compiles(endpoint, policy) || !policy)
        return false;
    const bool request = phase == PolicyPhase::HttpRequest;
    if (readsBody(endpoint, *policy, phase))
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
