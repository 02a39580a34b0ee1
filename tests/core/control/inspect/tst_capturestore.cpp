// SPDX-License-Identifier: Apache-2.0
// The inspector's storage side without sockets: CaptureStore (SQLite WAL,
// segments, retention by count and size, concurrent readers, the binary
// encoding), CaptureQueue (bounded,
// drops and counts) and CaptureWriter (one thread, ids, replay links).
#include "control/inspect/capturecodec.h"
#include "control/inspect/capturejson.h"
#include "control/inspect/capturequeue.h"
#include "control/inspect/capturestore.h"
#include "control/inspect/capturewriter.h"
#include "control/inspect/trafficmetrics.h"
#include "control/sqlitedatabase.h"
#include "model/idgenerator.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <thread>

using namespace switchyard;

class TestCaptureStore : public QObject
{
    Q_OBJECT

private slots:
    void roundTrip();
    void codecRejectsDamage();
    void newestFirstAndFilter();
    void retentionByCount();
    void retentionBySize();
    void manyInOneBatch();
    void reopenKeepsRecords();
    void olderStoreIsEmptied();
    void walMode();
    void concurrentReads();
    void pendingUntilPersisted();
    void retentionBeforePersist();
    void walStaysSmall();
    void clear();
    void queueDropsWhenFull();
    void queueDisabled();
    void queueManyThreads();
    void writerLinksReplays();
    void metricsPercentiles();

private:
    static CapturedExchange exchange(const std::string &endpoint, const std::string &target, std::size_t bodySize = 3);
    static CaptureRecord record(const std::string &id, CapturedExchange e);
    static QStringList targets(const std::vector<CaptureRecord> &records);
    std::unique_ptr<CaptureStore> open(CaptureStore::Options options = {});

    QTemporaryDir m_dir;
    int m_files = 0;
};

CapturedExchange TestCaptureStore::exchange(const std::string &endpoint, const std::string &target,
                                            std::size_t bodySize)
{
    CapturedExchange e;
    e.start = std::chrono::system_clock::time_point(std::chrono::microseconds(1795000000123456));
    e.endpointName = endpoint;
    e.endpointUrl = "https://" + endpoint + ".example";
    e.chain = {e.endpointUrl, "https://inner.internal"};
    e.clientAddress = "127.0.0.1:5000";
    e.method = "POST";
    e.target = target;
    e.requestProto = "HTTP/1.1";
    e.requestHeaders = {{"Host", endpoint + ".example"}, {"X-A", "1"}, {"X-A", "2"}};
    e.requestBody = std::string(bodySize, 'q');
    e.requestBytes = bodySize;
    e.hasResponse = true;
    e.status = 201;
    e.reason = "Created";
    e.responseProto = "HTTP/1.1";
    e.responseHeaders = {{"Content-Type", "application/octet-stream"}};
    e.responseBody = std::string("\x00\xff\x01", 3);
    e.responseBodyTruncated = true;
    e.responseBytes = 5000;
    e.upstreamConnectedNs = 1000;
    e.firstByteNs = 2000;
    e.durationNs = 3000;
    e.errorCode = "ERR_SWITCHYARD_8012";
    return e;
}

CaptureRecord TestCaptureStore::record(const std::string &id, CapturedExchange e)
{
    CaptureRecord r;
    r.id = id;
    r.exchange = std::move(e);
    return r;
}

std::unique_ptr<CaptureStore> TestCaptureStore::open(CaptureStore::Options options)
{
    auto store = CaptureStore::open(m_dir.filePath(QString("c%1.db").arg(++m_files)).toStdString(), options);
    if (!store)
        qWarning("%s", store.message().c_str());
    return store ? std::move(*store) : nullptr;
}

