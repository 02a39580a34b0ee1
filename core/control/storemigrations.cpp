// SPDX-License-Identifier: Apache-2.0
#include "control/storemigrations.h"

#include "control/sqlitedatabase.h"
#include "control/sqlitetransaction.h"

#include <array>

namespace switchyard {

namespace {

// Timestamps are INTEGER milliseconds since the Unix epoch (UTC); see Store.
// STRICT tables make SQLite enforce the declared column types.
constexpr std::string_view V1 = R"sql(
CREATE TABLE accounts (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE api_keys (
    id          TEXT PRIMARY KEY NOT NULL,
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    hash        TEXT NOT NULL UNIQUE,
    prefix      TEXT NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX api_keys_account ON api_keys(account_id);

CREATE TABLE cloud_endpoints (
    id              TEXT PRIMARY KEY NOT NULL,
    account_id      TEXT NOT NULL REFERENCES accounts(id),
    name            TEXT NOT NULL DEFAULT '',
    url             TEXT NOT NULL,
    binding         TEXT NOT NULL CHECK (binding IN ('public', 'internal')),
    pooling_enabled INTEGER NOT NULL DEFAULT 0 CHECK (pooling_enabled IN (0, 1)),
    traffic_policy  TEXT NOT NULL DEFAULT '',
    description     TEXT NOT NULL DEFAULT '',
    metadata        TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX cloud_endpoints_account ON cloud_endpoints(account_id);

PRAGMA application_id = 1400330596;
)sql";

// Policy history. Endpoints saved before it existed get their current
// policy as revision 1, so "the newest revision is the endpoint's policy"
// holds for every endpoint from here on. API keys get an index on their
// display prefix: lookups select by prefix and compare hashes in constant
// time instead of letting the B-tree compare secret-derived bytes.
constexpr std::string_view V2 = R"sql(
CREATE TABLE policy_revisions (
    endpoint_id     TEXT NOT NULL REFERENCES cloud_endpoints(id) ON DELETE CASCADE,
    revision        INTEGER NOT NULL CHECK (revision >= 1),
    traffic_policy  TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (endpoint_id, revision)
) STRICT;

INSERT INTO policy_revisions (endpoint_id, revision, traffic_policy, created_at)
    SELECT id, 1, traffic_policy, updated_at FROM cloud_endpoints;

CREATE INDEX api_keys_prefix ON api_keys(prefix);
)sql";

constexpr std::array Steps{
    StoreMigrations::Step{1, "accounts, API keys and cloud endpoints", V1},
    StoreMigrations::Step{2, "policy revisions", V2},
};

static_assert(StoreMigrations::ApplicationId == 1400330596, "keep V1's PRAGMA application_id in sync");

} // namespace

std::span<const StoreMigrations::Step> StoreMigrations::steps()
{
    return Steps;
}

int StoreMigrations::latestVersion()
{
    return Steps.back().version;
}

Result<int> StoreMigrations::migrate(SqliteDatabase &db, const std::string &path)
{
    auto version = db.queryInt("PRAGMA user_version");
    if (!version)
        return makeError("cannot read the schema version of " + path + ": " + version.message());
    const auto initial = *version;
    if (initial > latestVersion()) {
        return makeError(path + " has schema version " + std::to_string(initial)
                         + ", newer than this build of Switchyard understands (up to "
                         + std::to_string(latestVersion())
                         + "); run a newer Switchyard or use another --data-dir");
    }
    if (initial < 0)
        return makeError(path + " is not a Switchyard store (schema version " + std::to_string(initial) + ")");

    if (initial == 0) {
        // Version 0 is a fresh file — unless something else already put
        // tables in it, which we must not write into.
        auto tables = db.queryInt("SELECT count(*) FROM sqlite_schema");
        if (!tables)
            return makeError("cannot read " + path + ": " + tables.message());
        if (*tables > 0)
            return makeError(path + " is a SQLite database but not a Switchyard store (it has tables and no schema version)");
    } else {
        auto appId = db.queryInt("PRAGMA application_id");
        if (!appId)
            return makeError("cannot read " + path + ": " + appId.message());
        if (*appId != ApplicationId)
            return makeError(path + " is a SQLite database but not a Switchyard store (application id "
                             + std::to_string(*appId) + ")");
    }

    for (const Step &step : Steps) {
        if (step.version <= initial)
            continue;
        auto tx = SqliteTransaction::begin(db);
        if (!tx)
            return makeError("cannot upgrade " + path + ": " + tx.message());
        // Re-read under the write lock: another process opening the same
        // store may have applied this step while we waited.
        auto current = db.queryInt("PRAGMA user_version");
        if (!current)
            return makeError("cannot upgrade " + path + ": " + current.message());
        if (*current >= step.version)
            continue;
        const std::string where = "cannot upgrade " + path + " to schema version " + std::to_string(step.version)
                                  + " (" + std::string(step.summary) + "): ";
        if (auto applied = db.exec(step.sql); !applied)
            return makeError(where + applied.message());
        // PRAGMA takes no bound parameters; the value is our own constant.
        if (auto bumped = db.exec("PRAGMA user_version = " + std::to_string(step.version)); !bumped)
            return makeError(where + bumped.message());
        if (auto committed = tx->commit(); !committed)
            return makeError(where + committed.message());
    }
    return static_cast<int>(initial);
}

} // namespace switchyard
