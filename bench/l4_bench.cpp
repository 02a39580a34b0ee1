// SPDX-License-Identifier: Apache-2.0
// TCP relay throughput on loopback: Splice in Kernel (splice(2)) and Copy
// (async_read_some/async_write) modes, plus the direct connection without a
// relay as the ceiling. Each iteration pushes 256 MiB from a writer thread
// through the relay (its own io_context thread) to a reading sink thread.
//   Gbit_s      payload throughput
//   relayCpu_sGB CPU seconds the relay thread spent per GB (1e9 bytes)
// Build with -DSWITCHYARD_BENCH=ON -DCMAKE_BUILD_TYPE=Release and run
//   build/bin/l4_bench --benchmark_min_time=2

#include "data/l4/splice.h"

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/write.hpp>
#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include <time.h>

using namespace switchyard;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t BytesPerIteration = 256u * 1024 * 1024;
constexpr std::size_t ChunkBytes = 256 * 1024;

double threadCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Accepts one connection and reads (discards) everything, counting bytes.
class Sink
{
public:
    Sink() : m_acceptor(m_io, tcp::endpoint(asio::ip::address_v4::loopback(), 0))
    {
        port = m_acceptor.local_endpoint().port();
        m_thread = std::thread([this] {
            tcp::socket socket(m_io);
            m_acceptor.accept(socket);
            std::vector<char> buffer(ChunkBytes);
            for (;;) {
                std::error_code ec;
                const std::size_t n = socket.read_some(asio::buffer(buffer), ec);
                received += n;
                if (ec)
                    return;
            }
        });
    }
    ~Sink() { m_thread.join(); }

    unsigned short port = 0;
    std::atomic<std::uint64_t> received{0};

private:
    asio::io_context m_io;
    tcp::acceptor m_acceptor;
    std::thread m_thread;
};

// One relay thread: accepts one client and splices it to the sink.
class Relay
{
public:
    Relay(unsigned short sinkPort, SpliceMode mode, std::size_t bufferBytes)
        : m_guard(asio::make_work_guard(m_io)), m_acceptor(m_io, tcp::endpoint(asio::ip::address_v4::loopback(), 0))
    {
        port = m_acceptor.local_endpoint().port();
        m_acceptor.async_accept([this, sinkPort, mode, bufferBytes](std::error_code ec, tcp::socket client) {
            if (ec)
                return;
            tcp::socket upstream(m_io);
            upstream.connect(tcp::endpoint(asio::ip::address_v4::loopback(), sinkPort));
            SpliceOptions options;
            options.mode = mode;
            options.bufferBytes = bufferBytes;
            m_splice = Splice::start(std::move(client), std::move(upstream), options, {}, [](const SpliceStats &) {});
        });
        m_thread = std::thread([this] { m_io.run(); });
    }
    ~Relay()
    {
        m_guard.reset();
        m_thread.join();
    }
    double cpuSeconds()
    {
        std::promise<double> cpu;
        asio::post(m_io, [&] { cpu.set_value(threadCpuSeconds()); });
        return cpu.get_future().get();
    }

    unsigned short port = 0;

private:
    asio::io_context m_io;
    asio::executor_work_guard<asio::io_context::executor_type> m_guard;
    tcp::acceptor m_acceptor;
    std::shared_ptr<Splice> m_splice;
    std::thread m_thread;
};

void waitUntil(const std::atomic<std::uint64_t> &value, std::uint64_t target)
{
    while (value.load() < target)
        std::this_thread::sleep_for(std::chrono::microseconds(200));
}

// Arguments: mode (0 = Kernel, 1 = Copy, 2 = direct, no relay) and the
// relay's per-direction buffer in KiB.
void BM_LoopbackRelay(benchmark::State &state)
{
    const int mode = static_cast<int>(state.range(0));
    Sink sink;
    std::unique_ptr<Relay> relay;
    if (mode != 2)
        relay = std::make_unique<Relay>(sink.port, mode == 0 ? SpliceMode::Kernel : SpliceMode::Copy,
                                        static_cast<std::size_t>(state.range(1)) * 1024);
    asio::io_context io;
    tcp::socket client(io);
    client.connect(tcp::endpoint(asio::ip::address_v4::loopback(), relay ? relay->port : sink.port));
    std::vector<char> chunk(ChunkBytes, 'x');

    std::uint64_t sent = 0;
    const double cpuBefore = relay ? relay->cpuSeconds() : 0;
    for (auto _ : state) {
        for (std::size_t done = 0; done < BytesPerIteration; done += ChunkBytes)
            asio::write(client, asio::buffer(chunk));
        sent += BytesPerIteration;
        waitUntil(sink.received, sent);
    }
    const double cpu = relay ? relay->cpuSeconds() - cpuBefore : 0;
    client.close();
    state.SetBytesProcessed(static_cast<std::int64_t>(sent));
    state.counters["Gbit_s"] = benchmark::Counter(static_cast<double>(sent) * 8 / 1e9, benchmark::Counter::kIsRate);
    state.counters["relayCpu_sGB"] = cpu / (static_cast<double>(sent) / 1e9);
    state.SetLabel(mode == 0 ? "splice(2)" : mode == 1 ? "copy" : "direct, no relay");
}

} // namespace

BENCHMARK(BM_LoopbackRelay)
    ->Args({0, 64})
    ->Args({0, 256})
    ->Args({1, 64})
    ->Args({1, 256})
    ->Args({2, 0})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
