// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/runtime/runtimeclock.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

namespace switchyard {

// The rate-limit action's sliding window (reference §6.3): per bucket key,
// at most `capacity` requests per `window`. The window slides by weighting
// the previous fixed window's count by the part of it still inside the
// sliding window (the approach of Cloudflare and ngrok), which needs two
// counters per key rather than a timestamp per request. Rejected requests
// are not counted.
//
// Thread-safe: keys are spread over 64 independently locked shards. Memory
// is bounded: a bucket idle for two windows is the same as no bucket and is
// swept; beyond `maxBuckets` the oldest are dropped (the limiter then fails
// open for them rather than growing without bound).
class RateLimiter
{
public:
    struct Options
    {
        std::int64_t capacity = 1;
        std::int64_t windowMillis = 60'000;
        std::size_t maxBuckets = 1'000'000;
        MonotonicClock clock = {}; // steadyMillis() when empty
    };

    struct Decision
    {
        bool allowed = true;
        // Whole seconds (at least 1) until a request on this key would be
        // allowed, for the retry-after header; 0 when allowed.
        std::int64_t retryAfterSeconds = 0;
    };

    explicit RateLimiter(Options options);
    RateLimiter(const RateLimiter &) = delete;
    RateLimiter &operator=(const RateLimiter &) = delete;

    // Counts one request on `key` if it fits, otherwise says how long to wait.
    Decision acquire(std::string_view key);

    std::size_t bucketCount() const;
    std::int64_t capacity() const { return m_capacity; }
    std::int64_t windowMillis() const { return m_window; }

    // One unambiguous key from the bucket_key expressions' values
    // (length-prefixed, so ["a,b"] and ["a","b"] differ).
    static std::string combineKey(std::span<const std::string> parts);

private:
    struct Bucket
    {
        std::int64_t window = 0; // index of the current fixed window
        std::int64_t previous = 0;
        std::int64_t current = 0;
    };
    struct KeyHash
    {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    using BucketMap = std::unordered_map<std::string, Bucket, KeyHash, std::equal_to<>>;
    static constexpr std::size_t ShardCount = 64;
    struct alignas(64) Shard
    {
        mutable std::mutex mutex;
        BucketMap buckets;
        std::int64_t sweptWindow = 0;
    };

    void sweep(Shard &shard, std::int64_t window);
    std::int64_t retryAfterMillis(const Bucket &bucket, std::int64_t elapsed) const;

    std::int64_t m_capacity;
    std::int64_t m_window;
    std::size_t m_maxPerShard;
    MonotonicClock m_clock;
    std::array<Shard, ShardCount> m_shards;
};

} // namespace switchyard