void TestCaptureStore::roundTrip()
{
    auto store = open();
    QVERIFY(store);
    std::vector<CaptureRecord> records{record("ignored", exchange("web", "/a?x=1"))};
    records[0].replayOf = "req_0";
    QVERIFY(store->insert(records).ok());
    QVERIFY(records[0].seq > 0);
    // The store names records: "req_" and 26 characters of the id alphabet.
    QVERIFY(IdGenerator::looksLike(records[0].id, "req_"));
    auto got = store->get(records[0].id);
    QVERIFY(got.ok() && got->has_value());
    const CaptureRecord &r = **got;
    QCOMPARE(r.id, records[0].id);
    QCOMPARE(r.replayOf, std::string("req_0"));
    QCOMPARE(r.seq, records[0].seq);
    const CapturedExchange expected = exchange("web", "/a?x=1");
    const CapturedExchange &e = r.exchange;
    QVERIFY(e.start == expected.start);
    QCOMPARE(e.method, std::string("POST"));
    QCOMPARE(e.target, std::string("/a?x=1"));
    QVERIFY(e.requestHeaders == expected.requestHeaders);
    QVERIFY(e.chain == expected.chain);
    QCOMPARE(e.responseBody, std::string("\x00\xff\x01", 3));
    QVERIFY(e.responseBodyTruncated);
    QVERIFY(!e.requestBodyTruncated);
    QCOMPARE(e.responseBytes, std::uint64_t(5000));
    QCOMPARE(e.status, 201);
    QCOMPARE(e.errorCode, std::string("ERR_SWITCHYARD_8012"));
    QCOMPARE(e.firstByteNs, std::int64_t(2000));
    QCOMPARE(CaptureJson::timestamp(e.start), std::string("2026-11-18T11:06:40.123456Z"));

    // Unknown, malformed, and a well-formed id of this sequence number with
    // another tail (another store's record) all miss.
    for (const std::string &other : {std::string("req_nope"), std::string("req_"), std::string("ep_") +
                                      records[0].id.substr(4), records[0].id.substr(0, 14) + "AAAAAAAAAAAAAAAA",
                                      IdGenerator::make("req_")}) {
        auto missing = store->get(other);
        QVERIFY(missing.ok());
        QVERIFY2(!missing->has_value(), other.c_str());
    }
}

void TestCaptureStore::codecRejectsDamage()
{
    CapturedExchange e = exchange("web", "/a", 100);
    e.firedRules = {{"https://web.example", PolicyPhase::HttpResponse, 2, "tag", {"add-headers", "log"}}};
    e.logs = {{"on_http_response[2].actions[1]", "https://web.example", {{"k", "v"}, {"n", ""}}}};
    const std::string bytes = CaptureCodec::encode(e);
    auto back = CaptureCodec::decode(bytes);
    QVERIFY(back);
    QCOMPARE(back->firedRules.size(), std::size_t(1));
    QVERIFY(back->firedRules[0].phase == PolicyPhase::HttpResponse);
    QCOMPARE(back->firedRules[0].index, std::size_t(2));
    QCOMPARE(back->firedRules[0].name, std::string("tag"));
    QVERIFY(back->firedRules[0].actions == std::vector<std::string>({"add-headers", "log"}));
    QCOMPARE(back->logs.size(), std::size_t(1));
    QCOMPARE(back->logs[0].path, std::string("on_http_response[2].actions[1]"));
    QVERIFY(back->logs[0].metadata == e.logs[0].metadata);
    QVERIFY(back->requestHeaders == e.requestHeaders);
    QCOMPARE(back->requestBody, e.requestBody);
    QCOMPARE(back->status, 201);
    QCOMPARE(back->durationNs, std::int64_t(3000));
    QCOMPARE(back->upstreamConnectedNs, std::int64_t(1000));
    // Every cut, an extra byte, an unknown version: nothing, never a crash
    // or a huge allocation.
    for (std::size_t size = 0; size < bytes.size(); ++size)
        QVERIFY2(!CaptureCodec::decode(std::string_view(bytes).substr(0, size)), std::to_string(size).c_str());
    QVERIFY(!CaptureCodec::decode(bytes + "x"));
    std::string otherVersion = bytes;
    otherVersion[0] = 9;
    QVERIFY(!CaptureCodec::decode(otherVersion));
    // A header count far beyond the input.
    CapturedExchange many;
    std::string huge = CaptureCodec::encode(many);
    QVERIFY(CaptureCodec::decode(huge));
    huge.replace(huge.size() - 2, 2, "\xff\xff\xff\xff\x0f");
    QVERIFY(!CaptureCodec::decode(huge));
    // Negative timings (-1: did not happen) survive.
    many.firstByteNs = -1;
    many.upstreamConnectedNs = -1;
    auto negative = CaptureCodec::decode(CaptureCodec::encode(many));
    QVERIFY(negative);
    QCOMPARE(negative->firstByteNs, std::int64_t(-1));
}

