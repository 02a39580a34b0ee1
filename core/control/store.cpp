// SPDX-License-Identifier: Apache-2.0
#include "control/store.h"

#include "control/sqlitestatement.h"
#include "control/sqlitetransaction.h"
#include "control/storemigrations.h"
#include "model/idgenerator.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <system_error>
#include <utility>

namespace switchyard {

namespace {

using Clock = std::chrono::system_clock;

// Waits this long for another connection's write lock (a second process on
// the same data dir, a CLI) before a write fails with "database is locked".
constexpr int BusyTimeoutMs = 5000;

constexpr std::string_view KeyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

std::int64_t toMillis(Clock::time_point time)
{
    // floor, not duration_cast: times before 1970 round the same way too.
    return std::chrono::floor<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

Clock::time_point fromMillis(std::int64_t millis)
{
    return Clock::time_point(std::chrono::duration_cast<Clock::duration>(std::chrono::milliseconds(millis)));
}

Clock::time_point nowMillis()
{
    return fromMillis(toMillis(Clock::now()));
}

Result<std::string> sha256Hex(std::string_view text)
{
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1)
        return makeError("SHA-256 failed");
    static constexpr std::string_view Hex = "0123456789abcdef";
    std::string hex;
    hex.reserve(length * 2);
    for (unsigned int i = 0; i < length; ++i) {
        hex += Hex[digest[i] >> 4];
        hex += Hex[digest[i] & 0x0f];
    }
    return hex;
}

Result<std::string> generateApiKey()
{
    std::array<unsigned char, Store::ApiKeyLength - Store::ApiKeyPrefix.size()> bytes{};
    // Unlike ids, a key is a secret: no fallback when the CSPRNG fails.
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
        return makeError("cannot generate an API key: the system random generator failed");
    std::string key(Store::ApiKeyPrefix);
    for (unsigned char b : bytes)
        key += KeyAlphabet[b % KeyAlphabet.size()]; // 256 is a multiple of 32: no bias
    return key;
}

bool isCorruption(int code)
{
    const int primary = code & 0xff;
    return primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT;
}

Error cannot(const std::string &what, const Error &error)
{
    return makeError("cannot " + what + ": " + error.message, error.code);
}

constexpr std::string_view EndpointColumns =
    "id, account_id, name, url, binding, pooling_enabled, traffic_policy, description, metadata, "
    "created_at, updated_at";

} // namespace

Store::Store(std::string path, SqliteDatabase db) : m_path(std::move(path)), m_db(std::move(db)) {}

Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::open(const std::string &dataDir)
{
    namespace fs = std::filesystem;
    if (dataDir.empty())
        return makeError("cannot open the store: no data directory given");
    const fs::path dir(dataDir);
    std::error_code ec;
    if (!fs::exists(dir, ec)) {
        if (ec)
            return makeError("cannot use data directory " + dataDir + ": " + ec.message());
        fs::create_directories(dir, ec);
        // The directory holds the local CA key and the API key file: owner only.
        if (!ec)
            fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
        if (ec)
            return makeError("cannot create data directory " + dataDir + ": " + ec.message());
    } else if (!fs::is_directory(dir, ec)) {
        return makeError("cannot use data directory " + dataDir + ": not a directory");
    }

    const std::string path = (dir / FileName).string();
    const bool existed = fs::exists(path, ec);
    auto db = SqliteDatabase::open(path);
    if (!db)
        return db.error();
    // Policies may carry credentials: owner only, whatever the umask. SQLite
    // creates the -wal and -shm files with the database file's mode.
    if (!existed) {
        fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace, ec);
        if (ec)
            return makeError("cannot restrict permissions of " + path + ": " + ec.message());
    }
    sqlite3_busy_timeout(db->handle(), BusyTimeoutMs);

    // The first statements to read the file: a non-database or a damaged
    // header shows up here as SQLITE_NOTADB/SQLITE_CORRUPT.
    auto unusable = [&](const Error &error) {
        if (isCorruption(db->lastCode()))
            return makeError(path + " is not a Switchyard store or is damaged (" + error.message
                             + "); move it aside to start with an empty store");
        return makeError("cannot open " + path + ": " + error.message);
    };
    if (auto fk = db->exec("PRAGMA foreign_keys = ON"); !fk)
        return unusable(fk.error());
    auto mode = db->queryText("PRAGMA journal_mode = WAL");
    if (!mode)
        return unusable(mode.error());
    if (*mode != "wal")
        return makeError("cannot open " + path + ": the file system does not support WAL mode (journal mode is "
                         + *mode + ")");
    // FULL, not NORMAL: with WAL both survive a crash of the process, but
    // NORMAL may lose the last commits on power loss. Writes here are rare
    // (an API call, a policy save) while losing an acknowledged write is
    // surprising, so an fsync per commit is the right trade.
    if (auto sync = db->exec("PRAGMA synchronous = FULL"); !sync)
        return unusable(sync.error());
    // A damaged page would otherwise surface later as a failing write; the
    // store is small, so checking on open is cheap.
    auto check = db->queryText("PRAGMA quick_check(1)");
    if (!check)
        return unusable(check.error());
    if (*check != "ok") {
        // quick_check's report starts with "*** in database main ***\n".
        std::string report = *check;
        if (const auto header = report.find("***\n"); header != std::string::npos)
            report.erase(0, header + 4);
        std::replace(report.begin(), report.end(), '\n', ' ');
        return makeError(path + " is damaged (" + report + "); move it aside to start with an empty store");
    }

