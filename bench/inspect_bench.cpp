// SPDX-License-Identifier: Apache-2.0
// The inspector's cost per captured exchange, split the way the threads
// split it: the worker hands an exchange to the queue (and the metrics), the
// writer encodes it and inserts it into SQLite with retention in force.
// The exchange is the shared benchmark's: a small GET, a 6-byte answer.

#include "control/inspect/capturecodec.h"
#include "control/inspect/capturequeue.h"
#include "control/inspect/capturestore.h"
#include "control/inspect/trafficmetrics.h"

#include <benchmark/benchmark.h>

#include <QTemporaryDir>

#include <memory>
#include <string>

using namespace switchyard;

namespace {

CapturedExchange typicalExchange()
{
    CapturedExchange e;
    e.start = std::chrono::system_clock::now();
    e.upstreamConnectedNs = 12000;
    e.firstByteNs = 41000;
    e.durationNs = 43000;
    e.clientAddress = "127.0.0.1:53211";
    e.endpointName = "direct";
    e.endpointUrl = "http://127.0.0.1:19290";
    e.accountId = "acct_local";
    e.chain = {e.endpointUrl};
    e.method = "GET";
    e.target = "/";
    e.requestProto = "HTTP/1.1";
    e.requestHeaders = {{"Host", "127.0.0.1:19290"}, {"User-Agent", "wrk"}, {"Accept", "*/*"}};
    e.hasResponse = true;
    e.status = 200;
    e.reason = "OK";
    e.responseProto = "HTTP/1.1";
    e.responseHeaders = {{"Server", "nginx/1.22.1"},
                         {"Date", "Sat, 28 Nov 2026 05:00:00 GMT"},
                         {"Content-Type", "application/octet-stream"},
                         {"Content-Length", "6"},
                         {"Connection", "keep-alive"}};
    e.responseBody = "hello\n";
    e.responseBytes = 6;
    return e;
}

void BM_Encode(benchmark::State &state)
{
    const CapturedExchange e = typicalExchange();
    for (auto _ : state)
        benchmark::DoNotOptimize(CaptureCodec::encode(e));
}
BENCHMARK(BM_Encode);

void BM_Decode(benchmark::State &state)
{
    const std::string stored = CaptureCodec::encode(typicalExchange());
    for (auto _ : state)
        benchmark::DoNotOptimize(CaptureCodec::decode(stored));
}
BENCHMARK(BM_Decode);

// Worker side: submit (metrics + encode + queue); the queue is drained
// outside the timing.
void BM_WorkerSubmit(benchmark::State &state)
{
    TrafficMetrics metrics;
    CaptureQueue queue(CaptureQueue::DefaultCapacity, &metrics);
    const CapturedExchange e = typicalExchange();
    std::size_t pending = 0;
    for (auto _ : state) {
        queue.submit(e);
        if (++pending == 4096) {
            state.PauseTiming();
            queue.recycle(queue.take(std::chrono::milliseconds(0)));
            pending = 0;
            state.ResumeTiming();
        }
    }
}
BENCHMARK(BM_WorkerSubmit);

// Writer side, steady state: the store is full (retention evicts as much as
// each batch adds), batches of Arg(0) records per transaction.
void BM_StoreInsert(benchmark::State &state)
{
    QTemporaryDir dir;
    CaptureStore::Options options;
    options.maxRecords = 10000;
    auto store = CaptureStore::open(dir.filePath("inspect.db").toStdString(), options);
    if (!store) {
        state.SkipWithError(store.message().c_str());
        return;
    }
    const auto batchSize = static_cast<std::size_t>(state.range(0));
    const CapturedExchange e = typicalExchange();
    const auto batch = [&] {
        std::vector<CaptureRecord> records(batchSize);
        for (CaptureRecord &record : records)
            record.exchange = e;
        return records;
    };
    for (std::size_t filled = 0; filled < options.maxRecords; filled += batchSize) {
        auto records = batch();
        (void)(*store)->insert(records);
    }
    // insert() only assigns ids and sequence numbers: one batch serves
    // every iteration without copying exchanges inside the timing.
    auto records = batch();
    for (auto _ : state) {
        if (auto inserted = (*store)->insert(records); !inserted) {
            state.SkipWithError(inserted.message().c_str());
            break;
        }
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(batchSize));
}
BENCHMARK(BM_StoreInsert)->Arg(16)->Arg(256);

} // namespace

BENCHMARK_MAIN();
