// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "control/inspect/capturerecord.h"
#include "control/sqlitedatabase.h"
#include "control/sqlitestatement.h"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchyard {

// The inspector's captures in SQLite (WAL) at DATA_DIR/inspect.db. Two
// connections: one for the single writer (insert, clear, retention), one
// for readers, so readers never wait for a write transaction and the API
// thread never blocks the writer. Each connection has its own lock; any
// thread may call anything.
//
// Captures are stored in segments: one row holds the records of one insert()
// (split at SegmentRecords records or a byte budget), so the writer pays
// SQLite's per-row cost once per batch rather than once per exchange — a
// row per exchange cost more CPU than forwarding it. A record's id
// ("req_" + 26 characters) encodes its sequence number, which locates its
// segment, then 16 random characters.
//
// New segments are kept in memory and written to SQLite at most once per
// persistInterval (or sooner, when PendingBytes are waiting), in one
// transaction. Readers see them at once. Under load most captures leave the
// retention window before that, and are never written at all: writing each
// to disk only to delete it a moment later was most of the writer's CPU.
// A crash loses at most the last interval; the destructor writes them.
//
// Retention runs after every insert: only the newest maxRecords are
// visible, and whole segments go once none of their records is; then the
// oldest segments go until the stored size is within maxBytes (segments are
// kept to at most maxBytes / 8 unless one record alone is bigger).
class CaptureStore
{
public:
    struct Options
    {
        std::size_t maxRecords = 10000;
        std::uint64_t maxBytes = 50ull * 1024 * 1024;
        std::chrono::milliseconds persistInterval{1000};
    };
    static constexpr std::size_t SegmentRecords = 1024;
    static constexpr std::size_t SegmentBytes = 1024 * 1024;
    static constexpr std::uint64_t PendingBytes = 8 * 1024 * 1024;

    // An exchange already in CaptureCodec's bytes (what the writer has).
    struct EncodedRecord
    {
        std::string_view exchange;
        std::string replayOf;
    };

    static Result<std::unique_ptr<CaptureStore>> open(const std::string &path, Options options);
    ~CaptureStore();

    // Stores the records in one transaction; assigns each one's id and seq
    // (ids already set are replaced).
    Result<void> insert(std::vector<CaptureRecord> &records);
    // The same for encoded exchanges: returns the seq given to the first;
    // the others follow in order. idFor() names them.
    Result<std::int64_t> insertEncoded(const std::vector<EncodedRecord> &records);
    std::string idFor(std::int64_t seq) const;
    // Newest first. An empty endpoint matches all; otherwise it matches the
    // endpoint's name or URL.
    Result<std::vector<CaptureRecord>> list(std::size_t limit, const std::string &endpoint = {}) const;
    Result<std::optional<CaptureRecord>> get(const std::string &id) const;
    Result<void> clear();
    // Writes what is only in memory now.
    Result<void> persist();
    // Visible records.
    Result<std::int64_t> count() const;
    std::uint64_t storedBytes() const;
    const Options &options() const { return m_options; }
    std::string journalMode() const;

private:
    struct Segment
    {
        std::int64_t first = 0; // seq of its first record
        std::int64_t count = 0;
        std::uint64_t size = 0;
        // The records while not yet in SQLite.
        std::shared_ptr<const std::string> data;
    };
    struct PendingSegment
    {
        std::int64_t first = 0;
        std::shared_ptr<const std::string> data;
    };

    CaptureStore(SqliteDatabase writer, SqliteDatabase reader, Options options);
    Result<void> load();
    void addSegment(std::vector<EncodedRecord>::const_iterator begin, std::vector<EncodedRecord>::const_iterator end);
    Result<void> persistLocked();
    // After a failed write: forgets what was only in memory.
    Result<void> dropPending(Result<void> failure);
    void applyRetention();
    void dropOldest();
    std::int64_t firstVisibleSeq() const;
    // After a change: what readers may see.
    void publishVisible();
    void publishVisibleLocked();
    std::vector<PendingSegment> pendingSnapshot() const;
    // Decodes the records of one segment that are still visible.
    Result<std::vector<CaptureRecord>> decodeSegment(std::int64_t first, std::string_view data) const;

    mutable std::mutex m_writeMutex;
    mutable std::mutex m_readMutex;
    SqliteDatabase m_writer;
    mutable SqliteDatabase m_reader;
    Options m_options;
    const std::string m_salt; // the random tail of this run's ids
    std::optional<SqliteStatement> m_insert; // prepared once, under m_writeMutex
    // Writer side, under m_writeMutex.
    std::deque<Segment> m_segments; // in seq order; the newest may be pending
    std::uint64_t m_bytes = 0;
    std::uint64_t m_pendingBytes = 0;
    std::int64_t m_nextSeq = 1;
    std::int64_t m_dropBefore = 0;   // records before it were dropped
    std::int64_t m_deleteBefore = 0; // SQLite rows to delete at the next write
    std::int64_t m_deleted = 0;      // ... and those already deleted
    std::chrono::steady_clock::time_point m_lastPersist;
    // The pending segments, for readers.
    mutable std::mutex m_pendingMutex;
    std::vector<PendingSegment> m_pendingView;
    // Read by readers without the writer's lock.
    std::atomic<std::int64_t> m_firstVisible{1};
    std::atomic<std::int64_t> m_visible{0};
};

} // namespace switchyard
