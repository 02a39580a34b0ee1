// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/runtime/runtimeclock.h"

#include <cstdint>
#include <mutex>
#include <vector>

namespace switchyard {

// The circuit-breaker action (reference §6.3). Closed: requests pass and
// their outcomes are counted in `numBuckets` time buckets spanning
// `window`. When the window holds at least `volumeThreshold` outcomes and
// the error ratio reaches `errorThreshold` (with at least one error), the
// breaker opens: requests are refused (503) for `tripped`. Then it is
// half-open: `halfOpenProbes` requests go through one at a time; a failed
// probe reopens it, enough successful probes close it with a fresh window.
// A probe that never reports back frees its slot after `tripped`.
// Thread-safe (one short critical section per call).
class CircuitBreaker
{
public:
    enum class State { Closed, Open, HalfOpen };

    struct Options
    {
        double errorThreshold = 0.5;
        std::int64_t volumeThreshold = 10;
        std::int64_t windowMillis = 10'000;
        std::int64_t trippedMillis = 10'000;
        int numBuckets = 10;
        int halfOpenProbes = 1;
        MonotonicClock clock = {}; // steadyMillis() when empty
    };

    struct Admission
    {
        bool allowed = true;
        bool probe = false; // a half-open trial; pass back to record()
        std::int64_t retryAfterSeconds = 0; // when refused: until the next probe may go
    };

    explicit CircuitBreaker(Options options);
    CircuitBreaker(const CircuitBreaker &) = delete;
    CircuitBreaker &operator=(const CircuitBreaker &) = delete;

    // Call before forwarding; a refused request must not be forwarded.
    Admission admit();
    // Call when an admitted request completes; `failed` per isFailureStatus()
    // or a transport error.
    void record(const Admission &admission, bool failed);

    State state() const;

    // The reference leaves what counts as an error UNCONFIRMED; Switchyard
    // counts 5xx (and upstream failures, which the engine turns into 502).
    static bool isFailureStatus(int status) { return status >= 500 && status <= 599; }

private:
    struct Bucket
    {
        std::int64_t index = -1;
        std::int64_t total = 0;
        std::int64_t failures = 0;
    };
    void resetWindow();
    void open(std::int64_t now);
    std::int64_t retryAfterSeconds(std::int64_t now) const;

    Options m_options;
    std::int64_t m_bucketMillis;
    mutable std::mutex m_mutex;
    State m_state = State::Closed;
    std::vector<Bucket> m_buckets;
    std::int64_t m_openedAt = 0;
    int m_probesInFlight = 0;
    int m_probeSuccesses = 0;
    std::int64_t m_lastProbeAt = 0;
};

} // namespace switchyard