QStringList TestCaptureStore::targets(const std::vector<CaptureRecord> &records)
{
    QStringList out;
    for (const CaptureRecord &r : records)
        out << QString::fromStdString(r.exchange.target);
    return out;
}

void TestCaptureStore::newestFirstAndFilter()
{
    auto store = open();
    QVERIFY(store);
    std::vector<CaptureRecord> records;
    for (int i = 0; i < 6; ++i)
        records.push_back(record({}, exchange(i % 2 ? "odd" : "even", "/" + std::to_string(i))));
    QVERIFY(store->insert(records).ok());
    // Ids of later records sort later and are all different.
    for (std::size_t i = 1; i < records.size(); ++i)
        QVERIFY(records[i - 1].id < records[i].id);
    auto all = store->list(100);
    QVERIFY(all.ok());
    QCOMPARE(targets(*all), QStringList({"/5", "/4", "/3", "/2", "/1", "/0"}));
    QCOMPARE((*all)[0].id, records[5].id);
    QCOMPARE(targets(*store->list(2)), QStringList({"/5", "/4"}));
    QCOMPARE(targets(*store->list(100, "odd")), QStringList({"/5", "/3", "/1"}));
    QCOMPARE(targets(*store->list(100, "https://even.example")), QStringList({"/4", "/2", "/0"}));
    QCOMPARE(store->list(100, "none")->size(), std::size_t(0));
}

void TestCaptureStore::retentionByCount()
{
    auto store = open({5, 1ull << 30});
    QVERIFY(store);
    std::vector<std::string> ids;
    for (int batch = 0; batch < 2; ++batch) {
        std::vector<CaptureRecord> records;
        for (int i = 0; i < 4; ++i)
            records.push_back(record({}, exchange("web", "/" + std::to_string(batch * 4 + i))));
        QVERIFY(store->insert(records).ok());
        for (const CaptureRecord &r : records)
            ids.push_back(r.id);
    }
    QCOMPARE(*store->count(), std::int64_t(5));
    QCOMPARE(targets(*store->list(100)), QStringList({"/7", "/6", "/5", "/4", "/3"}));
    QVERIFY(!store->get(ids[2])->has_value());
    QVERIFY(store->get(ids[3])->has_value());
}

void TestCaptureStore::retentionBySize()
{
    // Each record is a bit over 12 KB encoded: a 40 KB budget keeps 3.
    auto store = open({1000, 40 * 1024});
    QVERIFY(store);
    std::vector<std::string> ids;
    for (int i = 0; i < 10; ++i) {
        std::vector<CaptureRecord> records{record({}, exchange("web", "/" + std::to_string(i), 12000))};
        QVERIFY(store->insert(records).ok());
        ids.push_back(records[0].id);
        QVERIFY2(store->storedBytes() <= 40 * 1024, std::to_string(store->storedBytes()).c_str());
    }
    QCOMPARE(*store->count(), std::int64_t(3));
    QCOMPARE(store->list(1)->front().exchange.target, std::string("/9"));
    QVERIFY(store->get(ids[7])->has_value());
    QVERIFY(!store->get(ids[6])->has_value());

    // Ten at once: the budget still holds, the newest are kept.
    std::vector<CaptureRecord> batch;
    for (int i = 10; i < 20; ++i)
        batch.push_back(record({}, exchange("web", "/" + std::to_string(i), 12000)));
    QVERIFY(store->insert(batch).ok());
    QVERIFY2(store->storedBytes() <= 40 * 1024, std::to_string(store->storedBytes()).c_str());
    QVERIFY(*store->count() >= 2);
    QCOMPARE(store->list(1)->front().exchange.target, std::string("/19"));
}

