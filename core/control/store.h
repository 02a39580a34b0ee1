// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "control/sqlitedatabase.h"
#include "model/account.h"
#include "model/endpoint.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchyard {

// The durable state of the core: accounts, API keys (hashed), cloud endpoints
// and their traffic policy history, in SQLite at DATA_DIR/switchyard.db.
//
// Guarantees: every write is one transaction (a failed write leaves nothing
// half-applied); a committed write survives the process being killed at any
// moment, and with synchronous=FULL also a power loss. The schema is
// versioned (StoreMigrations) and upgraded on open.
//
// Timestamps are stored as INTEGER milliseconds since the Unix epoch (UTC):
// a time_point round-trips exactly at millisecond precision; anything finer
// is floored on write.
//
// Thread affinity: core thread only. A Store owns one connection and is not
// thread-safe; create, use and destroy it on one thread. Several processes
// may open the same store (SQLite's WAL locking serialises writers; a busy
// writer is waited for up to a few seconds).
class Store
{
public:
    static constexpr const char *FileName = "switchyard.db";
    // "sy_" followed by 40 characters of the RFC 4648 base32 alphabet (200
    // random bits).
    static constexpr std::string_view ApiKeyPrefix = "sy_";
    static constexpr std::size_t ApiKeyLength = 43;
    // How much of a key is kept in clear for display ("sy_ABCDEFGH").
    static constexpr std::size_t ApiKeyDisplayLength = 11;

    struct ApiKeyInfo
    {
        std::string id; // "ak_…"
        std::string accountId;
        std::string prefix; // the key's first ApiKeyDisplayLength characters
        std::chrono::system_clock::time_point createdAt{};

        friend bool operator==(const ApiKeyInfo &, const ApiKeyInfo &) = default;
    };

    struct PolicyRevision
    {
        std::string endpointId;
        int revision = 0; // 1 for the policy the endpoint was created with
        std::string trafficPolicy;
        std::chrono::system_clock::time_point createdAt{};

        friend bool operator==(const PolicyRevision &, const PolicyRevision &) = default;
    };

    // Creates dataDir (mode 0700) if missing, opens or creates the database,
    // upgrades its schema and makes sure the default account exists. Fails
    // with a message naming the file when it is not a Switchyard store, is
    // corrupt, or has a newer schema than this binary knows.
    static Result<std::unique_ptr<Store>> open(const std::string &dataDir);

    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;
    ~Store();

    // Full path of the database file.
    const std::string &path() const { return m_path; }
    // user_version before open() upgraded it (0 for a new store).
    int openedAtVersion() const { return m_openedAtVersion; }

    // Accounts. createAccount fills in an empty id (IdGenerator) and an
    // unset createdAt (now); names are unique. Returns the stored account.
    Result<Account> createAccount(Account account);
    Result<std::vector<Account>> accounts();
    // Creates the default account (Account::DefaultId / DefaultName) unless
    // it exists. open() calls it; idempotent.
    Result<void> ensureDefaultAccount();

    // API keys. Only the SHA-256 of a key is stored: createApiKey returns the
    // key in clear exactly once. accountForApiKey gives the owning account,
    // or nullopt for an unknown or malformed key.
    Result<std::string> createApiKey(const std::string &accountId);
    Result<std::optional<std::string>> accountForApiKey(std::string_view key);
    Result<std::vector<ApiKeyInfo>> apiKeys(const std::string &accountId);

    // Cloud endpoints. saveCloudEndpoint inserts or replaces (by id) the
    // endpoint with every field as given — the caller owns ids and
    // timestamps — and, in the same transaction, records a new policy
    // revision when the endpoint is new or its traffic policy text changed.
    // Only type Cloud endpoints without an upstream are accepted.
    Result<void> saveCloudEndpoint(const Endpoint &endpoint);
    // Removes the endpoint and its policy history; false if there was none.
    Result<bool> deleteCloudEndpoint(const std::string &id);
    // Every cloud endpoint of every account, oldest first.
    Result<std::vector<Endpoint>> cloudEndpoints();
    // The endpoint's policy history, oldest first; the last entry is its
    // current policy. Empty for an unknown endpoint.
    Result<std::vector<PolicyRevision>> policyRevisions(const std::string &endpointId);

private:
    Store(std::string path, SqliteDatabase db);

    std::string m_path;
    SqliteDatabase m_db;
    int m_openedAtVersion = 0;
};

} // namespace switchyard
