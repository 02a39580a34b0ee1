// SPDX-License-Identifier: Apache-2.0
#include "control/inspect/capturestore.h"

#include "control/inspect/capturecodec.h"
#include "control/sqlitestatement.h"
#include "model/idgenerator.h"

#include <sqlite3.h>

#include <algorithm>

namespace switchyard {

namespace {

constexpr int BusyTimeoutMs = 5000;
constexpr std::int64_t SchemaVersion = 2;

constexpr std::string_view IdPrefix = "req_";
constexpr std::size_t IdLength = 30; // "req_" + 26
constexpr std::size_t MaxVarintBytes = 10;

// Version 2: one row per segment of records (version 1 had a row per
// record, as JSON).
constexpr std::string_view Schema = R"sql(
CREATE TABLE IF NOT EXISTS capture_segments (
    first INTEGER PRIMARY KEY,
    count INTEGER NOT NULL,
    size INTEGER NOT NULL,
    data BLOB NOT NULL
);
)sql";

// A segment's data: for each record, varint length then the record:
// varint-prefixed id, varint-prefixed replay_of, then CaptureCodec's bytes.
void putVarint(std::string &out, std::uint64_t value)
{
    while (value >= 0x80) {
        out.push_back(static_cast<char>((value & 0x7f) | 0x80));
        value >>= 7;
    }
    out.push_back(static_cast<char>(value));
}

std::size_t varintSize(std::uint64_t value)
{
    std::size_t size = 1;
    while (value >= 0x80) {
        value >>= 7;
        ++size;
    }
    return size;
}

bool getVarint(std::string_view &in, std::uint64_t &value)
{
    value = 0;
    for (unsigned shift = 0; shift < 64 && !in.empty(); shift += 7) {
        const auto byte = static_cast<unsigned char>(in.front());
        in.remove_prefix(1);
        value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
        if ((byte & 0x80) == 0)
            return true;
    }
    return false;
}

bool getBytes(std::string_view &in, std::string_view &out)
{
    std::uint64_t size = 0;
    if (!getVarint(in, size) || size > in.size())
        return false;
    out = in.substr(0, size);
    in.remove_prefix(size);
    return true;
}

// The records of a segment, in order, as views into its data.
std::optional<std::vector<std::string_view>> splitSegment(std::string_view data)
{
    std::vector<std::string_view> records;
    while (!data.empty()) {
        std::string_view record;
        if (!getBytes(data, record))
            return std::nullopt;
        records.push_back(record);
    }
    return records;
}

std::optional<CaptureRecord> decodeRecord(std::string_view bytes, std::int64_t seq)
{
    std::string_view id;
    std::string_view replayOf;
    if (!getBytes(bytes, id) || !getBytes(bytes, replayOf))
        return std::nullopt;
    auto exchange = CaptureCodec::decode(bytes);
    if (!exchange)
        return std::nullopt;
    CaptureRecord record;
    record.id = std::string(id);
    record.seq = seq;
    record.replayOf = std::string(replayOf);
    record.exchange = std::move(*exchange);
    return record;
}

Result<SqliteDatabase> openConnection(const std::string &path)
{
    auto db = SqliteDatabase::open(path);
    if (!db)
        return db.error();
    sqlite3_busy_timeout(db->handle(), BusyTimeoutMs);
    // Segments are tens of kilobytes: big pages mean few WAL frames (one
    // write each) per segment. Takes effect only when the file is created.
    if (auto page = db->exec("PRAGMA page_size = 65536"); !page)
        return page.error();
    auto mode = db->queryText("PRAGMA journal_mode = WAL");
    if (!mode)
        return makeError("cannot open " + path + ": " + mode.message());
    if (*mode != "wal")
        return makeError("cannot open " + path + ": the file system does not support WAL mode");
    // Captures are a debugging aid: losing the last ones on power loss is
    // fine, an fsync per batch on the writer is not.
    if (auto sync = db->exec("PRAGMA synchronous = NORMAL"); !sync)
        return sync.error();
    // The WAL counts against the disk like the database: checkpoint every
    // 16 MiB (256 pages) and cut the file back to that afterwards, rather
    // than let it grow to twice inspect_db_size under a burst.
    if (auto wal = db->exec("PRAGMA wal_autocheckpoint = 256; PRAGMA journal_size_limit = 16777216"); !wal)
        return wal.error();
    return db;
}

} // namespace

CaptureStore::CaptureStore(SqliteDatabase writer, SqliteDatabase reader, Options options)
    : m_writer(std::move(writer))
    , m_reader(std::move(reader))
    , m_options(options)
    , m_salt(IdGenerator::make("").substr(0, IdGenerator::RandomLength - IdGenerator::SequenceLength))
{}

CaptureStore::~CaptureStore()
{
    const std::lock_guard lock(m_writeMutex);
    (void)persistLocked();
}

