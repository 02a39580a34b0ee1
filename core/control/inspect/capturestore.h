// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "control/inspect/capturerecord.h"
#include "control/sqlitedatabase.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace switchyard {

// The inspector's captures in SQLite (WAL) at DATA_DIR/inspect.db. Two
// connections: one for the single writer (insert, clear, retention), one
// for readers, so readers never wait for a write transaction and the API
// thread never blocks the writer. Each connection has its own lock; any
// thread may call anything.
//
// Retention runs after every insert: beyond maxRecords the oldest go, then
// the oldest go until the stored size (the records' encoded bytes) is
// within maxBytes.
class CaptureStore
{
public:
    struct Options
    {
        std::size_t maxRecords = 10000;
        std::uint64_t maxBytes = 50ull * 1024 * 1024;
    };

    static Result<std::unique_ptr<CaptureStore>> open(const std::string &path, Options options);
    ~CaptureStore();

    // Stores the records in one transaction; fills in each one's seq.
    Result<void> insert(std::vector<CaptureRecord> &records);
    // Newest first. An empty endpoint matches all; otherwise it matches the
    // endpoint's name or URL.
    Result<std::vector<CaptureRecord>> list(std::size_t limit, const std::string &endpoint = {}) const;
    Result<std::optional<CaptureRecord>> get(const std::string &id) const;
    Result<void> clear();
    Result<std::int64_t> count() const;
    std::uint64_t storedBytes() const;
    const Options &options() const { return m_options; }
    std::string journalMode() const;

private:
    CaptureStore(SqliteDatabase writer, SqliteDatabase reader, Options options);
    Result<void> insertOne(CaptureRecord &record);
    Result<void> applyRetention();

    mutable std::mutex m_writeMutex;
    mutable std::mutex m_readMutex;
    SqliteDatabase m_writer;
    mutable SqliteDatabase m_reader;
    Options m_options;
    std::uint64_t m_bytes = 0; // writer side, under m_writeMutex
    std::int64_t m_count = 0;
};

} // namespace switchyard
