// SPDX-License-Identifier: Apache-2.0
// HTTP codec throughput: a typical ~400-byte browser GET head, a pipelined
// batch, a chunked body, and the forward path (prepare + serialise).

#include "data/http/httpforwarding.h"
#include "data/http/httprequestparser.h"
#include "data/http/httpserializer.h"

#include <benchmark/benchmark.h>

#include <string>

using namespace switchyard;

namespace {

const std::string TypicalGet =
    "GET /api/v1/items?page=2&sort=name HTTP/1.1\r\n"
    "Host: app.example.com\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n"
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
    "Accept-Language: en-US,en;q=0.5\r\n"
    "Accept-Encoding: gzip, deflate, br\r\n"
    "Referer: https://app.example.com/items\r\n"
    "Cookie: session=0123456789abcdef0123456789abcdef\r\n"
    "Connection: keep-alive\r\n"
    "\r\n";

struct Sink : HttpRequestHandler
{
    std::size_t heads = 0;
    std::size_t bodyBytes = 0;
    HttpRequestHead last;
    void onRequestHead(HttpRequestHead head) override
    {
        ++heads;
        last = std::move(head);
    }
    void onBody(std::string_view data) override { bodyBytes += data.size(); }
    void onTrailers(HttpHeaders) override {}
    void onMessageComplete() override {}
};

void BM_ParseTypicalGet(benchmark::State &state)
{
    Sink sink;
    HttpRequestParser parser(sink); // one keep-alive connection, many requests
    for (auto _ : state) {
        const auto r = parser.feed(TypicalGet);
        benchmark::DoNotOptimize(r);
    }
    if (sink.heads != static_cast<std::size_t>(state.iterations()))
        state.SkipWithError("not every head was parsed");
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(TypicalGet.size()));
    state.counters["head_bytes"] = static_cast<double>(TypicalGet.size());
}
BENCHMARK(BM_ParseTypicalGet);

void BM_ParseTypicalGetFreshParser(benchmark::State &state)
{
    Sink sink;
    for (auto _ : state) {
        HttpRequestParser parser(sink);
        const auto r = parser.feed(TypicalGet);
        benchmark::DoNotOptimize(r);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseTypicalGetFreshParser);

void BM_ParsePipelinedBatch(benchmark::State &state)
{
    const auto count = static_cast<int>(state.range(0));
    std::string batch;
    for (int i = 0; i < count; ++i)
        batch += TypicalGet;
    Sink sink;
    HttpRequestParser parser(sink);
    for (auto _ : state) {
        const auto r = parser.feed(batch);
        benchmark::DoNotOptimize(r);
    }
    state.SetItemsProcessed(state.iterations() * count);
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(batch.size()));
}
BENCHMARK(BM_ParsePipelinedBatch)->Arg(16)->Arg(64);

void BM_ParseChunkedBody(benchmark::State &state)
{
    std::string request = "POST /upload HTTP/1.1\r\nHost: app.example.com\r\nTransfer-Encoding: chunked\r\n\r\n";
    const std::string chunk(4096, 'x');
    for (int i = 0; i < 64; ++i)
        HttpSerializer::appendChunk(request, chunk);
    HttpSerializer::appendLastChunk(request);
    Sink sink;
    HttpRequestParser parser(sink);
    for (auto _ : state) {
        const auto r = parser.feed(request);
        benchmark::DoNotOptimize(r);
    }
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(request.size()));
}
BENCHMARK(BM_ParseChunkedBody);

void BM_PrepareAndSerialize(benchmark::State &state)
{
    Sink sink;
    HttpRequestParser parser(sink);
    (void)parser.feed(TypicalGet);
    const ForwardingContext ctx{"198.51.100.9", "https"};
    for (auto _ : state) {
        const std::string wire = HttpSerializer::requestHead(HttpForwarding::prepareUpstreamRequest(sink.last, ctx));
        benchmark::DoNotOptimize(wire.data());
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PrepareAndSerialize);

} // namespace

BENCHMARK_MAIN();
