// SPDX-License-Identifier: Apache-2.0
#include "control/sqlitetransaction.h"

#include "control/sqlitedatabase.h"

#include <sqlite3.h>

#include <utility>

namespace switchyard {

Result<SqliteTransaction> SqliteTransaction::begin(SqliteDatabase &db)
{
    auto begun = db.exec("BEGIN IMMEDIATE");
    if (!begun)
        return makeError("cannot start a transaction: " + begun.message());
    return SqliteTransaction(&db);
}

SqliteTransaction::SqliteTransaction(SqliteTransaction &&other) noexcept : m_db(std::exchange(other.m_db, nullptr)) {}

SqliteTransaction::~SqliteTransaction()
{
    // SQLite may already have rolled back on its own (after SQLITE_FULL,
    // SQLITE_IOERR, …); a second ROLLBACK would only report an error.
    if (m_db && !sqlite3_get_autocommit(m_db->handle()))
        (void)m_db->exec("ROLLBACK");
}

Result<void> SqliteTransaction::commit()
{
    if (!m_db)
        return makeError("transaction already finished");
    auto committed = m_db->exec("COMMIT");
    if (!committed)
        return makeError("cannot commit: " + committed.message()); // the destructor rolls back
    m_db = nullptr;
    return {};
}

} // namespace switchyard
