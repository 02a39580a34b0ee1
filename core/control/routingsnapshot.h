// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "model/account.h"
#include "model/endpoint.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace switchyard {

using EndpointPtr = std::shared_ptr<const Endpoint>;

// Endpoints of one account sharing URL and binding. More than one member
// only when every member has pooling enabled.
struct EndpointPool
{
    std::string accountId;
    EndpointUrl url;
    Binding binding = Binding::Public;
    std::vector<EndpointPtr> members;
};

// An immutable view of every account, endpoint and pool, published by the
// EndpointRegistry and read by any thread without locks (DESIGN.md "Routing
// snapshots"). In-flight work keeps the snapshot it started with.
class RoutingSnapshot
{
public:
    RoutingSnapshot(std::uint64_t generation, std::vector<Account> accounts, std::vector<EndpointPtr> endpoints);

    std::uint64_t generation() const { return m_generation; }
    const std::vector<Account> &accounts() const { return m_accounts; }
    // In creation order.
    const std::vector<EndpointPtr> &endpoints() const { return m_endpoints; }
    const std::vector<std::shared_ptr<const EndpointPool>> &pools() const { return m_pools; }

    const Account *account(std::string_view id) const;
    const Account *accountByName(std::string_view name) const;
    EndpointPtr endpoint(std::string_view id) const;
    // First endpoint with that name in the account (names are unique per account).
    EndpointPtr endpointByName(std::string_view accountId, std::string_view name) const;

    // The pool that serves traffic for a host. Internal endpoints are looked
    // up within accountId; public ones are machine-wide (accountId ignored).
    // An exact host beats a wildcard; a longer wildcard suffix beats a
    // shorter one; wildcards match subdomains at any depth but not the bare
    // suffix. `host` must be lower-case. Null when nothing matches.
    const EndpointPool *lookup(Binding binding, std::string_view accountId, Scheme scheme, std::string_view host,
                               int port) const;

    // The pool whose URL is exactly `url` (no wildcard matching).
    const EndpointPool *poolFor(Binding binding, std::string_view accountId, const EndpointUrl &url) const;

private:
    static std::string key(Binding binding, std::string_view accountId, Scheme scheme, std::string_view host, int port);

    std::uint64_t m_generation = 0;
    std::vector<Account> m_accounts;
    std::vector<EndpointPtr> m_endpoints;
    std::vector<std::shared_ptr<const EndpointPool>> m_pools;
    std::unordered_map<std::string, const EndpointPool *> m_exact;
    // Keyed by the suffix after "*.".
    std::unordered_map<std::string, const EndpointPool *> m_wildcard;
};

} // namespace switchyard
