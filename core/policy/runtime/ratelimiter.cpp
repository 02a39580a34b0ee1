// SPDX-License-Identifier: Apache-2.0
#include "policy/runtime/ratelimiter.h"

#include <algorithm>

namespace switchyard {

RateLimiter::RateLimiter(Options options)
    : m_capacity(std::max<std::int64_t>(1, options.capacity))
    , m_window(std::max<std::int64_t>(1, options.windowMillis))
    , m_maxPerShard(std::max<std::size_t>(1, options.maxBuckets / ShardCount))
    , m_clock(options.clock ? std::move(options.clock) : MonotonicClock(steadyMillis))
{
}

std::string RateLimiter::combineKey(std::span<const std::string> parts)
{
    std::string key;
    for (const std::string &p : parts) {
        key += std::to_string(p.size());
        key += ':';
        key += p;
    }
    return key;
}

void RateLimiter::sweep(Shard &shard, std::int64_t window)
{
    std::erase_if(shard.buckets, [&](const auto &entry) { return window - entry.second.window >= 2; });
    shard.sweptWindow = window;
}

// Time until previous * (W - t) / W + current + 1 <= capacity holds, where
// t is the position in the current window; if current alone is at capacity
// that moment lies in the next window, where `current` becomes `previous`.
std::int64_t RateLimiter::retryAfterMillis(const Bucket &bucket, std::int64_t elapsed) const
{
    const std::int64_t w = m_window;
    if (bucket.current < m_capacity) {
        const std::int64_t t = w - (m_capacity - bucket.current - 1) * w / bucket.previous;
        return std::max<std::int64_t>(1, t - elapsed);
    }
    const std::int64_t t = w - (m_capacity - 1) * w / bucket.current;
    return (w - elapsed) + std::max<std::int64_t>(0, t);
}

RateLimiter::Decision RateLimiter::acquire(std::string_view key)
{
    const std::int64_t now = m_clock();
    const std::int64_t window = now / m_window;
    const std::int64_t elapsed = now - window * m_window;
    Shard &shard = m_shards[(KeyHash{}(key) >> 7) % ShardCount];

    std::lock_guard lock(shard.mutex);
    if (window - shard.sweptWindow >= 2 && !shard.buckets.empty())
        sweep(shard, window);
    auto it = shard.buckets.find(key);
    if (it == shard.buckets.end()) {
        if (shard.buckets.size() >= m_maxPerShard) {
            sweep(shard, window);
            if (shard.buckets.size() >= m_maxPerShard)
                shard.buckets.erase(shard.buckets.begin());
        }
        it = shard.buckets.emplace(std::string(key), Bucket{window, 0, 0}).first;
    }
    Bucket &b = it->second;
    if (b.window != window) {
        b.previous = b.window == window - 1 ? b.current : 0;
        b.current = 0;
        b.window = window;
    }
    // previous * (W - elapsed) / W + current + 1 <= capacity, in integers.
    const std::int64_t weighted = b.previous * (m_window - elapsed) + (b.current + 1) * m_window;
    if (weighted <= m_capacity * m_window) {
        ++b.current;
        return {};
    }
    const std::int64_t waitMillis = retryAfterMillis(b, elapsed);
    return {false, (waitMillis + 999) / 1000};
}

std::size_t RateLimiter::bucketCount() const
{
    std::size_t n = 0;
    for (const Shard &s : m_shards) {
        std::lock_guard lock(s.mutex);
        n += s.buckets.size();
    }
    return n;
}

} // namespace switchyard
