// SPDX-License-Identifier: Apache-2.0
#include "control/routingsnapshot.h"

namespace switchyard {

RoutingSnapshot::RoutingSnapshot(std::uint64_t generation, std::vector<Account> accounts,
                                 std::vector<EndpointPtr> endpoints)
    : m_generation(generation), m_accounts(std::move(accounts)), m_endpoints(std::move(endpoints))
{
    std::unordered_map<std::string, std::shared_ptr<EndpointPool>> byKey;
    std::vector<std::shared_ptr<EndpointPool>> ordered;
    for (const EndpointPtr &ep : m_endpoints) {
        const std::string k = key(ep->binding, ep->accountId, ep->url.scheme(), ep->url.host(), ep->url.port());
        auto &pool = byKey[k];
        if (!pool) {
            pool = std::make_shared<EndpointPool>();
            pool->accountId = ep->accountId;
            pool->url = ep->url;
            pool->binding = ep->binding;
            ordered.push_back(pool);
        }
        pool->members.push_back(ep);
    }
    for (const auto &pool : ordered) {
        m_pools.push_back(pool);
        const EndpointUrl &u = pool->url;
        if (u.isWildcard())
            m_wildcard.emplace(key(pool->binding, pool->accountId, u.scheme(), u.wildcardSuffix(), u.port()), pool.get());
        else
            m_exact.emplace(key(pool->binding, pool->accountId, u.scheme(), u.host(), u.port()), pool.get());
    }
}

std::string RoutingSnapshot::key(Binding binding, std::string_view accountId, Scheme scheme, std::string_view host,
                                 int port)
{
    // Public URLs share this machine's listeners, so they are not namespaced.
    std::string k = binding == Binding::Internal ? std::string(accountId) : std::string("*public*");
    k += '\n';
    k += toString(scheme);
    k += '\n';
    k += host;
    k += '\n';
    k += std::to_string(port);
    return k;
}

const Account *RoutingSnapshot::account(std::string_view id) const
{
    for (const Account &a : m_accounts)
        if (a.id == id)
            return &a;
    return nullptr;
}

const Account *RoutingSnapshot::accountByName(std::string_view name) const
{
    for (const Account &a : m_accounts)
        if (a.name == name)
            return &a;
    return nullptr;
}

EndpointPtr RoutingSnapshot::endpoint(std::string_view id) const
{
    for (const EndpointPtr &ep : m_endpoints)
        if (ep->id == id)
            return ep;
    return nullptr;
}

EndpointPtr RoutingSnapshot::endpointByName(std::string_view accountId, std::string_view name) const
{
    for (const EndpointPtr &ep : m_endpoints)
        if (ep->accountId == accountId && ep->name == name)
            return ep;
    return nullptr;
}

const EndpointPool *RoutingSnapshot::lookup(Binding binding, std::string_view accountId, Scheme scheme,
                                            std::string_view host, int port) const
{
    if (auto it = m_exact.find(key(binding, accountId, scheme, host, port)); it != m_exact.end())
        return it->second;
    // Walk the suffixes from longest to shortest: "a.b.foo.internal" tries
    // "*.b.foo.internal", then "*.foo.internal", then "*.internal".
    for (std::size_t dot = host.find('.'); dot != std::string_view::npos; dot = host.find('.', dot + 1)) {
        const std::string_view suffix = host.substr(dot + 1);
        if (auto it = m_wildcard.find(key(binding, accountId, scheme, suffix, port)); it != m_wildcard.end())
            return it->second;
    }
    return nullptr;
}

const EndpointPool *RoutingSnapshot::poolFor(Binding binding, std::string_view accountId, const EndpointUrl &url) const
{
    const auto &index = url.isWildcard() ? m_wildcard : m_exact;
    const std::string_view host = url.isWildcard() ? url.wildcardSuffix() : std::string_view(url.host());
    if (auto it = index.find(key(binding, accountId, url.scheme(), host, url.port())); it != index.end())
        return it->second;
    return nullptr;
}

} // namespace switchyard
