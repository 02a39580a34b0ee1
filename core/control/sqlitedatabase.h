// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"

#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3;

namespace switchyard {

class SqliteStatement;

// One owned SQLite connection (sqlite3 C API). Move-only; closes on
// destruction. Not thread-safe: use a connection from one thread at a time.
// sqlite3.h stays out of this header so users of the store do not need it.
class SqliteDatabase
{
public:
    // Opens (creating if missing) the database file read-write. Nothing is
    // read yet: SQLite opens lazily, so a non-database file is only noticed
    // by the first statement.
    static Result<SqliteDatabase> open(const std::string &path);

    SqliteDatabase(SqliteDatabase &&other) noexcept;
    SqliteDatabase &operator=(SqliteDatabase &&other) noexcept;
    SqliteDatabase(const SqliteDatabase &) = delete;
    SqliteDatabase &operator=(const SqliteDatabase &) = delete;
    ~SqliteDatabase();

    // Runs one or more `;`-separated statements that take no parameters
    // (schema steps, pragmas, BEGIN/COMMIT). Never use it with values.
    Result<void> exec(std::string_view sql);

    // Runs a statement returning one row of one column and gives it as text
    // (PRAGMA journal_mode, PRAGMA quick_check) or as an integer.
    Result<std::string> queryText(std::string_view sql);
    Result<std::int64_t> queryInt(std::string_view sql);

    // Rows changed by the latest INSERT/UPDATE/DELETE.
    std::int64_t changes() const;

    // The extended result code of the last exec()/query*() through this
    // object (SQLITE_OK after success), e.g. to tell SQLITE_NOTADB apart.
    int lastCode() const { return m_lastCode; }

    sqlite3 *handle() const { return m_db; }

private:
    explicit SqliteDatabase(sqlite3 *db) : m_db(db) {}
    // Prepares and steps sql; the statement is left on its first row.
    Result<SqliteStatement> firstRow(std::string_view sql);

    sqlite3 *m_db = nullptr;
    int m_lastCode = 0;
};

} // namespace switchyard
