// SPDX-License-Identifier: Apache-2.0
#include "control/sqlitedatabase.h"

#include "control/sqlitestatement.h"

#include <sqlite3.h>

#include <utility>

namespace switchyard {

Result<SqliteDatabase> SqliteDatabase::open(const std::string &path)
{
    sqlite3 *db = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (rc != SQLITE_OK) {
        // sqlite3_open_v2 hands out a handle even on failure (for the message).
        std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
        sqlite3_close(db);
        return makeError("cannot open " + path + ": " + message);
    }
    sqlite3_extended_result_codes(db, 1);
    return SqliteDatabase(db);
}

SqliteDatabase::SqliteDatabase(SqliteDatabase &&other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_lastCode(other.m_lastCode)
{
}

SqliteDatabase &SqliteDatabase::operator=(SqliteDatabase &&other) noexcept
{
    if (this != &other) {
        sqlite3_close(m_db);
        m_db = std::exchange(other.m_db, nullptr);
        m_lastCode = other.m_lastCode;
    }
    return *this;
}

SqliteDatabase::~SqliteDatabase()
{
    // Every statement is an RAII SqliteStatement owned by a shorter-lived
    // scope, so plain close (not close_v2) always succeeds here.
    sqlite3_close(m_db);
}

Result<void> SqliteDatabase::exec(std::string_view sql)
{
    const std::string text(sql);
    char *message = nullptr;
    const int rc = sqlite3_exec(m_db, text.c_str(), nullptr, nullptr, &message);
    m_lastCode = rc == SQLITE_OK ? SQLITE_OK : sqlite3_extended_errcode(m_db);
    if (rc != SQLITE_OK) {
        std::string error = message ? message : sqlite3_errstr(rc);
        sqlite3_free(message);
        return makeError(error + " (" + std::to_string(rc) + ")");
    }
    return {};
}

Result<SqliteStatement> SqliteDatabase::firstRow(std::string_view sql)
{
    auto stmt = SqliteStatement::prepare(m_db, sql);
    if (!stmt) {
        m_lastCode = sqlite3_extended_errcode(m_db);
        return stmt.error();
    }
    auto row = stmt->step();
    m_lastCode = row ? SQLITE_OK : stmt->lastCode();
    if (!row)
        return row.error();
    if (!*row)
        return makeError("no result from: " + std::string(sql));
    return std::move(*stmt);
}

Result<std::string> SqliteDatabase::queryText(std::string_view sql)
{
    auto stmt = firstRow(sql);
    if (!stmt)
        return stmt.error();
    return stmt->columnText(0);
}

Result<std::int64_t> SqliteDatabase::queryInt(std::string_view sql)
{
    auto stmt = firstRow(sql);
    if (!stmt)
        return stmt.error();
    return stmt->columnInt(0);
}

std::int64_t SqliteDatabase::changes() const
{
    return sqlite3_changes64(m_db);
}

} // namespace switchyard