    auto migrated = StoreMigrations::migrate(*db, path);
    if (!migrated)
        return isCorruption(db->lastCode()) ? unusable(migrated.error()) : migrated.error();

    std::unique_ptr<Store> store(new Store(path, std::move(*db)));
    store->m_openedAtVersion = *migrated;
    if (auto ensured = store->ensureDefaultAccount(); !ensured)
        return ensured.error();
    return store;
}

Result<Account> Store::createAccount(Account account)
{
    if (account.name.empty())
        return makeError("cannot create an account without a name");
    if (account.id.empty())
        account.id = IdGenerator::accountId();
    account.createdAt = account.createdAt == Clock::time_point{} ? nowMillis() : fromMillis(toMillis(account.createdAt));

    auto tx = SqliteTransaction::begin(m_db);
    if (!tx)
        return cannot("create account '" + account.name + "'", tx.error());
    auto stmt = SqliteStatement::prepare(m_db.handle(), "INSERT INTO accounts (id, name, created_at) VALUES (?1, ?2, ?3)");
    if (!stmt)
        return cannot("create account '" + account.name + "'", stmt.error());
    stmt->bind(1, account.id).bind(2, account.name).bind(3, toMillis(account.createdAt));
    if (auto inserted = stmt->run(); !inserted) {
        if (stmt->lastCode() == SQLITE_CONSTRAINT_UNIQUE)
            return makeError("an account named '" + account.name + "' already exists");
        if (stmt->lastCode() == SQLITE_CONSTRAINT_PRIMARYKEY)
            return makeError("an account with id '" + account.id + "' already exists");
        return cannot("create account '" + account.name + "'", inserted.error());
    }
    if (auto committed = tx->commit(); !committed)
        return cannot("create account '" + account.name + "'", committed.error());
    return account;
}

Result<std::vector<Account>> Store::accounts()
{
    auto stmt = SqliteStatement::prepare(m_db.handle(), "SELECT id, name, created_at FROM accounts ORDER BY created_at, rowid");
    if (!stmt)
        return cannot("read accounts", stmt.error());
    std::vector<Account> result;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return cannot("read accounts", row.error());
        if (!*row)
            return result;
        result.push_back(Account{stmt->columnText(0), stmt->columnText(1), fromMillis(stmt->columnInt(2))});
    }
}

Result<void> Store::ensureDefaultAccount()
{
    const std::string what = std::string("create the default account '") + Account::DefaultName + "'";
    auto tx = SqliteTransaction::begin(m_db);
    if (!tx)
        return cannot(what, tx.error());
    {
        auto existing = SqliteStatement::prepare(m_db.handle(), "SELECT 1 FROM accounts WHERE id = ?1");
        if (!existing)
            return cannot(what, existing.error());
        existing->bind(1, std::string_view(Account::DefaultId));
        auto row = existing->step();
        if (!row)
            return cannot(what, row.error());
        if (*row)
            return {};
    }
    auto stmt = SqliteStatement::prepare(m_db.handle(), "INSERT INTO accounts (id, name, created_at) VALUES (?1, ?2, ?3)");
    if (!stmt)
        return cannot(what, stmt.error());
    stmt->bind(1, std::string_view(Account::DefaultId))
        .bind(2, std::string_view(Account::DefaultName))
        .bind(3, toMillis(nowMillis()));
    if (auto inserted = stmt->run(); !inserted) {
        if (stmt->lastCode() == SQLITE_CONSTRAINT_UNIQUE)
            return makeError("cannot " + what + ": another account already has that name");
        return cannot(what, inserted.error());
    }
    if (auto committed = tx->commit(); !committed)
        return cannot(what, committed.error());
    return {};
}

