// SPDX-License-Identifier: Apache-2.0
#include "control/inspect/capturequeue.h"

#include "control/inspect/trafficmetrics.h"

namespace switchyard {

CaptureQueue::CaptureQueue(std::size_t capacity, TrafficMetrics *metrics, std::size_t maxBytes)
    : m_capacity(capacity == 0 ? 1 : capacity), m_maxBytes(maxBytes), m_metrics(metrics)
{
}

std::size_t CaptureQueue::weight(const CapturedExchange &exchange)
{
    std::size_t size = sizeof exchange + exchange.requestBody.size() + exchange.responseBody.size()
        + exchange.target.size();
    for (const auto &[name, value] : exchange.requestHeaders)
        size += name.size() + value.size() + 64;
    for (const auto &[name, value] : exchange.responseHeaders)
        size += name.size() + value.size() + 64;
    return size;
}

void CaptureQueue::submit(std::unique_ptr<CapturedExchange> exchange)
{
    if (!exchange)
        return;
    if (m_metrics)
        m_metrics->record(*exchange);
    const std::size_t size = weight(*exchange);
    bool wake = false;
    {
        const std::lock_guard lock(m_mutex);
        if (m_closed || m_items.size() >= m_capacity || (m_bytes + size > m_maxBytes && !m_items.empty())) {
            m_dropped.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        wake = m_items.empty();
        m_items.push_back(std::move(exchange));
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

std::vector<std::unique_ptr<CapturedExchange>> CaptureQueue::takeAll(std::chrono::milliseconds wait)
{
    std::vector<std::unique_ptr<CapturedExchange>> out;
    std::unique_lock lock(m_mutex);
    m_ready.wait_for(lock, wait, [this] { return m_closed || !m_items.empty(); });
    out.swap(m_items);
    m_bytes = 0;
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
