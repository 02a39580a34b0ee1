// SPDX-License-Identifier: Apache-2.0
#include "control/sqlitestatement.h"

#include <sqlite3.h>

#include <climits>
#include <utility>

namespace switchyard {

namespace {

std::string describe(sqlite3 *db, int rc)
{
    // errmsg describes the connection's latest failure, which is this one;
    // the code is appended because messages like "constraint failed" are
    // only precise together with it.
    return std::string(sqlite3_errmsg(db)) + " (" + std::to_string(rc) + ")";
}

} // namespace

Result<SqliteStatement> SqliteStatement::prepare(sqlite3 *db, std::string_view sql)
{
    if (sql.size() > static_cast<std::size_t>(INT_MAX))
        return makeError("SQL text too long");
    sqlite3_stmt *stmt = nullptr;
    const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return makeError(describe(db, rc));
    }
    return SqliteStatement(db, stmt);
}

SqliteStatement::SqliteStatement(SqliteStatement &&other) noexcept
    : m_db(other.m_db),
      m_stmt(std::exchange(other.m_stmt, nullptr)),
      m_bindError(other.m_bindError),
      m_bindErrorMessage(std::move(other.m_bindErrorMessage)),
      m_lastCode(other.m_lastCode)
{
}

SqliteStatement &SqliteStatement::operator=(SqliteStatement &&other) noexcept
{
    if (this != &other) {
        sqlite3_finalize(m_stmt);
        m_db = other.m_db;
        m_stmt = std::exchange(other.m_stmt, nullptr);
        m_bindError = other.m_bindError;
        m_bindErrorMessage = std::move(other.m_bindErrorMessage);
        m_lastCode = other.m_lastCode;
    }
    return *this;
}

SqliteStatement::~SqliteStatement()
{
    sqlite3_finalize(m_stmt);
}

void SqliteStatement::noteBind(int rc)
{
    if (rc != SQLITE_OK && m_bindError == SQLITE_OK) {
        m_bindError = rc;
        m_bindErrorMessage = "cannot bind parameter: " + describe(m_db, rc);
    }
}

SqliteStatement &SqliteStatement::bind(int index, std::string_view text)
{
    // sqlite3_bind_text64 takes the length, so text may hold any bytes
    // (including NUL) and round-trips exactly.
    noteBind(sqlite3_bind_text64(m_stmt, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
    return *this;
}

SqliteStatement &SqliteStatement::bindUncopied(int index, std::string_view text)
{
    noteBind(sqlite3_bind_text64(m_stmt, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8));
    return *this;
}

SqliteStatement &SqliteStatement::bind(int index, std::int64_t value)
{
    noteBind(sqlite3_bind_int64(m_stmt, index, value));
    return *this;
}

SqliteStatement &SqliteStatement::bind(int index, bool value)
{
    noteBind(sqlite3_bind_int(m_stmt, index, value ? 1 : 0));
    return *this;
}

Result<bool> SqliteStatement::step()
{
    if (m_bindError != SQLITE_OK) {
        m_lastCode = m_bindError;
        return makeError(m_bindErrorMessage);
    }
    m_lastCode = sqlite3_step(m_stmt);
    if (m_lastCode == SQLITE_ROW)
        return true;
    if (m_lastCode == SQLITE_DONE)
        return false;
    return makeError(describe(m_db, m_lastCode));
}

void SqliteStatement::reset()
{
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
    m_bindError = SQLITE_OK;
    m_bindErrorMessage.clear();
}

Result<void> SqliteStatement::run()
{
    auto row = step();
    if (!row)
        return row.error();
    return {};
}

std::string SqliteStatement::columnText(int column) const
{
    // Read as a blob so embedded NULs survive; bytes() after blob() is the
    // documented safe order.
    const void *data = sqlite3_column_blob(m_stmt, column);
    const int size = sqlite3_column_bytes(m_stmt, column);
    if (!data || size <= 0)
        return {};
    return std::string(static_cast<const char *>(data), static_cast<std::size_t>(size));
}

std::int64_t SqliteStatement::columnInt(int column) const
{
    return sqlite3_column_int64(m_stmt, column);
}

bool SqliteStatement::columnIsNull(int column) const
{
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

} // namespace switchyard
