// SPDX-License-Identifier: Apache-2.0
// The inspector's storage side without sockets: CaptureStore (SQLite WAL,
// retention by count and size, concurrent readers), CaptureQueue (bounded,
// drops and counts) and CaptureWriter (one thread, ids, replay links).
#include "control/inspect/capturejson.h"
#include "control/inspect/capturequeue.h"
#include "control/inspect/capturestore.h"
#include "control/inspect/capturewriter.h"
#include "control/inspect/trafficmetrics.h"

#include <QFile>
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
    void newestFirstAndFilter();
    void retentionByCount();
    void retentionBySize();
    void walMode();
    void concurrentReads();
    void clear();
    void queueDropsWhenFull();
    void queueDisabled();
    void writerLinksReplays();
    void metricsPercentiles();

private:
    static CapturedExchange exchange(const std::string &endpoint, const std::string &target, std::size_t bodySize = 3);
    static CaptureRecord record(const std::string &id, CapturedExchange e);
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
    std::vector<CaptureRecord> records{record("req_1", exchange("web", "/a?x=1"))};
    records[0].replayOf = "req_0";
    QVERIFY(store->insert(records).ok());
    QVERIFY(records[0].seq > 0);
    auto got = store->get("req_1");
    QVERIFY(got.ok() && got->has_value());
    const CaptureRecord &r = **got;
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

    auto missing = store->get("req_nope");
    QVERIFY(missing.ok());
    QVERIFY(!missing->has_value());
}

void TestCaptureStore::newestFirstAndFilter()
{
    auto store = open();
    QVERIFY(store);
    std::vector<CaptureRecord> records;
    for (int i = 0; i < 6; ++i)
        records.push_back(record("req_" + std::to_string(i), exchange(i % 2 ? "odd" : "even", "/" + std::to_string(i))));
    QVERIFY(store->insert(records).ok());
    auto all = store->list(100);
    QVERIFY(all.ok());
    QCOMPARE(all->size(), std::size_t(6));
    for (int i = 0; i < 6; ++i)
        QCOMPARE((*all)[static_cast<std::size_t>(i)].id, "req_" + std::to_string(5 - i));
    auto two = store->list(2);
    QCOMPARE(two->size(), std::size_t(2));
    QCOMPARE((*two)[0].id, std::string("req_5"));
    auto odd = store->list(100, "odd");
    QCOMPARE(odd->size(), std::size_t(3));
    QCOMPARE((*odd)[0].id, std::string("req_5"));
    QCOMPARE((*odd)[2].id, std::string("req_1"));
    auto byUrl = store->list(100, "https://even.example");
    QCOMPARE(byUrl->size(), std::size_t(3));
    QCOMPARE((*byUrl)[0].id, std::string("req_4"));
    QCOMPARE(store->list(100, "none")->size(), std::size_t(0));
}

void TestCaptureStore::retentionByCount()
{
    auto store = open({5, 1ull << 30});
    QVERIFY(store);
    for (int batch = 0; batch < 2; ++batch) {
        std::vector<CaptureRecord> records;
        for (int i = 0; i < 4; ++i)
            records.push_back(record("req_" + std::to_string(batch * 4 + i), exchange("web", "/")));
        QVERIFY(store->insert(records).ok());
    }
    QCOMPARE(*store->count(), std::int64_t(5));
    auto all = store->list(100);
    QCOMPARE(all->front().id, std::string("req_7"));
    QCOMPARE(all->back().id, std::string("req_3"));
    QVERIFY(!store->get("req_2")->has_value());
}

void TestCaptureStore::retentionBySize()
{
    // Each record is a bit over 10 KB encoded: a 40 KB budget keeps 3.
    auto store = open({1000, 40 * 1024});
    QVERIFY(store);
    for (int i = 0; i < 10; ++i) {
        std::vector<CaptureRecord> records{record("req_" + std::to_string(i), exchange("web", "/", 7500))};
        QVERIFY(store->insert(records).ok());
        QVERIFY2(store->storedBytes() <= 40 * 1024, std::to_string(store->storedBytes()).c_str());
    }
    QCOMPARE(*store->count(), std::int64_t(3));
    QCOMPARE(store->list(1)->front().id, std::string("req_9"));
    QVERIFY(store->get("req_7")->has_value());
    QVERIFY(!store->get("req_6")->has_value());
}