void TestCaptureStore::manyInOneBatch()
{
    // More than a segment holds: every record is listed, in order, and
    // found by id; the count budget cuts inside a segment exactly.
    const std::size_t total = CaptureStore::SegmentRecords * 2 + 17;
    auto store = open({total - 5, 1ull << 30});
    QVERIFY(store);
    std::vector<CaptureRecord> records;
    for (std::size_t i = 0; i < total; ++i)
        records.push_back(record({}, exchange("web", "/" + std::to_string(i))));
    QVERIFY(store->insert(records).ok());
    QCOMPARE(*store->count(), std::int64_t(total - 5));
    auto all = store->list(total);
    QCOMPARE(all->size(), total - 5);
    for (std::size_t i = 0; i < all->size(); ++i)
        QCOMPARE((*all)[i].exchange.target, "/" + std::to_string(total - 1 - i));
    for (std::size_t i : {std::size_t(5), CaptureStore::SegmentRecords, total - 1}) {
        auto got = store->get(records[i].id);
        QVERIFY(got->has_value());
        QCOMPARE((*got)->exchange.target, "/" + std::to_string(i));
    }
    QVERIFY(!store->get(records[4].id)->has_value());
}

void TestCaptureStore::reopenKeepsRecords()
{
    const QString path = m_dir.filePath("reopen.db");
    std::string id;
    {
        auto store = CaptureStore::open(path.toStdString(), {});
        QVERIFY(store);
        std::vector<CaptureRecord> records{record({}, exchange("web", "/kept"))};
        QVERIFY((*store)->insert(records).ok());
        id = records[0].id;
    }
    auto store = CaptureStore::open(path.toStdString(), {});
    QVERIFY(store);
    QCOMPARE(*(*store)->count(), std::int64_t(1));
    QCOMPARE((*(*store)->get(id))->exchange.target, std::string("/kept"));
    // Numbering goes on after the stored ones.
    std::vector<CaptureRecord> more{record({}, exchange("web", "/next"))};
    QVERIFY((*store)->insert(more).ok());
    QVERIFY(more[0].seq > (*(*store)->get(id))->seq);
    QCOMPARE(targets(*(*store)->list(10)), QStringList({"/next", "/kept"}));
}

void TestCaptureStore::olderStoreIsEmptied()
{
    // A version 1 store (a row per record, as JSON) is emptied, not misread.
    const QString path = m_dir.filePath("v1.db");
    {
        auto db = SqliteDatabase::open(path.toStdString());
        QVERIFY(db);
        QVERIFY(db->exec("CREATE TABLE captures (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, "
                         "endpoint_name TEXT NOT NULL, endpoint_url TEXT NOT NULL, replay_of TEXT NOT NULL, "
                         "data BLOB NOT NULL, size INTEGER NOT NULL);"
                         "INSERT INTO captures VALUES (1, 'req_X', 'web', 'https://web.example', '', '{}', 10)")
                    .ok());
    }
    auto store = CaptureStore::open(path.toStdString(), {});
    QVERIFY2(store, store ? "" : store.message().c_str());
    QCOMPARE(*(*store)->count(), std::int64_t(0));
    std::vector<CaptureRecord> records{record({}, exchange("web", "/new"))};
    QVERIFY((*store)->insert(records).ok());
    QCOMPARE((*store)->list(10)->size(), std::size_t(1));
    // And a store from a newer Switchyard is left alone with a clear error.
    {
        auto db = SqliteDatabase::open(path.toStdString());
        QVERIFY(db->exec("PRAGMA user_version = 99").ok());
    }
    auto newer = CaptureStore::open(path.toStdString(), {});
    QVERIFY(!newer);
    QVERIFY2(newer.message().find("newer Switchyard") != std::string::npos, newer.message().c_str());
}

