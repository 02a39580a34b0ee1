// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "data/engine/capturesink.h"

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace switchyard {

class TrafficMetrics;

// The bounded hand-off between the data-plane workers (many producers) and
// the inspector's single writer thread. submit() encodes the exchange
// (CaptureCodec: one buffer, so the writer frees one block rather than the
// dozens a copied exchange holds) and holds the lock only for a push_back;
// a full queue (by count or by bytes) drops the exchange and counts it, so
// a burst never blocks forwarding and memory stays bounded. Metrics, when
// set, are recorded for every exchange, dropped or not.
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
    // everything queued (possibly nothing), each as CaptureCodec's bytes.
    // Wakes early on close().
    std::vector<std::string> takeAll(std::chrono::milliseconds wait);
    // Wakes a waiting takeAll(); submit() drops from now on.
    void close();

    std::uint64_t submitted() const { return m_submitted.load(std::memory_order_relaxed); }
    std::uint64_t dropped() const { return m_dropped.load(std::memory_order_relaxed); }

private:
    const std::size_t m_capacity;
    const std::size_t m_maxBytes;
    std::size_t m_bytes = 0;
    TrafficMetrics *m_metrics;
    std::atomic<bool> m_enabled{true};
    std::atomic<std::uint64_t> m_submitted{0};
    std::atomic<std::uint64_t> m_dropped{0};
    std::mutex m_mutex;
    std::condition_variable m_ready;
    std::vector<std::string> m_items;
    std::atomic<bool> m_closed{false};
};

} // namespace switchyard