Result<std::string> Store::createApiKey(const std::string &accountId)
{
    const std::string what = "create an API key for account '" + accountId + "'";
    auto key = generateApiKey();
    if (!key)
        return key.error();
    auto hash = sha256Hex(*key);
    if (!hash)
        return cannot(what, hash.error());

    auto tx = SqliteTransaction::begin(m_db);
    if (!tx)
        return cannot(what, tx.error());
    auto stmt = SqliteStatement::prepare(m_db.handle(),
                                         "INSERT INTO api_keys (id, account_id, hash, prefix, created_at) "
                                         "VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!stmt)
        return cannot(what, stmt.error());
    stmt->bind(1, IdGenerator::apiKeyId())
        .bind(2, accountId)
        .bind(3, *hash)
        .bind(4, std::string_view(*key).substr(0, ApiKeyDisplayLength))
        .bind(5, toMillis(nowMillis()));
    if (auto inserted = stmt->run(); !inserted) {
        if (stmt->lastCode() == SQLITE_CONSTRAINT_FOREIGNKEY)
            return makeError("cannot " + what + ": no such account");
        return cannot(what, inserted.error());
    }
    if (auto committed = tx->commit(); !committed)
        return cannot(what, committed.error());
    return std::move(*key);
}

Result<std::optional<std::string>> Store::accountForApiKey(std::string_view key)
{
    // Length and prefix are public knowledge: rejecting early leaks nothing.
    if (key.size() != ApiKeyLength || !key.starts_with(ApiKeyPrefix))
        return std::optional<std::string>{};
    auto hash = sha256Hex(key);
    if (!hash)
        return cannot("check an API key", hash.error());
    auto stmt = SqliteStatement::prepare(m_db.handle(), "SELECT account_id, hash FROM api_keys WHERE prefix = ?1");
    if (!stmt)
        return cannot("check an API key", stmt.error());
    stmt->bind(1, key.substr(0, ApiKeyDisplayLength));
    std::optional<std::string> account;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return cannot("check an API key", row.error());
        if (!*row)
            return account;
        // The prefix is shown in the UI anyway; the secret part is only ever
        // compared through its hash, in constant time.
        const std::string stored = stmt->columnText(1);
        if (!account && stored.size() == hash->size() && CRYPTO_memcmp(stored.data(), hash->data(), stored.size()) == 0)
            account = stmt->columnText(0);
    }
}

Result<std::vector<Store::ApiKeyInfo>> Store::apiKeys(const std::string &accountId)
{
    auto stmt = SqliteStatement::prepare(m_db.handle(),
                                         "SELECT id, account_id, prefix, created_at FROM api_keys "
                                         "WHERE account_id = ?1 ORDER BY created_at, id");
    if (!stmt)
        return cannot("read API keys", stmt.error());
    stmt->bind(1, accountId);
    std::vector<ApiKeyInfo> result;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return cannot("read API keys", row.error());
        if (!*row)
            return result;
        result.push_back(ApiKeyInfo{stmt->columnText(0), stmt->columnText(1), stmt->columnText(2),
                                    fromMillis(stmt->columnInt(3))});
    }
}

Result<void> Store::saveCloudEndpoint(const Endpoint &endpoint)
{
    const std::string what = "save cloud endpoint '" + endpoint.id + "'";
    if (endpoint.id.empty())
        return makeError("cannot save a cloud endpoint without an id");
    if (endpoint.type != EndpointType::Cloud)
        return makeError("cannot " + what + ": only cloud endpoints are stored");
    if (endpoint.upstream)
        return makeError("cannot " + what + ": a cloud endpoint has no upstream");
    if (endpoint.url.host().empty())
        return makeError("cannot " + what + ": it has no URL");

    auto tx = SqliteTransaction::begin(m_db);
    if (!tx)
        return cannot(what, tx.error());

    std::optional<std::string> oldPolicy;
    {
        auto select = SqliteStatement::prepare(m_db.handle(), "SELECT traffic_policy FROM cloud_endpoints WHERE id = ?1");
        if (!select)
            return cannot(what, select.error());
        select->bind(1, endpoint.id);
        auto row = select->step();
        if (!row)
            return cannot(what, row.error());
        if (*row)
            oldPolicy = select->columnText(0);
    }

    static constexpr std::string_view Insert =
        "INSERT INTO cloud_endpoints (id, account_id, name, url, binding, pooling_enabled, traffic_policy, "
        "description, metadata, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
    static constexpr std::string_view Update =
        "UPDATE cloud_endpoints SET account_id = ?2, name = ?3, url = ?4, binding = ?5, pooling_enabled = ?6, "
        "traffic_policy = ?7, description = ?8, metadata = ?9, created_at = ?10, updated_at = ?11 WHERE id = ?1";
    auto stmt = SqliteStatement::prepare(m_db.handle(), oldPolicy ? Update : Insert);
    if (!stmt)
        return cannot(what, stmt.error());
    stmt->bind(1, endpoint.id)
        .bind(2, endpoint.accountId)
        .bind(3, endpoint.name)
        .bind(4, endpoint.url.toString())
        .bind(5, toString(endpoint.binding))
        .bind(6, endpoint.poolingEnabled)
        .bind(7, endpoint.trafficPolicy)
        .bind(8, endpoint.description)
        .bind(9, endpoint.metadata)
        .bind(10, toMillis(endpoint.createdAt))
        .bind(11, toMillis(endpoint.updatedAt));
    if (auto written = stmt->run(); !written) {
        if (stmt->lastCode() == SQLITE_CONSTRAINT_FOREIGNKEY)
            return makeError("cannot " + what + ": no account with id '" + endpoint.accountId + "'");
        return cannot(what, written.error());
    }

    if (!oldPolicy || *oldPolicy != endpoint.trafficPolicy) {
        auto revision = SqliteStatement::prepare(
            m_db.handle(),
            "INSERT INTO policy_revisions (endpoint_id, revision, traffic_policy, created_at) "
            "SELECT ?1, coalesce(max(revision), 0) + 1, ?2, ?3 FROM policy_revisions WHERE endpoint_id = ?1");
        if (!revision)
            return cannot(what, revision.error());
        revision->bind(1, endpoint.id).bind(2, endpoint.trafficPolicy).bind(3, toMillis(nowMillis()));
        if (auto recorded = revision->run(); !recorded)
            return cannot(what, recorded.error());
    }

    if (auto committed = tx->commit(); !committed)
        return cannot(what, committed.error());
    return {};
}

