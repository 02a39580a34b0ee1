// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"

#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace switchyard {

// A prepared statement with bound parameters: the only way the store puts
// values into SQL. Move-only; finalised on destruction. Same thread rule as
// the connection it was prepared on.
//
// Binding never fails loudly: the first bind error is kept and returned by
// the next step(), so call sites read as a straight line.
class SqliteStatement
{
public:
    static Result<SqliteStatement> prepare(sqlite3 *db, std::string_view sql);

    SqliteStatement(SqliteStatement &&other) noexcept;
    SqliteStatement &operator=(SqliteStatement &&other) noexcept;
    SqliteStatement(const SqliteStatement &) = delete;
    SqliteStatement &operator=(const SqliteStatement &) = delete;
    ~SqliteStatement();

    // Parameters are 1-based, as in SQL's `?1`. Text is copied.
    SqliteStatement &bind(int index, std::string_view text);
    // Like bind(text) without SQLite's copy: `text` must stay alive and
    // unchanged until the statement has run (for large values).
    SqliteStatement &bindUncopied(int index, std::string_view text);
    SqliteStatement &bind(int index, std::int64_t value);
    SqliteStatement &bind(int index, bool value);

    // Advances: true when a row is ready to read, false when done.
    Result<bool> step();
    // Steps a statement that returns no rows (INSERT/UPDATE/DELETE).
    Result<void> run();
    // Makes the statement ready to bind and run again (a hot statement is
    // prepared once); parameters are cleared.
    void reset();

    // Columns are 0-based, as in sqlite3_column_*.
    std::string columnText(int column) const;
    std::int64_t columnInt(int column) const;
    bool columnIsNull(int column) const;

    // The extended result code of the last step(), e.g.
    // SQLITE_CONSTRAINT_UNIQUE, for mapping failures to domain errors.
    int lastCode() const { return m_lastCode; }

private:
    SqliteStatement(sqlite3 *db, sqlite3_stmt *stmt) : m_db(db), m_stmt(stmt) {}
    void noteBind(int rc);

    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_stmt = nullptr;
    int m_bindError = 0;
    std::string m_bindErrorMessage;
    int m_lastCode = 0;
};

} // namespace switchyard
