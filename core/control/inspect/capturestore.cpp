// SPDX-License-Identifier: Apache-2.0
#include "control/inspect/capturestore.h"

#include "control/inspect/capturejson.h"
#include "control/sqlitestatement.h"

#include <sqlite3.h>

#include <algorithm>

namespace switchyard {

namespace {

constexpr int BusyTimeoutMs = 5000;

constexpr std::string_view Schema = R"sql(
CREATE TABLE IF NOT EXISTS captures (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    endpoint_name TEXT NOT NULL,
    endpoint_url TEXT NOT NULL,
    replay_of TEXT NOT NULL,
    data BLOB NOT NULL,
    size INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS captures_endpoint_name ON captures(endpoint_name, seq);
CREATE INDEX IF NOT EXISTS captures_endpoint_url ON captures(endpoint_url, seq);
)sql";

Result<SqliteDatabase> openConnection(const std::string &path)
{
    auto db = SqliteDatabase::open(path);
    if (!db)
        return db.error();
    sqlite3_busy_timeout(db->handle(), BusyTimeoutMs);
    auto mode = db->queryText("PRAGMA journal_mode = WAL");
    if (!mode)
        return makeError("cannot open " + path + ": " + mode.message());
    if (*mode != "wal")
        return makeError("cannot open " + path + ": the file system does not support WAL mode");
    // Captures are a debugging aid: losing the last ones on power loss is
    // fine, an fsync per batch on the writer is not.
    if (auto sync = db->exec("PRAGMA synchronous = NORMAL"); !sync)
        return sync.error();
    return db;
}

Result<CaptureRecord> readRow(const SqliteStatement &row)
{
    CaptureRecord record;
    record.seq = row.columnInt(0);
    record.id = row.columnText(1);
    record.replayOf = row.columnText(2);
    auto exchange = CaptureJson::fromStorage(row.columnText(3));
    if (!exchange)
        return makeError("capture " + record.id + " is damaged");
    record.exchange = std::move(*exchange);
    return record;
}

} // namespace

CaptureStore::CaptureStore(SqliteDatabase writer, SqliteDatabase reader, Options options)
    : m_writer(std::move(writer)), m_reader(std::move(reader)), m_options(options)
{
}

CaptureStore::~CaptureStore() = default;

Result<std::unique_ptr<CaptureStore>> CaptureStore::open(const std::string &path, Options options)
{
    auto writer = openConnection(path);
    if (!writer)
        return writer.error();
    if (auto schema = writer->exec(Schema); !schema)
        return makeError("cannot create the capture tables in " + path + ": " + schema.message());
    auto reader = openConnection(path);
    if (!reader)
        return reader.error();
    std::unique_ptr<CaptureStore> store(new CaptureStore(std::move(*writer), std::move(*reader), options));
    auto bytes = store->m_writer.queryInt("SELECT COALESCE(SUM(size), 0) FROM captures");
    if (!bytes)
        return bytes.error();
    store->m_bytes = static_cast<std::uint64_t>(*bytes);
    auto count = store->m_writer.queryInt("SELECT COUNT(*) FROM captures");
    if (!count)
        return count.error();
    store->m_count = *count;
    if (auto retention = store->applyRetention(); !retention)
        return retention.error();
    return store;
}

Result<void> CaptureStore::insert(std::vector<CaptureRecord> &records)
{
    const std::lock_guard lock(m_writeMutex);
    if (auto begin = m_writer.exec("BEGIN IMMEDIATE"); !begin)
        return begin;
    const std::uint64_t bytes = m_bytes;
    const std::int64_t count = m_count;
    const auto rollback = [&](Result<void> failure) {
        (void)m_writer.exec("ROLLBACK");
        m_bytes = bytes;
        m_count = count;
        return failure;
    };
    for (CaptureRecord &record : records)
        if (auto inserted = insertOne(record); !inserted)
            return rollback(std::move(inserted));
    if (auto retention = applyRetention(); !retention)
        return rollback(std::move(retention));
    if (auto commit = m_writer.exec("COMMIT"); !commit)
        return rollback(std::move(commit));
    return {};
}

Result<void> CaptureStore::insertOne(CaptureRecord &record)
{
    auto statement = SqliteStatement::prepare(
        m_writer.handle(),
        "INSERT INTO captures (id, endpoint_name, endpoint_url, replay_of, data, size) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!statement)
        return statement.error();
    const std::string data = CaptureJson::toStorage(record.exchange);
    const auto size = static_cast<std::int64_t>(data.size() + record.id.size() + 64);
    statement->bind(1, record.id)
        .bind(2, record.exchange.endpointName)
        .bind(3, record.exchange.endpointUrl)
        .bind(4, record.replayOf)
        .bind(5, data)
        .bind(6, size);
    if (auto run = statement->run(); !run)
        return run;
    record.seq = sqlite3_last_insert_rowid(m_writer.handle());
    m_bytes += static_cast<std::uint64_t>(size);
    ++m_count;
    return {};
}

Result<void> CaptureStore::applyRetention()
{
    // Count and size are kept in memory (read once at open), so a batch
    // costs no table scan unless something must go.
    if (m_count <= static_cast<std::int64_t>(m_options.maxRecords) && m_bytes <= m_options.maxBytes)
        return {};
    // Walk from the oldest until both budgets hold, then cut there.
    std::uint64_t freed = 0;
    std::int64_t removed = 0;
    std::int64_t lastSeq = -1;
    {
        auto oldest = SqliteStatement::prepare(m_writer.handle(), "SELECT seq, size FROM captures ORDER BY seq");
        if (!oldest)
            return oldest.error();
        while (m_count - removed > static_cast<std::int64_t>(m_options.maxRecords)
               || m_bytes - freed > m_options.maxBytes) {
            auto row = oldest->step();
            if (!row)
                return row.error();
            if (!*row)
                break;
            lastSeq = oldest->columnInt(0);
            freed += static_cast<std::uint64_t>(oldest->columnInt(1));
            ++removed;
        }
    }
    if (lastSeq < 0)
        return {};
    auto cut = SqliteStatement::prepare(m_writer.handle(), "DELETE FROM captures WHERE seq <= ?1");
    if (!cut)
        return cut.error();
    cut->bind(1, lastSeq);
    if (auto run = cut->run(); !run)
        return run;
    m_bytes -= std::min(freed, m_bytes);
    m_count -= std::min(removed, m_count);
    return {};
}

Result<std::vector<CaptureRecord>> CaptureStore::list(std::size_t limit, const std::string &endpoint) const
{
    const std::lock_guard lock(m_readMutex);
    auto statement = SqliteStatement::prepare(
        m_reader.handle(), endpoint.empty()
                               ? "SELECT seq, id, replay_of, data FROM captures ORDER BY seq DESC LIMIT ?1"
                               : "SELECT seq, id, replay_of, data FROM captures WHERE endpoint_name = ?2 OR "
                                 "endpoint_url = ?2 ORDER BY seq DESC LIMIT ?1");
    if (!statement)
        return statement.error();
    statement->bind(1, static_cast<std::int64_t>(limit));
    if (!endpoint.empty())
        statement->bind(2, endpoint);
    std::vector<CaptureRecord> out;
    while (true) {
        auto row = statement->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        auto record = readRow(*statement);
        if (!record)
            return record.error();
        out.push_back(std::move(*record));
    }
    return out;
}

Result<std::optional<CaptureRecord>> CaptureStore::get(const std::string &id) const
{
    const std::lock_guard lock(m_readMutex);
    auto statement =
        SqliteStatement::prepare(m_reader.handle(), "SELECT seq, id, replay_of, data FROM captures WHERE id = ?1");
    if (!statement)
        return statement.error();
    statement->bind(1, id);
    auto row = statement->step();
    if (!row)
        return row.error();
    if (!*row)
        return std::optional<CaptureRecord>();
    auto record = readRow(*statement);
    if (!record)
        return record.error();
    return std::optional<CaptureRecord>(std::move(*record));
}

Result<void> CaptureStore::clear()
{
    const std::lock_guard lock(m_writeMutex);
    if (auto deleted = m_writer.exec("DELETE FROM captures"); !deleted)
        return deleted;
    m_bytes = 0;
    m_count = 0;
    return {};
}

Result<std::int64_t> CaptureStore::count() const
{
    const std::lock_guard lock(m_readMutex);
    return m_reader.queryInt("SELECT COUNT(*) FROM captures");
}

std::uint64_t CaptureStore::storedBytes() const
{
    const std::lock_guard lock(m_writeMutex);
    return m_bytes;
}

std::string CaptureStore::journalMode() const
{
    const std::lock_guard lock(m_readMutex);
    auto mode = m_reader.queryText("PRAGMA journal_mode");
    return mode ? *mode : std::string();
}

} // namespace switchyard