void TestCaptureStore::walMode()
{
    auto store = open();
    QVERIFY(store);
    QCOMPARE(store->journalMode(), std::string("wal"));
    std::vector<CaptureRecord> records{record({}, exchange("web", "/"))};
    QVERIFY(store->insert(records).ok());
    QVERIFY(QFile::exists(m_dir.filePath(QString("c%1.db-wal").arg(m_files))));
}

void TestCaptureStore::concurrentReads()
{
    auto store = open({100000, 1ull << 30});
    QVERIFY(store);
    std::atomic<bool> done{false};
    std::atomic<int> readErrors{0};
    std::atomic<int> reads{0};
    std::atomic<int> unordered{0};
    std::vector<std::thread> readers;
    for (int t = 0; t < 3; ++t)
        readers.emplace_back([&] {
            while (!done.load()) {
                auto list = store->list(50);
                if (!list) {
                    ++readErrors;
                    continue;
                }
                for (std::size_t i = 1; i < list->size(); ++i)
                    if ((*list)[i - 1].seq <= (*list)[i].seq)
                        ++unordered;
                ++reads;
            }
        });
    for (int batch = 0; batch < 50; ++batch) {
        std::vector<CaptureRecord> records;
        for (int i = 0; i < 20; ++i)
            records.push_back(record({}, exchange("web", "/")));
        QVERIFY(store->insert(records).ok());
    }
    done = true;
    for (std::thread &t : readers)
        t.join();
    QCOMPARE(readErrors.load(), 0);
    QCOMPARE(unordered.load(), 0);
    QVERIFY(reads.load() > 0);
    QCOMPARE(*store->count(), std::int64_t(1000));
}

static std::int64_t sqliteRows(const QString &path, const char *query = "SELECT count(*) FROM capture_segments")
{
    auto db = SqliteDatabase::open(path.toStdString());
    if (!db)
        return -1;
    auto rows = db->queryInt(query);
    return rows ? *rows : -1;
}

void TestCaptureStore::pendingUntilPersisted()
{
    // Within the interval, new segments are only in memory, yet readable;
    // persist() (and the destructor) writes them.
    const QString path = m_dir.filePath("pending.db");
    std::vector<std::string> ids;
    {
        auto opened = CaptureStore::open(path.toStdString(), {1000, 1ull << 30, std::chrono::hours(1)});
        QVERIFY(opened);
        CaptureStore &store = **opened;
        for (int i = 0; i < 4; ++i) {
            std::vector<CaptureRecord> records{record({}, exchange("web", "/" + std::to_string(i)))};
            QVERIFY(store.insert(records).ok());
            ids.push_back(records[0].id);
        }
        // Nothing is written within the interval (counted from open).
        QCOMPARE(sqliteRows(path), std::int64_t(0));
        QCOMPARE(*store.count(), std::int64_t(4));
        QCOMPARE(targets(*store.list(10)), QStringList({"/3", "/2", "/1", "/0"}));
        QCOMPARE((*store.get(ids[2]))->exchange.target, std::string("/2"));
        QCOMPARE(targets(*store.list(2)), QStringList({"/3", "/2"}));
        QVERIFY(store.persist().ok());
        QCOMPARE(sqliteRows(path), std::int64_t(4));
        QCOMPARE(targets(*store.list(10)), QStringList({"/3", "/2", "/1", "/0"}));
        std::vector<CaptureRecord> last{record({}, exchange("web", "/4"))};
        QVERIFY(store.insert(last).ok());
        QCOMPARE(sqliteRows(path), std::int64_t(4));
    }
    QCOMPARE(sqliteRows(path), std::int64_t(5));
    auto reopened = CaptureStore::open(path.toStdString(), {});
    QVERIFY(reopened);
    QCOMPARE(targets(*(*reopened)->list(10)), QStringList({"/4", "/3", "/2", "/1", "/0"}));
}

