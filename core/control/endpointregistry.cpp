// SPDX-License-Identifier: Apache-2.0
#include "control/endpointregistry.h"

#include "model/idgenerator.h"

#include <algorithm>

namespace switchyard {

namespace {

std::string describe(const Endpoint &ep)
{
    std::string s = ep.id;
    if (!ep.name.empty())
        s += " ('" + ep.name + "')";
    return s;
}

// Public https and tls endpoints share the SNI-routed listener, so the same
// host:port may not serve both.
bool sameRouteClass(const EndpointUrl &a, const EndpointUrl &b, Binding binding)
{
    if (a.scheme() == b.scheme())
        return true;
    auto sni = [](Scheme s) { return s == Scheme::Https || s == Scheme::Tls; };
    return binding == Binding::Public && sni(a.scheme()) && sni(b.scheme());
}

} // namespace

EndpointRegistry::EndpointRegistry()
{
    Account local{Account::DefaultId, Account::DefaultName, std::chrono::system_clock::now()};
    m_snapshot.store(std::make_shared<const RoutingSnapshot>(1, std::vector<Account>{local}, std::vector<EndpointPtr>{}));
}

Result<void> EndpointRegistry::checkAccountName(const std::string &name)
{
    if (name.empty() || name.size() > 64)
        return makeError("account name must be 1-64 characters long");
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok)
            return makeError("account name '" + name + "' may use only lower-case letters, digits, '-' and '_'");
    }
    return {};
}

Result<Account> EndpointRegistry::createAccount(const std::string &name)
{
    if (auto ok = checkAccountName(name); !ok)
        return ok.error();
    std::lock_guard lock(m_writeMutex);
    auto current = snapshot();
    if (current->accountByName(name))
        return makeError("account '" + name + "' already exists");
    Account account{IdGenerator::accountId(), name, std::chrono::system_clock::now()};
    auto accounts = current->accounts();
    accounts.push_back(account);
    publish(std::move(accounts), current->endpoints());
    return account;
}

Result<void> EndpointRegistry::ensureAccount(const Account &account)
{
    if (account.id.empty())
        return makeError("cannot add an account without an id");
    std::lock_guard lock(m_writeMutex);
    auto current = snapshot();
    if (current->account(account.id))
        return {};
    if (current->accountByName(account.name))
        return makeError("account '" + account.name + "' already exists with another id");
    auto accounts = current->accounts();
    accounts.push_back(account);
    publish(std::move(accounts), current->endpoints());
    return {};
}

Result<void> EndpointRegistry::checkConflict(const RoutingSnapshot &snapshot, const Endpoint &candidate)
{
    for (const EndpointPtr &existing : snapshot.endpoints()) {
        if (existing->id == candidate.id)
            continue;
        if (existing->binding != candidate.binding)
            continue;
        if (candidate.binding == Binding::Internal && existing->accountId != candidate.accountId)
            continue; // internal URLs are namespaced per account
        const EndpointUrl &a = existing->url;
        const EndpointUrl &b = candidate.url;
        if (a.host() != b.host() || a.port() != b.port() || !sameRouteClass(a, b, candidate.binding))
            continue;
        // A public tcp URL without a port gets a free port of its own.
        if (b.scheme() == Scheme::Tcp && b.port() == 0)
            continue;
        if (a.scheme() != b.scheme())
            return makeError("the endpoint " + b.toString() + " cannot start: " + describe(*existing) + " serves "
                                 + a.toString() + " on the same host and port",
                             ConflictCode);
        if (!existing->poolingEnabled || !candidate.poolingEnabled)
            return makeError("the endpoint " + b.toString() + " is already online as " + describe(*existing)
                                 + ". Either 1) stop the existing endpoint first, or 2) start both endpoints with "
                                   "--pooling-enabled (pooling_enabled: true) to load balance between them",
                             ConflictCode);
    }
    return {};
}

Result<std::vector<EndpointPtr>> EndpointRegistry::apply(RegistryChange change)
{
    std::lock_guard lock(m_writeMutex);
    auto current = snapshot();
    std::vector<EndpointPtr> endpoints = current->endpoints();

    for (const std::string &id : change.removeIds) {
        auto it = std::find_if(endpoints.begin(), endpoints.end(), [&](const EndpointPtr &e) { return e->id == id; });
        if (it == endpoints.end())
            return makeError("no endpoint with id '" + id + "'");
        endpoints.erase(it);
    }

    std::vector<EndpointPtr> added;
    const auto now = std::chrono::system_clock::now();
    for (Endpoint &ep : change.add) {
        if (!current->account(ep.accountId))
            return makeError("no account with id '" + ep.accountId + "'");
        if (ep.id.empty())
            ep.id = IdGenerator::endpointId();
        if (ep.createdAt == std::chrono::system_clock::time_point{})
            ep.createdAt = now;
        if (ep.updatedAt == std::chrono::system_clock::time_point{})
            ep.updatedAt = ep.createdAt;
        if (auto binding = EndpointUrl::resolveBinding(ep.url, ep.binding); !binding)
            return binding.error();
        if (ep.type == EndpointType::Agent && !ep.upstream)
            return makeError("agent endpoint " + ep.url.toString() + " needs an upstream");
        if (ep.type == EndpointType::Cloud && ep.upstream)
            return makeError("cloud endpoint " + ep.url.toString() + " cannot have an upstream; it is pure traffic policy");

        for (const EndpointPtr &e : endpoints) {
            if (e->id == ep.id)
                return makeError("an endpoint with id '" + ep.id + "' already exists");
            if (!ep.name.empty() && e->accountId == ep.accountId && e->name == ep.name)
                return makeError("an endpoint named '" + ep.name + "' already exists (" + e->id + ")");
        }
        // Check against everything including endpoints added earlier in this change.
        RoutingSnapshot scratch(0, {}, endpoints);
        if (auto ok = checkConflict(scratch, ep); !ok)
            return ok.error();
        auto stored = std::make_shared<const Endpoint>(std::move(ep));
        endpoints.push_back(stored);
        added.push_back(stored);
    }

    publish(current->accounts(), std::move(endpoints));
    return added;
}

Result<EndpointPtr> EndpointRegistry::add(Endpoint endpoint)
{
    RegistryChange change;
    change.add.push_back(std::move(endpoint));
    auto result = apply(std::move(change));
    if (!result)
        return result.error();
    return result->front();
}

Result<EndpointPtr> EndpointRegistry::update(Endpoint endpoint)
{
    auto existing = snapshot()->endpoint(endpoint.id);
    if (!existing)
        return makeError("no endpoint with id '" + endpoint.id + "'");
    endpoint.createdAt = existing->createdAt;
    endpoint.updatedAt = std::chrono::system_clock::now();
    RegistryChange change;
    change.removeIds.push_back(endpoint.id);
    change.add.push_back(std::move(endpoint));
    // The existing endpoint could vanish between the read above and apply();
    // apply() then fails cleanly on the remove.
    auto result = apply(std::move(change));
    if (!result)
        return result.error();
    return result->front();
}

Result<void> EndpointRegistry::remove(const std::string &id)
{
    RegistryChange change;
    change.removeIds.push_back(id);
    auto result = apply(std::move(change));
    if (!result)
        return result.error();
    return {};
}

void EndpointRegistry::publish(std::vector<Account> accounts, std::vector<EndpointPtr> endpoints)
{
    const auto generation = snapshot()->generation() + 1;
    m_snapshot.store(std::make_shared<const RoutingSnapshot>(generation, std::move(accounts), std::move(endpoints)),
                     std::memory_order_release);
}

} // namespace switchyard