Result<bool> Store::deleteCloudEndpoint(const std::string &id)
{
    const std::string what = "delete cloud endpoint '" + id + "'";
    auto tx = SqliteTransaction::begin(m_db);
    if (!tx)
        return cannot(what, tx.error());
    auto stmt = SqliteStatement::prepare(m_db.handle(), "DELETE FROM cloud_endpoints WHERE id = ?1");
    if (!stmt)
        return cannot(what, stmt.error());
    stmt->bind(1, id);
    if (auto deleted = stmt->run(); !deleted)
        return cannot(what, deleted.error());
    const bool existed = m_db.changes() > 0;
    if (auto committed = tx->commit(); !committed)
        return cannot(what, committed.error());
    return existed;
}

Result<std::vector<Endpoint>> Store::cloudEndpoints()
{
    auto stmt = SqliteStatement::prepare(
        m_db.handle(), "SELECT " + std::string(EndpointColumns) + " FROM cloud_endpoints ORDER BY created_at, id");
    if (!stmt)
        return cannot("read cloud endpoints", stmt.error());
    std::vector<Endpoint> result;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return cannot("read cloud endpoints", row.error());
        if (!*row)
            return result;
        Endpoint endpoint;
        endpoint.id = stmt->columnText(0);
        endpoint.type = EndpointType::Cloud;
        endpoint.accountId = stmt->columnText(1);
        endpoint.name = stmt->columnText(2);
        const std::string url = stmt->columnText(3);
        auto parsed = EndpointUrl::parse(url);
        if (!parsed)
            return makeError("cloud endpoint '" + endpoint.id + "' in " + m_path + " has an invalid URL '" + url
                             + "': " + parsed.message());
        endpoint.url = std::move(*parsed);
        const std::string binding = stmt->columnText(4);
        auto knownBinding = bindingFromString(binding);
        if (!knownBinding)
            return makeError("cloud endpoint '" + endpoint.id + "' in " + m_path + " has an unknown binding '"
                             + binding + "'");
        endpoint.binding = *knownBinding;
        endpoint.poolingEnabled = stmt->columnInt(5) != 0;
        endpoint.trafficPolicy = stmt->columnText(6);
        endpoint.description = stmt->columnText(7);
        endpoint.metadata = stmt->columnText(8);
        endpoint.createdAt = fromMillis(stmt->columnInt(9));
        endpoint.updatedAt = fromMillis(stmt->columnInt(10));
        result.push_back(std::move(endpoint));
    }
}

Result<std::vector<Store::PolicyRevision>> Store::policyRevisions(const std::string &endpointId)
{
    auto stmt = SqliteStatement::prepare(m_db.handle(),
                                         "SELECT endpoint_id, revision, traffic_policy, created_at FROM policy_revisions "
                                         "WHERE endpoint_id = ?1 ORDER BY revision");
    if (!stmt)
        return cannot("read policy revisions", stmt.error());
    stmt->bind(1, endpointId);
    std::vector<PolicyRevision> result;
    for (;;) {
        auto row = stmt->step();
        if (!row)
            return cannot("read policy revisions", row.error());
        if (!*row)
            return result;
        result.push_back(PolicyRevision{stmt->columnText(0), static_cast<int>(stmt->columnInt(1)),
                                        stmt->columnText(2), fromMillis(stmt->columnInt(3))});
    }
}

} // namespace switchyard