void TestCaptureStore::retentionBeforePersist()
{
    // Segments that leave the window while in memory are never written;
    // a written one that leaves it is deleted at the next write.
    const QString path = m_dir.filePath("window.db");
    {
        auto opened = CaptureStore::open(path.toStdString(), {5, 1ull << 30, std::chrono::hours(1)});
        QVERIFY(opened);
        CaptureStore &store = **opened;
        for (int i = 0; i < 12; ++i) {
            std::vector<CaptureRecord> records{record({}, exchange("web", "/" + std::to_string(2 * i))),
                                               record({}, exchange("web", "/" + std::to_string(2 * i + 1)))};
            QVERIFY(store.insert(records).ok());
        }
        QCOMPARE(sqliteRows(path), std::int64_t(0));
        QCOMPARE(*store.count(), std::int64_t(5));
        QCOMPARE(targets(*store.list(10)), QStringList({"/23", "/22", "/21", "/20", "/19"}));
        QVERIFY(store.persist().ok());
        // The three segments holding /18../23 (the window cuts the first).
        QCOMPARE(sqliteRows(path), std::int64_t(3));
        QCOMPARE(sqliteRows(path, "SELECT min(first) FROM capture_segments"), std::int64_t(19));
        for (int i = 12; i < 15; ++i) {
            std::vector<CaptureRecord> records{record({}, exchange("web", "/" + std::to_string(2 * i))),
                                               record({}, exchange("web", "/" + std::to_string(2 * i + 1)))};
            QVERIFY(store.insert(records).ok());
        }
        QVERIFY(store.persist().ok());
        QCOMPARE(sqliteRows(path), std::int64_t(3));
        QCOMPARE(sqliteRows(path, "SELECT min(first) FROM capture_segments"), std::int64_t(25));
        QCOMPARE(targets(*store.list(10)), QStringList({"/29", "/28", "/27", "/26", "/25"}));
    }
    auto reopened = CaptureStore::open(path.toStdString(), {5, 1ull << 30});
    QVERIFY(reopened);
    QCOMPARE(*(*reopened)->count(), std::int64_t(5));
    QCOMPARE(targets(*(*reopened)->list(10)), QStringList({"/29", "/28", "/27", "/26", "/25"}));
}

void TestCaptureStore::walStaysSmall()
{
    // 40 MiB of captures written one by one: the WAL is checkpointed and cut
    // back, so it never grows to the default checkpoint size (64 MiB with
    // these pages) on top of the database.
    const QString path = m_dir.filePath("wal.db");
    auto opened = CaptureStore::open(path.toStdString(), {1000, 1ull << 30, std::chrono::milliseconds(0)});
    QVERIFY(opened);
    std::int64_t largest = 0;
    for (int i = 0; i < 40; ++i) {
        std::vector<CaptureRecord> records{record({}, exchange("web", "/" + std::to_string(i), 1024 * 1024))};
        QVERIFY((*opened)->insert(records).ok());
        largest = std::max<std::int64_t>(largest, QFileInfo(path + "-wal").size());
    }
    QVERIFY2(largest <= 20 * 1024 * 1024, std::to_string(largest).c_str());
    QCOMPARE(*(*opened)->count(), std::int64_t(40));
}