Result<std::unique_ptr<CaptureStore>> CaptureStore::open(const std::string &path, Options options)
{
    auto writer = openConnection(path);
    if (!writer)
        return writer.error();
    // Version 1 stored JSON documents; captures are a debugging aid, so an
    // older store is emptied rather than converted.
    auto version = writer->queryInt("PRAGMA user_version");
    if (!version)
        return makeError("cannot open " + path + ": " + version.message());
    if (*version < SchemaVersion) {
        if (auto dropped =
                writer->exec("DROP TABLE IF EXISTS captures; PRAGMA user_version = " + std::to_string(SchemaVersion));
            !dropped)
            return makeError("cannot upgrade the capture store " + path + ": " + dropped.message());
    } else if (*version > SchemaVersion) {
        return makeError(path + " was written by a newer Switchyard (capture store version " +
                         std::to_string(*version) + "); move it away to start a new one");
    }
    if (auto schema = writer->exec(Schema); !schema)
        return makeError("cannot create the capture tables in " + path + ": " + schema.message());
    auto reader = openConnection(path);
    if (!reader)
        return reader.error();
    std::unique_ptr<CaptureStore> store(new CaptureStore(std::move(*writer), std::move(*reader), options));
    if (auto loaded = store->load(); !loaded)
        return makeError("cannot read " + path + ": " + loaded.message());
    return store;
}

Result<void> CaptureStore::load()
{
    auto rows =
        SqliteStatement::prepare(m_writer.handle(), "SELECT first, count, size FROM capture_segments ORDER BY first");
    if (!rows)
        return rows.error();
    while (true) {
        auto row = rows->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        Segment segment{rows->columnInt(0), rows->columnInt(1), static_cast<std::uint64_t>(rows->columnInt(2)), {}};
        m_segments.push_back(segment);
        m_bytes += segment.size;
        m_nextSeq = segment.first + segment.count;
    }
    m_dropBefore = m_segments.empty() ? m_nextSeq : m_segments.front().first;
    applyRetention();
    if (auto persisted = persistLocked(); !persisted)
        return persisted;
    publishVisible();
    return {};
}

Result<void> CaptureStore::insert(std::vector<CaptureRecord> &records)
{
    std::vector<std::string> encoded;
    encoded.reserve(records.size());
    std::vector<EncodedRecord> batch;
    batch.reserve(records.size());
    for (const CaptureRecord &record : records) {
        encoded.push_back(record.encoded.empty() ? CaptureCodec::encode(record.exchange) : record.encoded);
        batch.push_back({encoded.back(), record.replayOf});
    }
    auto first = insertEncoded(batch);
    if (!first)
        return first.error();
    for (std::size_t i = 0; i < records.size(); ++i) {
        records[i].seq = *first + static_cast<std::int64_t>(i);
        records[i].id = idFor(records[i].seq);
    }
    return {};
}

std::string CaptureStore::idFor(std::int64_t seq) const
{
    return IdGenerator::makeSequenced(IdPrefix, static_cast<std::uint64_t>(seq), m_salt);
}

Result<std::int64_t> CaptureStore::insertEncoded(const std::vector<EncodedRecord> &records)
{
    const std::lock_guard lock(m_writeMutex);
    const std::int64_t first = m_nextSeq;
    if (records.empty())
        return first;
    // Small enough that size retention can always get under its budget by
    // dropping whole segments.
    const std::uint64_t segmentBytes =
        std::max<std::uint64_t>(1, std::min<std::uint64_t>(SegmentBytes, m_options.maxBytes / 8));
    auto begin = records.begin();
    std::uint64_t pending = 0;
    for (auto it = records.begin(); it != records.end(); ++it) {
        const std::uint64_t size = it->exchange.size() + 64;
        if (it != begin && (static_cast<std::size_t>(it - begin) >= SegmentRecords || pending + size > segmentBytes)) {
            addSegment(begin, it);
            begin = it;
            pending = 0;
        }
        pending += size;
    }
    addSegment(begin, records.end());
    applyRetention();
    publishVisible();
    const auto now = std::chrono::steady_clock::now();
    if (m_pendingBytes >= std::min<std::uint64_t>(PendingBytes, m_options.maxBytes) ||
        now - m_lastPersist >= m_options.persistInterval) {
        if (auto persisted = persistLocked(); !persisted)
            return persisted.error();
    }
    return first;
}

