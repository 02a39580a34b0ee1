// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"

namespace switchyard {

class SqliteDatabase;

// A write transaction: BEGIN IMMEDIATE on creation, ROLLBACK on destruction
// unless commit() succeeded. IMMEDIATE takes the write lock up front, so a
// concurrent writer makes begin() wait (busy timeout) instead of failing
// half-way through with SQLITE_BUSY. Every store write runs inside one.
class SqliteTransaction
{
public:
    static Result<SqliteTransaction> begin(SqliteDatabase &db);

    SqliteTransaction(SqliteTransaction &&other) noexcept;
    SqliteTransaction &operator=(SqliteTransaction &&) = delete;
    SqliteTransaction(const SqliteTransaction &) = delete;
    SqliteTransaction &operator=(const SqliteTransaction &) = delete;
    ~SqliteTransaction();

    Result<void> commit();

private:
    explicit SqliteTransaction(SqliteDatabase *db) : m_db(db) {}

    SqliteDatabase *m_db = nullptr; // null once committed or moved from
};

} // namespace switchyard