void TestCaptureStore::clear()
{
    auto store = open();
    QVERIFY(store);
    std::vector<CaptureRecord> records{record({}, exchange("web", "/")), record({}, exchange("web", "/"))};
    QVERIFY(store->insert(records).ok());
    QVERIFY(store->clear().ok());
    QCOMPARE(*store->count(), std::int64_t(0));
    QCOMPARE(store->storedBytes(), std::uint64_t(0));
    QVERIFY(store->list(10)->empty());
    QVERIFY(!store->get(records[0].id)->has_value());
    // An id handed out before the clear never names a later record.
    std::vector<CaptureRecord> later{record({}, exchange("web", "/later"))};
    QVERIFY(store->insert(later).ok());
    QVERIFY(later[0].id != records[0].id && later[0].id != records[1].id);
    QCOMPARE(*store->count(), std::int64_t(1));
}

void TestCaptureStore::queueDropsWhenFull()
{
    TrafficMetrics metrics;
    CaptureQueue queue(2, &metrics);
    for (int i = 0; i < 5; ++i)
        queue.submit(exchange("web", "/"));
    QCOMPARE(queue.submitted(), std::uint64_t(2));
    QCOMPARE(queue.dropped(), std::uint64_t(3));
    // Metrics count dropped exchanges too.
    QCOMPARE(metrics.snapshot("https://web.example")->requests, std::uint64_t(5));
    QCOMPARE(queue.take(std::chrono::milliseconds(0)).size(), std::size_t(2));
    QCOMPARE(queue.take(std::chrono::milliseconds(0)).size(), std::size_t(0));

    // The byte budget: two 3 KB bodies fit in 8 KB, the third does not.
    CaptureQueue bounded(100, nullptr, 8 * 1024);
    for (int i = 0; i < 3; ++i)
        bounded.submit(exchange("web", "/", 3000));
    QCOMPARE(bounded.submitted(), std::uint64_t(2));
    QCOMPARE(bounded.dropped(), std::uint64_t(1));
    QCOMPARE(bounded.take(std::chrono::milliseconds(0)).size(), std::size_t(2));
    bounded.submit(exchange("web", "/", 3000));
    QCOMPARE(bounded.submitted(), std::uint64_t(3));
}

void TestCaptureStore::queueDisabled()
{
    CaptureQueue queue;
    QVERIFY(queue.enabled());
    queue.setEnabled(false);
    QVERIFY(!queue.enabled());
}

void TestCaptureStore::queueManyThreads()
{
    // Each producer thread writes its own shard: nothing is lost or mixed
    // up, and each thread's exchanges stay in order.
    CaptureQueue queue;
    constexpr int Threads = 4;
    constexpr int PerThread = 500;
    std::vector<std::thread> producers;
    for (int t = 0; t < Threads; ++t)
        producers.emplace_back([&queue, t] {
            for (int i = 0; i < PerThread; ++i) {
                CapturedExchange e = exchange("web", "/" + std::to_string(t) + "/" + std::to_string(i));
                e.requestBody.assign(static_cast<std::size_t>(i % 7) * 100, 'b');
                queue.submit(e);
            }
        });
    std::vector<std::string> targetsSeen;
    std::size_t taken = 0;
    const auto drain = [&] {
        CaptureBatch batch = queue.take(std::chrono::milliseconds(5));
        taken += batch.size();
        for (std::string_view bytes : batch.records()) {
            auto e = CaptureCodec::decode(bytes);
            QVERIFY(e.has_value());
            targetsSeen.push_back(e->target);
        }
        queue.recycle(std::move(batch));
    };
    for (std::thread &t : producers)
        t.join();
    while (taken < std::size_t(Threads * PerThread) && queue.submitted() == std::uint64_t(Threads * PerThread)) {
        const std::size_t before = taken;
        drain();
        if (taken == before)
            break;
    }
    QCOMPARE(queue.dropped(), std::uint64_t(0));
    QCOMPARE(taken, std::size_t(Threads * PerThread));
    std::vector<int> next(Threads, 0);
    for (const std::string &target : targetsSeen) {
        const int t = target[1] - '0';
        QCOMPARE(target, "/" + std::to_string(t) + "/" + std::to_string(next[t]));
        ++next[t];
    }
    // Across threads the order is the submission order, not the shards':
    // the first thread to submit has the lower shard, yet submits last.
    std::atomic<int> step{0};
    std::thread early([&] {
        queue.submit(exchange("web", "/registers"));
        step = 1;
        while (step.load() != 2)
            std::this_thread::yield();
        queue.submit(exchange("web", "/second"));
    });
    while (step.load() != 1)
        std::this_thread::yield();
    queue.recycle(queue.take(std::chrono::milliseconds(0)));
    std::thread late([&] { queue.submit(exchange("web", "/first")); });
    late.join();
    step = 2;
    early.join();
    std::vector<std::string> order;
    const CaptureBatch both = queue.take(std::chrono::milliseconds(0));
    for (std::string_view bytes : both.records())
        order.push_back(CaptureCodec::decode(bytes)->target);
    QCOMPARE(order, (std::vector<std::string>{"/first", "/second"}));

    // Empty again: a take() waits for its timeout and returns nothing.
    QCOMPARE(queue.take(std::chrono::milliseconds(1)).size(), std::size_t(0));
}