void CaptureStore::addSegment(std::vector<EncodedRecord>::const_iterator begin,
                              std::vector<EncodedRecord>::const_iterator end)
{
    const std::int64_t first = m_nextSeq;
    auto data = std::make_shared<std::string>();
    std::size_t size = 0;
    for (auto it = begin; it != end; ++it)
        size += 2 * MaxVarintBytes + IdLength + it->replayOf.size() + it->exchange.size();
    data->reserve(size);
    for (auto it = begin; it != end; ++it) {
        const std::string id = idFor(m_nextSeq++);
        putVarint(*data, varintSize(id.size()) + id.size() + varintSize(it->replayOf.size()) + it->replayOf.size() +
                             it->exchange.size());
        putVarint(*data, id.size());
        *data += id;
        putVarint(*data, it->replayOf.size());
        *data += it->replayOf;
        *data += it->exchange;
    }
    Segment segment{first, m_nextSeq - first, data->size() + 64, std::move(data)};
    m_bytes += segment.size;
    m_pendingBytes += segment.size;
    m_segments.push_back(std::move(segment));
}

Result<void> CaptureStore::persist()
{
    const std::lock_guard lock(m_writeMutex);
    return persistLocked();
}

Result<void> CaptureStore::persistLocked()
{
    m_lastPersist = std::chrono::steady_clock::now();
    const bool anyPending = std::any_of(m_segments.begin(), m_segments.end(), [](const Segment &s) { return s.data; });
    if (!anyPending && m_deleteBefore <= m_deleted)
        return {};
    if (auto begin = m_writer.exec("BEGIN IMMEDIATE"); !begin)
        return dropPending(begin);
    if (m_deleteBefore > m_deleted) {
        auto cut = SqliteStatement::prepare(m_writer.handle(), "DELETE FROM capture_segments WHERE first < ?1");
        if (!cut)
            return dropPending(cut.error());
        cut->bind(1, m_deleteBefore);
        if (auto run = cut->run(); !run)
            return dropPending(run);
    }
    if (!m_insert) {
        auto prepared = SqliteStatement::prepare(
            m_writer.handle(), "INSERT INTO capture_segments (first, count, size, data) VALUES (?1, ?2, ?3, ?4)");
        if (!prepared)
            return dropPending(prepared.error());
        m_insert.emplace(std::move(*prepared));
    }
    for (const Segment &segment : m_segments) {
        if (!segment.data)
            continue;
        m_insert->bind(1, segment.first)
            .bind(2, segment.count)
            .bind(3, static_cast<std::int64_t>(segment.size))
            .bindUncopied(4, std::string_view(*segment.data));
        auto run = m_insert->run();
        // The statement no longer points into the segment once reset.
        m_insert->reset();
        if (!run)
            return dropPending(run);
    }
    if (auto commit = m_writer.exec("COMMIT"); !commit)
        return dropPending(commit);
    m_deleted = m_deleteBefore;
    {
        // Readers find them in SQLite from now on.
        const std::lock_guard pending(m_pendingMutex);
        for (Segment &segment : m_segments)
            segment.data.reset();
        m_pendingView.clear();
    }
    m_pendingBytes = 0;
    return {};
}

Result<void> CaptureStore::dropPending(Result<void> failure)
{
    (void)m_writer.exec("ROLLBACK");
    // What could not be written is gone: keeping it would let memory grow
    // while the disk stays full.
    const std::lock_guard pending(m_pendingMutex);
    std::erase_if(m_segments, [this](const Segment &segment) {
        if (segment.data)
            m_bytes -= std::min(segment.size, m_bytes);
        return segment.data != nullptr;
    });
    m_pendingView.clear();
    m_pendingBytes = 0;
    if (!m_segments.empty())
        m_dropBefore = std::max(m_dropBefore, m_segments.front().first);
    else
        m_dropBefore = m_nextSeq;
    publishVisibleLocked();
    return failure;
}

void CaptureStore::dropOldest()
{
    const Segment &front = m_segments.front();
    m_bytes -= std::min(front.size, m_bytes);
    if (front.data)
        m_pendingBytes -= std::min(front.size, m_pendingBytes);
    else
        m_deleteBefore = std::max(m_deleteBefore, front.first + front.count);
    m_dropBefore = front.first + front.count;
    m_segments.pop_front();
}

std::int64_t CaptureStore::firstVisibleSeq() const
{
    if (m_segments.empty())
        return m_nextSeq;
    const auto keep = static_cast<std::int64_t>(m_options.maxRecords);
    return std::max({m_segments.front().first, m_dropBefore, m_nextSeq - keep});
}

void CaptureStore::applyRetention()
{
    // Segments none of whose records is among the newest maxRecords.
    while (!m_segments.empty() && m_segments.front().first + m_segments.front().count <= firstVisibleSeq())
        dropOldest();
    while (!m_segments.empty() && m_bytes > m_options.maxBytes)
        dropOldest();
}

void CaptureStore::publishVisible()
{
    const std::lock_guard pending(m_pendingMutex);
    publishVisibleLocked();
}

