// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "control/routingsnapshot.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace switchyard {

// A set of changes applied all-or-nothing by EndpointRegistry::apply().
struct RegistryChange
{
    std::vector<std::string> removeIds;
    std::vector<Endpoint> add;
};

// Accounts, endpoints and pools. One writer at a time mutates (serialised
// by an internal mutex); readers take snapshot() from any thread without
// locking and keep it as long as they need. Every successful change
// publishes a new immutable RoutingSnapshot; a failed change publishes
// nothing.
class EndpointRegistry
{
public:
    // Conflict error code, after the reference's ERR_NGROK_334.
    static constexpr const char *ConflictCode = "ERR_SWITCHYARD_334";

    EndpointRegistry();

    // Any thread.
    std::shared_ptr<const RoutingSnapshot> snapshot() const { return m_snapshot.load(std::memory_order_acquire); }

    // Writers (any thread; serialised).
    Result<Account> createAccount(const std::string &name);
    // Adds an account created elsewhere (the Store) with its id; a no-op when
    // an account with that id is already known.
    Result<void> ensureAccount(const Account &account);
    // Adds an endpoint: fills in id and timestamps when empty, checks the
    // account exists, the name is free in the account and the URL does not
    // conflict. Returns the stored endpoint.
    Result<EndpointPtr> add(Endpoint endpoint);
    // Replaces the endpoint with the same id (same checks as add).
    Result<EndpointPtr> update(Endpoint endpoint);
    Result<void> remove(const std::string &id);
    // Removes, then adds, atomically: on any failure nothing changes.
    Result<std::vector<EndpointPtr>> apply(RegistryChange change);

    // Would `candidate` conflict with the endpoints in `snapshot`? Returns
    // the error add() would give (names the existing endpoint). Pure.
    static Result<void> checkConflict(const RoutingSnapshot &snapshot, const Endpoint &candidate);
    // Account names: 1-64 of a-z, 0-9, '-', '_'. The error says which rule broke.
    static Result<void> checkAccountName(const std::string &name);

private:
    void publish(std::vector<Account> accounts, std::vector<EndpointPtr> endpoints);

    std::mutex m_writeMutex;
    std::atomic<std::shared_ptr<const RoutingSnapshot>> m_snapshot;
};

} // namespace switchyard