void TestCaptureStore::writerLinksReplays()
{
    auto store = open();
    QVERIFY(store);
    CaptureQueue queue;
    {
        CaptureWriter writer(queue, *store);
        queue.submit(exchange("web", "/first"));
        QVERIFY(writer.flush());
        const std::string original = store->list(1)->front().id;
        QVERIFY(original.starts_with("req_"));
        writer.expectReplay("127.0.0.1:6001", original);
        CapturedExchange replay = exchange("web", "/again");
        replay.clientAddress = "127.0.0.1:6001";
        queue.submit(std::move(replay));
        queue.submit(exchange("web", "/other"));
        QVERIFY(writer.flush());
        QCOMPARE(writer.written(), std::uint64_t(3));
        auto list = store->list(10);
        QCOMPARE(list->size(), std::size_t(3));
        QCOMPARE((*list)[0].exchange.target, std::string("/other"));
        QCOMPARE((*list)[0].replayOf, std::string());
        QCOMPARE((*list)[1].exchange.target, std::string("/again"));
        QCOMPARE((*list)[1].replayOf, original);
        queue.submit(exchange("web", "/last"));
    }
    // The destructor writes what was still queued.
    QCOMPARE(store->list(1)->front().exchange.target, std::string("/last"));
}

void TestCaptureStore::metricsPercentiles()
{
    TrafficMetrics metrics;
    for (int i = 1; i <= 100; ++i) {
        CapturedExchange e = exchange("web", "/");
        e.durationNs = i * 1000;
        e.status = i <= 90 ? 200 : 503;
        e.requestBytes = 2;
        e.responseBytes = 10;
        metrics.record(e);
    }
    const auto s = metrics.snapshot("https://web.example");
    QVERIFY(s);
    QCOMPARE(s->requests, std::uint64_t(100));
    QCOMPARE(s->statusClasses[1], std::uint64_t(90));
    QCOMPARE(s->statusClasses[4], std::uint64_t(10));
    QCOMPARE(s->p50, std::int64_t(50000));
    QCOMPARE(s->p90, std::int64_t(90000));
    QCOMPARE(s->p99, std::int64_t(99000));
    QCOMPARE(s->bytesIn, std::uint64_t(200));
    QCOMPARE(s->bytesOut, std::uint64_t(1000));
    const std::string text = metrics.prometheusText();
    QVERIFY(text.find("switchyard_http_requests_total{endpoint=\"https://web.example\",name=\"web\",class=\"5xx\"} 10\n")
            != std::string::npos);
    QVERIFY(text.find("quantile=\"0.99\"} 9.9e-05\n") != std::string::npos);
    QCOMPARE(metrics.json("https://web.example").value("http").toObject().value("count").toInteger(), 100);
    QCOMPARE(metrics.json("https://none.example").value("http").toObject().value("count").toInteger(), 0);
}

QTEST_GUILESS_MAIN(TestCaptureStore)
#include "tst_capturestore.moc"
