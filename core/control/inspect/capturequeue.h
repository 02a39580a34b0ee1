// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "data/engine/capturesink.h"

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace switchyard {

class TrafficMetrics;

// Exchanges taken from a CaptureQueue: CaptureCodec's bytes of each, in
// buffers that hold many records back to back (before each, a 4-byte
// length and an 8-byte sequence number). Give it back with CaptureQueue::recycle() so its buffers are
// reused.
class CaptureBatch
{
public:
    std::size_t size() const { return m_count; }
    bool empty() const { return m_count == 0; }
    // Views into the batch, valid while it lives, in submission order
    // (across worker threads too).
    std::vector<std::string_view> records() const;

private:
    friend class CaptureQueue;
    std::vector<std::string> m_buffers;
    std::size_t m_count = 0;
};

// The bounded hand-off between the data-plane workers (many producers) and
// the inspector's single writer thread. Each worker thread appends to its
// own shard (a mutex nobody else takes except the writer, once per
// batch): submit() encodes the exchange straight into the shard's buffer,
// so a warm worker allocates nothing per exchange and the writer frees
// nothing the worker allocated (freeing across threads made the two
// contend on malloc's arena lock). A full queue (by count or by bytes)
// drops the exchange and counts it, so a burst never blocks forwarding and
// memory stays bounded. Metrics, when set, are recorded for every exchange,
// dropped or not.
class CaptureQueue final : public CaptureSink
{
public:
    static constexpr std::size_t DefaultCapacity = 65536;
    static constexpr std::size_t DefaultMaxBytes = 64 * 1024 * 1024;

    explicit CaptureQueue(std::size_t capacity = DefaultCapacity, TrafficMetrics *metrics = nullptr,
                          std::size_t maxBytes = DefaultMaxBytes);

    bool enabled() const override { return m_enabled.load(std::memory_order_relaxed); }
    void setEnabled(bool on) { m_enabled.store(on, std::memory_order_relaxed); }
    void submit(const CapturedExchange &exchange) override;
    // Forwarded to the metrics, when set.
    void connectionOpened(const std::string &endpointUrl, const std::string &endpointName) override;
    void connectionClosed(const std::string &endpointUrl, std::int64_t durationNs) override;

    // The consumer: waits up to `wait` for something queued, then takes
    // everything queued (possibly nothing). Wakes early on close().
    CaptureBatch take(std::chrono::milliseconds wait);
    // Hands a taken batch's buffers back for reuse.
    void recycle(CaptureBatch &&batch);
    // Wakes a waiting take(); submit() drops from now on.
    void close();

    std::uint64_t submitted() const { return m_submitted.load(std::memory_order_relaxed); }
    std::uint64_t dropped() const { return m_dropped.load(std::memory_order_relaxed); }

private:
    // Threads are spread over the shards by a per-thread number; workers
    // (about one per core) get one each.
    static constexpr std::size_t ShardCount = 16;
    struct alignas(64) Shard
    {
        std::mutex mutex;
        std::string buffer;
        std::size_t count = 0;
    };

    Shard &shardForThisThread();
    bool takeShards(CaptureBatch &batch);

    const std::size_t m_capacity;
    const std::size_t m_maxBytes;
    TrafficMetrics *m_metrics;
    std::atomic<bool> m_enabled{true};
    std::atomic<std::uint64_t> m_submitted{0};
    std::atomic<std::uint64_t> m_dropped{0};
    // Queued and not yet taken, for the bounds.
    std::atomic<std::size_t> m_pendingCount{0};
    std::atomic<std::size_t> m_pendingBytes{0};
    // Orders records across shards (taken shard by shard) as submitted.
    std::atomic<std::uint64_t> m_nextSeq{0};
    std::array<Shard, ShardCount> m_shards;

    // The consumer's sleep: `m_idle` says it waits for work, so the next
    // submit() wakes it (only that one pays for a notify).
    std::mutex m_mutex;
    std::condition_variable m_ready;
    std::atomic<bool> m_idle{false};
    std::atomic<bool> m_closed{false};
    std::vector<std::string> m_spares; // under m_mutex
};

} // namespace switchyard
