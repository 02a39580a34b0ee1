// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace switchyard {

class SqliteDatabase;

// The store's schema history. `PRAGMA user_version` holds the number of the
// last step applied; each step runs in its own transaction together with the
// user_version bump, so a crash leaves the database at a step boundary.
//
// Rules: steps are append-only. A shipped step's SQL never changes (old
// databases were built by it); fix things with a new step. Steps run with
// foreign keys ON and inside a transaction, where `PRAGMA foreign_keys` is a
// no-op: a step that rebuilds a table (SQLite's 12-step ALTER) must keep the
// references valid at every statement, or this runner needs a flag for it.
class StoreMigrations
{
public:
    struct Step
    {
        int version;              // user_version after this step
        std::string_view summary; // for error messages
        std::string_view sql;     // parameterless DDL/DML, `;`-separated
    };

    // `PRAGMA application_id` of a Switchyard store ("SwYd"): tells our file
    // apart from any other SQLite database found at the same path.
    static constexpr std::int32_t ApplicationId = 0x53775964;

    static std::span<const Step> steps();
    static int latestVersion();

    // Brings `db` (a file at `path`, named in errors) up to latestVersion().
    // Refuses a database newer than this binary or one that is not a
    // Switchyard store. Returns the version the database had before.
    static Result<int> migrate(SqliteDatabase &db, const std::string &path);
};

} // namespace switchyard
