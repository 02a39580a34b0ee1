// SPDX-License-Identifier: Apache-2.0
#include "control/inspect/capturequeue.h"

#include "control/inspect/capturecodec.h"
#include "control/inspect/trafficmetrics.h"

#include <algorithm>
#include <cstring>

namespace switchyard {

namespace {

// Before each record: its length, then its place in submission order.
constexpr std::size_t LengthBytes = 4;
constexpr std::size_t SeqBytes = 8;

// Buffers that grew beyond this during a burst are not kept for reuse.
constexpr std::size_t MaxSpareCapacity = 4 * 1024 * 1024;

std::size_t threadNumber()
{
    static std::atomic<std::size_t> next{0};
    thread_local const std::size_t number = next.fetch_add(1, std::memory_order_relaxed);
    return number;
}

} // namespace

std::vector<std::string_view> CaptureBatch::records() const
{
    // Each buffer is in submission order already; across workers the
    // sequence numbers give the order the exchanges completed in.
    std::vector<std::pair<std::uint64_t, std::string_view>> ordered;
    ordered.reserve(m_count);
    for (const std::string &buffer : m_buffers) {
        std::size_t pos = 0;
        while (pos + LengthBytes + SeqBytes <= buffer.size()) {
            std::uint32_t length = 0;
            std::uint64_t seq = 0;
            std::memcpy(&length, buffer.data() + pos, LengthBytes);
            std::memcpy(&seq, buffer.data() + pos + LengthBytes, SeqBytes);
            pos += LengthBytes + SeqBytes;
            ordered.emplace_back(seq, std::string_view(buffer.data() + pos, length));
            pos += length;
        }
    }
    if (m_buffers.size() > 1)
        std::sort(ordered.begin(), ordered.end(),
                  [](const auto &a, const auto &b) { return a.first < b.first; });
    std::vector<std::string_view> out;
    out.reserve(ordered.size());
    for (const auto &entry : ordered)
        out.push_back(entry.second);
    return out;
}

CaptureQueue::CaptureQueue(std::size_t capacity, TrafficMetrics *metrics, std::size_t maxBytes)
    : m_capacity(capacity == 0 ? 1 : capacity)
    , m_maxBytes(maxBytes)
    , m_metrics(metrics)
{}

CaptureQueue::Shard &CaptureQueue::shardForThisThread()
{
    return m_shards[threadNumber() % ShardCount];
}

void CaptureQueue::submit(const CapturedExchange &exchange)
{
    if (m_metrics)
        m_metrics->record(exchange);
    if (m_closed.load(std::memory_order_relaxed) ||
        m_pendingCount.load(std::memory_order_relaxed) >= m_capacity) {
        m_dropped.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    Shard &shard = shardForThisThread();
    {
        const std::lock_guard lock(shard.mutex);
        const std::size_t start = shard.buffer.size();
        shard.buffer.resize(start + LengthBytes + SeqBytes);
        const std::size_t size = CaptureCodec::appendTo(exchange, shard.buffer);
        // One exchange alone may exceed the byte budget (it is what the
        // body caps allow); it goes through when nothing else is queued.
        const std::size_t before = m_pendingBytes.fetch_add(size, std::memory_order_relaxed);
        if (size > UINT32_MAX || (before + size > m_maxBytes && before != 0)) {
            m_pendingBytes.fetch_sub(size, std::memory_order_relaxed);
            shard.buffer.resize(start);
            m_dropped.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        const auto length = static_cast<std::uint32_t>(size);
        const std::uint64_t seq = m_nextSeq.fetch_add(1, std::memory_order_relaxed);
        std::memcpy(shard.buffer.data() + start, &length, LengthBytes);
        std::memcpy(shard.buffer.data() + start + LengthBytes, &seq, SeqBytes);
        ++shard.count;
    }
    m_submitted.fetch_add(1, std::memory_order_relaxed);
    // seq_cst, paired with take(): either the consumer sees this exchange
    // before it sleeps, or this sees it idle and wakes it.
    m_pendingCount.fetch_add(1);
    if (m_idle.load() && m_idle.exchange(false)) {
        const std::lock_guard lock(m_mutex);
        m_ready.notify_one();
    }
}

void CaptureQueue::connectionOpened(const std::string &endpointUrl, const std::string &endpointName)
{
    if (m_metrics)
        m_metrics->connectionOpened(endpointUrl, endpointName);
}

void CaptureQueue::connectionClosed(const std::string &endpointUrl, std::int64_t durationNs)
{
    if (m_metrics)
        m_metrics->connectionClosed(endpointUrl, durationNs);
}

bool CaptureQueue::takeShards(CaptureBatch &batch)
{
    bool took = false;
    for (Shard &shard : m_shards) {
        // A used buffer (with its capacity) replaces the one taken, so the
        // worker does not grow a fresh one.
        std::string buffer;
        bool spare = false;
        {
            const std::lock_guard lock(m_mutex);
            if (!m_spares.empty()) {
                buffer = std::move(m_spares.back());
                m_spares.pop_back();
                spare = true;
            }
        }
        std::size_t count = 0;
        {
            const std::lock_guard lock(shard.mutex);
            if (shard.count != 0) {
                shard.buffer.swap(buffer);
                count = shard.count;
                shard.count = 0;
            }
        }
        if (count == 0) {
            if (spare) {
                const std::lock_guard lock(m_mutex);
                m_spares.push_back(std::move(buffer));
            }
            continue;
        }
        m_pendingBytes.fetch_sub(buffer.size() - count * (LengthBytes + SeqBytes), std::memory_order_relaxed);
        m_pendingCount.fetch_sub(count);
        batch.m_count += count;
        batch.m_buffers.push_back(std::move(buffer));
        took = true;
    }
    return took;
}

CaptureBatch CaptureQueue::take(std::chrono::milliseconds wait)
{
    CaptureBatch batch;
    if (takeShards(batch) || wait.count() <= 0)
        return batch;
    {
        std::unique_lock lock(m_mutex);
        m_idle.store(true);
        m_ready.wait_for(lock, wait, [this] {
            return m_closed.load() || m_pendingCount.load() != 0;
        });
        m_idle.store(false);
    }
    takeShards(batch);
    return batch;
}

void CaptureQueue::recycle(CaptureBatch &&batch)
{
    const std::lock_guard lock(m_mutex);
    for (std::string &buffer : batch.m_buffers) {
        if (buffer.capacity() > MaxSpareCapacity || m_spares.size() >= ShardCount)
            continue;
        buffer.clear();
        m_spares.push_back(std::move(buffer));
    }
    batch.m_buffers.clear();
    batch.m_count = 0;
}

void CaptureQueue::close()
{
    {
        // Under the lock, so a take() between its check and its wait cannot
        // miss the wake-up.
        const std::lock_guard lock(m_mutex);
        m_closed.store(true);
    }
    m_ready.notify_all();
}

} // namespace switchyard
