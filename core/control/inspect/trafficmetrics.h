// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "data/engine/capturesink.h"

#include <QJsonObject>

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace switchyard {

// Per-endpoint HTTP counters, fed with every finished exchange and every
// client connection's open and close (from the CaptureQueue, on the worker
// threads; the lock is held for a few increments). Latency percentiles
// come from the last SampleCount durations (of requests; of closed
// connections); rates are requests (connections opened) per second
// averaged over 1, 5 and 15 minutes (per-second buckets). Keyed by the
// routed endpoint's URL.
class TrafficMetrics
{
public:
    static constexpr std::size_t SampleCount = 1024;

    struct Snapshot
    {
        std::string endpointUrl;
        std::string endpointName;
        std::uint64_t requests = 0;
        std::array<std::uint64_t, 5> statusClasses{}; // 1xx..5xx
        std::uint64_t bytesIn = 0;                    // request bodies
        std::uint64_t bytesOut = 0;                   // response bodies
        double rate1 = 0, rate5 = 0, rate15 = 0;
        std::int64_t p50 = 0, p90 = 0, p95 = 0, p99 = 0; // nanoseconds
        // Client connections: total opened, open now, and the same rates
        // and percentiles (of connection durations) as for requests.
        std::uint64_t connections = 0;
        std::uint64_t openConnections = 0;
        double connRate1 = 0, connRate5 = 0, connRate15 = 0;
        std::int64_t connP50 = 0, connP90 = 0, connP95 = 0, connP99 = 0;
    };

    void record(const CapturedExchange &exchange);
    void connectionOpened(const std::string &endpointUrl, const std::string &endpointName);
    void connectionClosed(const std::string &endpointUrl, std::int64_t durationNs);
    std::optional<Snapshot> snapshot(const std::string &endpointUrl) const;
    std::vector<Snapshot> all() const; // ordered by URL

    // The agent API's metrics object ({"conns": …, "http": …}); zeros when
    // the endpoint has seen no request.
    QJsonObject json(const std::string &endpointUrl) const;
    // Prometheus text exposition format 0.0.4.
    std::string prometheusText() const;

private:
    using Clock = std::chrono::steady_clock;
    static constexpr std::size_t RateBuckets = 900; // 15 minutes of seconds

    // Durations (a ring of the last SampleCount) and per-second counts of
    // one kind of event.
    struct Series
    {
        std::vector<std::int64_t> samples;
        std::size_t nextSample = 0;
        std::array<std::uint32_t, RateBuckets> perSecond{};

        void sample(std::int64_t duration);
    };

    struct Counters
    {
        std::string name;
        std::uint64_t requests = 0;
        std::array<std::uint64_t, 5> statusClasses{};
        std::uint64_t bytesIn = 0;
        std::uint64_t bytesOut = 0;
        Series http;
        std::uint64_t connections = 0;
        std::uint64_t openConnections = 0;
        Series conns; // rates count opens; samples are closed connections' durations
        std::int64_t lastSecond = 0;
    };

    static void advance(Counters &counters, std::int64_t second);
    Counters &countersFor(const std::string &url, std::int64_t second);
    Snapshot makeSnapshot(const std::string &url, const Counters &counters) const;
    std::int64_t nowSecond() const;

    mutable std::mutex m_mutex;
    mutable std::map<std::string, Counters> m_endpoints;
    const Clock::time_point m_epoch = Clock::now();
};

} // namespace switchyard