void TestCaptureStore::walMode()
{
    auto store = open();
    QVERIFY(store);
    QCOMPARE(store->journalMode(), std::string("wal"));
    std::vector<CaptureRecord> records{record("req_w", exchange("web", "/"))};
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
            records.push_back(record("req_" + std::to_string(batch * 20 + i), exchange("web", "/")));
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

void TestCaptureStore::clear()
{
    auto store = open();
    QVERIFY(store);
    std::vector<CaptureRecord> records{record("req_a", exchange("web", "/")), record("req_b", exchange("web", "/"))};
    QVERIFY(store->insert(records).ok());
    QVERIFY(store->clear().ok());
    QCOMPARE(*store->count(), std::int64_t(0));
    QCOMPARE(store->storedBytes(), std::uint64_t(0));
}

void TestCaptureStore::queueDropsWhenFull()
{
    TrafficMetrics metrics;
    CaptureQueue queue(2, &metrics);
    for (int i = 0; i < 5; ++i)
        queue.submit(std::make_unique<CapturedExchange>(exchange("web", "/")));
    QCOMPARE(queue.submitted(), std::uint64_t(2));
    QCOMPARE(queue.dropped(), std::uint64_t(3));
    // Metrics count dropped exchanges too.
    QCOMPARE(metrics.snapshot("https://web.example")->requests, std::uint64_t(5));
    QCOMPARE(queue.takeAll(std::chrono::milliseconds(0)).size(), std::size_t(2));
    QCOMPARE(queue.takeAll(std::chrono::milliseconds(0)).size(), std::size_t(0));

    // The byte budget: two 3 KB bodies fit in 8 KB, the third does not.
    CaptureQueue bounded(100, nullptr, 8 * 1024);
    for (int i = 0; i < 3; ++i)
        bounded.submit(std::make_unique<CapturedExchange>(exchange("web", "/", 3000)));
    QCOMPARE(bounded.submitted(), std::uint64_t(2));
    QCOMPARE(bounded.dropped(), std::uint64_t(1));
    QCOMPARE(bounded.takeAll(std::chrono::milliseconds(0)).size(), std::size_t(2));
    bounded.submit(std::make_unique<CapturedExchange>(exchange("web", "/", 3000)));
    QCOMPARE(bounded.submitted(), std::uint64_t(3));
}

void TestCaptureStore::queueDisabled()
{
    CaptureQueue queue;
    QVERIFY(queue.enabled());
    queue.setEnabled(false);
    QVERIFY(!queue.enabled());
}

void TestCaptureStore::writerLinksReplays()
{
    auto store = open();
    QVERIFY(store);
    CaptureQueue queue;
    {
        CaptureWriter writer(queue, *store);
        queue.submit(std::make_unique<CapturedExchange>(exchange("web", "/first")));
        QVERIFY(writer.flush());
        const std::string original = store->list(1)->front().id;
        QVERIFY(original.starts_with("req_"));
        writer.expectReplay("127.0.0.1:6001", original);
        CapturedExchange replay = exchange("web", "/again");
        replay.clientAddress = "127.0.0.1:6001";
        queue.submit(std::make_unique<CapturedExchange>(std::move(replay)));
        queue.submit(std::make_unique<CapturedExchange>(exchange("web", "/other")));
        QVERIFY(writer.flush());
        QCOMPARE(writer.written(), std::uint64_t(3));
        auto list = store->list(10);
        QCOMPARE(list->size(), std::size_t(3));
        QCOMPARE((*list)[0].exchange.target, std::string("/other"));
        QCOMPARE((*list)[0].replayOf, std::string());
        QCOMPARE((*list)[1].exchange.target, std::string("/again"));
        QCOMPARE((*list)[1].replayOf, original);
        queue.submit(std::make_unique<CapturedExchange>(exchange("web", "/last")));
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
