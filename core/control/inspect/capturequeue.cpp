// SPDX-License-Identifier: Apache-2.0
#include "control/inspect/capturequeue.h"

#include "control/inspect/trafficmetrics.h"

namespace switchyard {

CaptureQueue::CaptureQueue(std::size_t capacity, TrafficMetrics *metrics)
    : m_capacity(capacity == 0 ? 1 : capacity), m_metrics(metrics)
{
    m_items.reserve(m_capacity);
}

void CaptureQueue::submit(std::unique_ptr<CapturedExchange> exchange)
{
    if (!exchange)
        return;
    if (m_metrics)
        m_metrics->record(*exchange);
    bool wake = false;
    {
        const std::lock_guard lock(m_mutex);
        if (m_closed || m_items.size() >= m_capacity) {
            m_dropped.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        wake = m_items.empty();
        m_items.push_back(std::move(exchange));
    }
    m_submitted.fetch_add(1, std::memory_order_relaxed);
    if (wake)
        m_ready.notify_one();
}

std::vector<std::unique_ptr<CapturedExchange>> CaptureQueue::takeAll(std::chrono::milliseconds wait)
{
    std::vector<std::unique_ptr<CapturedExchange>> out;
    out.reserve(m_capacity);
    std::unique_lock lock(m_mutex);
    m_ready.wait_for(lock, wait, [this] { return m_closed || !m_items.empty(); });
    out.swap(m_items);
    return out;
}

void CaptureQueue::close()
{
    {
        const std::lock_guard lock(m_mutex);
        m_closed = true;
    }
    m_ready.notify_all();
}

} // namespace switchyard