void CaptureStore::publishVisibleLocked()
{
    const std::int64_t first = firstVisibleSeq();
    m_firstVisible.store(first);
    m_visible.store(m_segments.empty() ? 0 : m_segments.back().first + m_segments.back().count - first);
    m_pendingView.clear();
    for (const Segment &segment : m_segments)
        if (segment.data)
            m_pendingView.push_back({segment.first, segment.data});
}

std::vector<CaptureStore::PendingSegment> CaptureStore::pendingSnapshot() const
{
    const std::lock_guard pending(m_pendingMutex);
    return m_pendingView;
}

Result<std::vector<CaptureRecord>> CaptureStore::decodeSegment(std::int64_t first, std::string_view data) const
{
    auto parts = splitSegment(data);
    if (!parts)
        return makeError("capture segment " + std::to_string(first) + " is damaged");
    std::vector<CaptureRecord> out;
    const std::int64_t visibleFrom = m_firstVisible.load();
    for (std::size_t i = 0; i < parts->size(); ++i) {
        const std::int64_t seq = first + static_cast<std::int64_t>(i);
        if (seq < visibleFrom)
            continue;
        auto record = decodeRecord((*parts)[i], seq);
        if (!record)
            return makeError("capture " + std::to_string(seq) + " is damaged");
        out.push_back(std::move(*record));
    }
    return out;
}

Result<std::vector<CaptureRecord>> CaptureStore::list(std::size_t limit, const std::string &endpoint) const
{
    std::vector<CaptureRecord> out;
    const auto take = [&](std::int64_t first, std::string_view data) -> Result<void> {
        auto records = decodeSegment(first, data);
        if (!records)
            return records.error();
        for (auto it = records->rbegin(); it != records->rend() && out.size() < limit; ++it)
            if (endpoint.empty() || it->exchange.endpointName == endpoint || it->exchange.endpointUrl == endpoint)
                out.push_back(std::move(*it));
        return {};
    };
    // The newest are still in memory; SQLite has everything before them
    // (a segment is dropped from memory only once its commit is visible).
    const std::vector<PendingSegment> pending = pendingSnapshot();
    for (auto it = pending.rbegin(); it != pending.rend() && out.size() < limit; ++it)
        if (auto taken = take(it->first, *it->data); !taken)
            return taken.error();
    const std::int64_t persistedBefore = pending.empty() ? INT64_MAX : pending.front().first;
    const std::lock_guard lock(m_readMutex);
    auto statement = SqliteStatement::prepare(
        m_reader.handle(), "SELECT first, data FROM capture_segments WHERE first < ?1 ORDER BY first DESC");
    if (!statement)
        return statement.error();
    statement->bind(1, persistedBefore);
    while (out.size() < limit) {
        auto row = statement->step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        if (auto taken = take(statement->columnInt(0), statement->columnText(1)); !taken)
            return taken.error();
    }
    return out;
}

Result<std::optional<CaptureRecord>> CaptureStore::get(const std::string &id) const
{
    const auto seq = IdGenerator::sequenceOf(id, IdPrefix);
    if (!seq || static_cast<std::int64_t>(*seq) < m_firstVisible.load())
        return std::optional<CaptureRecord>();
    const auto find = [&](std::int64_t first, std::string_view data) -> Result<std::optional<CaptureRecord>> {
        auto records = decodeSegment(first, data);
        if (!records)
            return records.error();
        for (CaptureRecord &record : *records)
            if (record.id == id)
                return std::optional<CaptureRecord>(std::move(record));
        return std::optional<CaptureRecord>();
    };
    const std::vector<PendingSegment> pending = pendingSnapshot();
    for (auto it = pending.rbegin(); it != pending.rend(); ++it)
        if (it->first <= static_cast<std::int64_t>(*seq))
            return find(it->first, *it->data);
    const std::lock_guard lock(m_readMutex);
    auto statement = SqliteStatement::prepare(
        m_reader.handle(), "SELECT first, data FROM capture_segments WHERE first <= ?1 ORDER BY first DESC LIMIT 1");
    if (!statement)
        return statement.error();
    statement->bind(1, static_cast<std::int64_t>(*seq));
    auto row = statement->step();
    if (!row)
        return row.error();
    if (!*row)
        return std::optional<CaptureRecord>();
    return find(statement->columnInt(0), statement->columnText(1));
}

Result<void> CaptureStore::clear()
{
    const std::lock_guard lock(m_writeMutex);
    if (auto deleted = m_writer.exec("DELETE FROM capture_segments"); !deleted)
        return deleted;
    // Sequence numbers go on: an id handed out before must not name a
    // later exchange.
    m_segments.clear();
    m_bytes = 0;
    m_pendingBytes = 0;
    m_dropBefore = m_nextSeq;
    m_deleteBefore = m_deleted = m_nextSeq;
    publishVisible();
    return {};
}

Result<std::int64_t> CaptureStore::count() const
{
    return m_visible.load();
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
