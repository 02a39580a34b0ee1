// SPDX-License-Identifier: Apache-2.0
#include "control/inspect/capturequeue.h"

#include "control/inspect/capturecodec.h"
#include "control/inspect/trafficmetrics.h"

namespace switchyard {

CaptureQueue::CaptureQueue(std::size_t capacity, TrafficMetrics *metrics, std::size_t maxBytes)
    : m_capacity(capacity == 0 ? 1 : capacity)
    , m_maxBytes(maxBytes)
    , m_metrics(metrics)
{}

void CaptureQueue::submit(const CapturedExchange &exchange)
{
    if (m_metrics)
        m_metrics->record(exchange);
    if (m_closed.load(std::memory_order_relaxed)) {
        m_dropped.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    std::string encoded = CaptureCodec::encode(exchange);
    const std::size_t size = encoded.size() + sizeof(std::string);
    bool wake = false;
    {
        const std::lock_guard lock(m_mutex);
        if (m_items.size() >= m_capacity || (m_bytes + size > m_maxBytes && !m_items.empty())) {
            m_dropped.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        wake = m_items.empty();
        m_items.push_back(std::move(encoded));
        m_bytes += size;
    }
    m_submitted.fetch_add(1, std::memory_order_relaxed);
    if (wake)
        m_ready.notify_one();
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

std::vector<std::string> CaptureQueue::takeAll(std::chrono::milliseconds wait)
{
    std::vector<std::string> out;
    std::unique_lock lock(m_mutex);
    m_ready.wait_for(lock, wait, [this] { return m_closed.load() || !m_items.empty(); });
    out.swap(m_items);
    m_bytes = 0;
    return out;
}

void CaptureQueue::close()
{
    {
        // Under the lock, so a takeAll() between its check and its wait
        // cannot miss the wake-up.
        const std::lock_guard lock(m_mutex);
        m_closed.store(true);
    }
    m_ready.notify_all();
}

} // namespace switchyard
