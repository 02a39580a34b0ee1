// SPDX-License-Identifier: Apache-2.0
#include "policy/runtime/circuitbreaker.h"

#include <algorithm>

namespace switchyard {

CircuitBreaker::CircuitBreaker(Options options)
    : m_options(std::move(options))
{
    if (!m_options.clock)
        m_options.clock = steadyMillis;
    m_options.numBuckets = std::max(1, m_options.numBuckets);
    m_options.halfOpenProbes = std::max(1, m_options.halfOpenProbes);
    m_options.volumeThreshold = std::max<std::int64_t>(1, m_options.volumeThreshold);
    m_options.trippedMillis = std::max<std::int64_t>(1, m_options.trippedMillis);
    m_bucketMillis = std::max<std::int64_t>(1, m_options.windowMillis / m_options.numBuckets);
    m_buckets.resize(static_cast<std::size_t>(m_options.numBuckets));
}

void CircuitBreaker::resetWindow()
{
    std::fill(m_buckets.begin(), m_buckets.end(), Bucket{});
}

void CircuitBreaker::open(std::int64_t now)
{
    m_state = State::Open;
    m_openedAt = now;
    m_probesInFlight = 0;
    m_probeSuccesses = 0;
}

std::int64_t CircuitBreaker::retryAfterSeconds(std::int64_t now) const
{
    const std::int64_t left = m_openedAt + m_options.trippedMillis - now;
    return std::max<std::int64_t>(1, (left + 999) / 1000);
}

CircuitBreaker::Admission CircuitBreaker::admit()
{
    const std::int64_t now = m_options.clock();
    std::lock_guard lock(m_mutex);
    if (m_state == State::Closed)
        return {};
    if (m_state == State::Open) {
        if (now - m_openedAt < m_options.trippedMillis)
            return {false, false, retryAfterSeconds(now)};
        m_state = State::HalfOpen;
        m_probesInFlight = 0;
        m_probeSuccesses = 0;
    }
    // Half-open: one probe at a time; a probe lost without a record() is
    // given up after the tripped duration so the breaker cannot stick.
    if (m_probesInFlight > 0 && now - m_lastProbeAt >= m_options.trippedMillis)
        m_probesInFlight = 0;
    if (m_probesInFlight > 0)
        return {false, false, 1};
    ++m_probesInFlight;
    m_lastProbeAt = now;
    return {true, true, 0};
}

void CircuitBreaker::record(const Admission &admission, bool failed)
{
    if (!admission.allowed)
        return;
    const std::int64_t now = m_options.clock();
    std::lock_guard lock(m_mutex);
    if (admission.probe) {
        if (m_state != State::HalfOpen)
            return;
        m_probesInFlight = std::max(0, m_probesInFlight - 1);
        if (failed) {
            open(now);
        } else if (++m_probeSuccesses >= m_options.halfOpenProbes) {
            m_state = State::Closed;
            resetWindow();
        }
        return;
    }
    // Outcomes of requests admitted before the breaker opened say nothing
    // about the upstream's state after it.
    if (m_state != State::Closed)
        return;
    const std::int64_t index = now / m_bucketMillis;
    Bucket &slot = m_buckets[static_cast<std::size_t>(index % m_options.numBuckets)];
    if (slot.index != index)
        slot = Bucket{index, 0, 0};
    ++slot.total;
    if (failed)
        ++slot.failures;

    std::int64_t total = 0;
    std::int64_t failures = 0;
    for (const Bucket &b : m_buckets) {
        if (b.index > index - m_options.numBuckets) {
            total += b.total;
            failures += b.failures;
        }
    }
    if (total >= m_options.volumeThreshold && failures > 0
        && static_cast<double>(failures) >= m_options.errorThreshold * static_cast<double>(total))
        open(now);
}

CircuitBreaker::State CircuitBreaker::state() const
{
    std::lock_guard lock(m_mutex);
    return m_state;
}

} // namespace switchyard
