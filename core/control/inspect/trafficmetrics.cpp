// SPDX-License-Identifier: Apache-2.0
#include "control/inspect/trafficmetrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace switchyard {

namespace {

std::int64_t percentile(std::vector<std::int64_t> &sorted, double p)
{
    if (sorted.empty())
        return 0;
    // Nearest rank: the smallest sample with at least p of them at or below.
    const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size())));
    return sorted[std::min(rank == 0 ? 0 : rank - 1, sorted.size() - 1)];
}

// Label values escape backslash, quote and newline (exposition format).
std::string labelValue(const std::string &text)
{
    std::string out;
    for (char c : text) {
        if (c == '\\' || c == '"')
            out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

std::string number(double value)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.6g", value);
    return buffer;
}

} // namespace

std::int64_t TrafficMetrics::nowSecond() const
{
    return std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - m_epoch).count();
}

void TrafficMetrics::advance(Counters &counters, std::int64_t second)
{
    if (second <= counters.lastSecond)
        return;
    const std::int64_t gap = std::min<std::int64_t>(second - counters.lastSecond, RateBuckets);
    for (std::int64_t s = 1; s <= gap; ++s) {
        const auto bucket = static_cast<std::size_t>(counters.lastSecond + s) % RateBuckets;
        counters.http.perSecond[bucket] = 0;
        counters.conns.perSecond[bucket] = 0;
    }
    counters.lastSecond = second;
}

void TrafficMetrics::Series::sample(std::int64_t duration)
{
    if (samples.size() < SampleCount) {
        if (samples.empty())
            samples.reserve(SampleCount);
        samples.push_back(duration);
    } else {
        samples[nextSample] = duration;
    }
    nextSample = (nextSample + 1) % SampleCount;
}

TrafficMetrics::Counters &TrafficMetrics::countersFor(const std::string &url, std::int64_t second)
{
    Counters &c = m_endpoints[url];
    advance(c, second);
    return c;
}

void TrafficMetrics::record(const CapturedExchange &exchange)
{
    const std::int64_t second = nowSecond();
    const std::lock_guard lock(m_mutex);
    Counters &c = countersFor(exchange.endpointUrl, second);
    c.name = exchange.endpointName;
    ++c.requests;
    if (exchange.hasResponse && exchange.status >= 100 && exchange.status < 600)
        ++c.statusClasses[static_cast<std::size_t>(exchange.status / 100 - 1)];
    c.bytesIn += exchange.requestBytes;
    c.bytesOut += exchange.responseBytes;
    c.http.sample(exchange.durationNs);
    ++c.http.perSecond[static_cast<std::size_t>(second) % RateBuckets];
}

void TrafficMetrics::connectionOpened(const std::string &endpointUrl, const std::string &endpointName)
{
    const std::int64_t second = nowSecond();
    const std::lock_guard lock(m_mutex);
    Counters &c = countersFor(endpointUrl, second);
    c.name = endpointName;
    ++c.connections;
    ++c.openConnections;
    ++c.conns.perSecond[static_cast<std::size_t>(second) % RateBuckets];
}

void TrafficMetrics::connectionClosed(const std::string &endpointUrl, std::int64_t durationNs)
{
    const std::int64_t second = nowSecond();
    const std::lock_guard lock(m_mutex);
    Counters &c = countersFor(endpointUrl, second);
    if (c.openConnections > 0)
        --c.openConnections;
    c.conns.sample(durationNs);
}

TrafficMetrics::Snapshot TrafficMetrics::makeSnapshot(const std::string &url, const Counters &counters) const
{
    Snapshot s;
    s.endpointUrl = url;
    s.endpointName = counters.name;
    s.requests = counters.requests;
    s.statusClasses = counters.statusClasses;
    s.bytesIn = counters.bytesIn;
    s.bytesOut = counters.bytesOut;
    s.connections = counters.connections;
    s.openConnections = counters.openConnections;
    const auto percentiles = [](const Series &series, std::int64_t &p50, std::int64_t &p90, std::int64_t &p95,
                                std::int64_t &p99) {
        std::vector<std::int64_t> sorted = series.samples;
        std::sort(sorted.begin(), sorted.end());
        p50 = percentile(sorted, 0.50);
        p90 = percentile(sorted, 0.90);
        p95 = percentile(sorted, 0.95);
        p99 = percentile(sorted, 0.99);
    };
    percentiles(counters.http, s.p50, s.p90, s.p95, s.p99);
    percentiles(counters.conns, s.connP50, s.connP90, s.connP95, s.connP99);
    const std::int64_t now = counters.lastSecond;
    const auto rate = [now](const Series &series, std::int64_t seconds) {
        std::uint64_t sum = 0;
        for (std::int64_t i = 0; i < seconds; ++i)
            if (now - i >= 0)
                sum += series.perSecond[static_cast<std::size_t>(now - i) % RateBuckets];
        return static_cast<double>(sum) / static_cast<double>(seconds);
    };
    s.rate1 = rate(counters.http, 60);
    s.rate5 = rate(counters.http, 300);
    s.rate15 = rate(counters.http, 900);
    s.connRate1 = rate(counters.conns, 60);
    s.connRate5 = rate(counters.conns, 300);
    s.connRate15 = rate(counters.conns, 900);
    return s;
}

std::optional<TrafficMetrics::Snapshot> TrafficMetrics::snapshot(const std::string &endpointUrl) const
{
    const std::int64_t second = nowSecond();
    const std::lock_guard lock(m_mutex);
    const auto it = m_endpoints.find(endpointUrl);
    if (it == m_endpoints.end())
        return std::nullopt;
    advance(it->second, second);
    return makeSnapshot(it->first, it->second);
}

std::vector<TrafficMetrics::Snapshot> TrafficMetrics::all() const
{
    const std::int64_t second = nowSecond();
    const std::lock_guard lock(m_mutex);
    std::vector<Snapshot> out;
    for (auto &[url, counters] : m_endpoints) {
        advance(counters, second);
        out.push_back(makeSnapshot(url, counters));
    }
    return out;
}

QJsonObject TrafficMetrics::json(const std::string &endpointUrl) const
{
    const Snapshot s = snapshot(endpointUrl).value_or(Snapshot{});
    QJsonObject http{{"count", static_cast<qint64>(s.requests)},
                     {"rate1", s.rate1},
                     {"rate5", s.rate5},
                     {"rate15", s.rate15},
                     {"p50", static_cast<qint64>(s.p50)},
                     {"p90", static_cast<qint64>(s.p90)},
                     {"p95", static_cast<qint64>(s.p95)},
                     {"p99", static_cast<qint64>(s.p99)}};
    const QJsonObject conns{{"count", static_cast<qint64>(s.connections)},
                            {"gauge", static_cast<qint64>(s.openConnections)},
                            {"rate1", s.connRate1},
                            {"rate5", s.connRate5},
                            {"rate15", s.connRate15},
                            {"p50", static_cast<qint64>(s.connP50)},
                            {"p90", static_cast<qint64>(s.connP90)},
                            {"p95", static_cast<qint64>(s.connP95)},
                            {"p99", static_cast<qint64>(s.connP99)}};
    QJsonObject statuses;
    for (std::size_t i = 0; i < s.statusClasses.size(); ++i)
        statuses.insert(QString::number(i + 1) + "xx", static_cast<qint64>(s.statusClasses[i]));
    http.insert("status_classes", statuses);
    http.insert("bytes_in", static_cast<qint64>(s.bytesIn));
    http.insert("bytes_out", static_cast<qint64>(s.bytesOut));
    return QJsonObject{{"conns", conns}, {"http", http}};
}

std::string TrafficMetrics::prometheusText() const
{
    const std::vector<Snapshot> snapshots = all();
    std::string out;
    const auto family = [&out](const char *name, const char *type, const char *help) {
        out += std::string("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
    };
    const auto labels = [](const Snapshot &s) {
        return "endpoint=\"" + labelValue(s.endpointUrl) + "\",name=\"" + labelValue(s.endpointName) + '"';
    };
    family("switchyard_http_requests_total", "counter", "HTTP requests answered, by endpoint and status class.");
    for (const Snapshot &s : snapshots)
        for (std::size_t i = 0; i < s.statusClasses.size(); ++i)
            out += "switchyard_http_requests_total{" + labels(s) + ",class=\"" + std::to_string(i + 1) + "xx\"} "
                + std::to_string(s.statusClasses[i]) + '\n';
    family("switchyard_http_request_bytes_total", "counter", "Request body bytes received from clients.");
    for (const Snapshot &s : snapshots)
        out += "switchyard_http_request_bytes_total{" + labels(s) + "} " + std::to_string(s.bytesIn) + '\n';
    family("switchyard_http_response_bytes_total", "counter", "Response body bytes sent to clients.");
    for (const Snapshot &s : snapshots)
        out += "switchyard_http_response_bytes_total{" + labels(s) + "} " + std::to_string(s.bytesOut) + '\n';
    const auto summary = [&](const std::string &name, const Snapshot &s, const std::array<std::int64_t, 4> &ns,
                             std::uint64_t count) {
        static constexpr std::array<const char *, 4> Quantiles{"0.5", "0.9", "0.95", "0.99"};
        for (std::size_t i = 0; i < Quantiles.size(); ++i)
            out += name + '{' + labels(s) + ",quantile=\"" + Quantiles[i] + "\"} "
                + number(static_cast<double>(ns[i]) / 1e9) + '\n';
        out += name + "_count{" + labels(s) + "} " + std::to_string(count) + '\n';
    };
    family("switchyard_http_request_duration_seconds", "summary",
           "Request durations over the last 1024 requests.");
    for (const Snapshot &s : snapshots)
        summary("switchyard_http_request_duration_seconds", s, {s.p50, s.p90, s.p95, s.p99}, s.requests);
    family("switchyard_http_requests_per_second", "gauge", "Request rate averaged over one minute.");
    for (const Snapshot &s : snapshots)
        out += "switchyard_http_requests_per_second{" + labels(s) + "} " + number(s.rate1) + '\n';
    family("switchyard_connections_total", "counter",
           "Client connections, each counted once for the endpoint of its first request.");
    for (const Snapshot &s : snapshots)
        out += "switchyard_connections_total{" + labels(s) + "} " + std::to_string(s.connections) + '\n';
    family("switchyard_connections_open", "gauge", "Client connections open now.");
    for (const Snapshot &s : snapshots)
        out += "switchyard_connections_open{" + labels(s) + "} " + std::to_string(s.openConnections) + '\n';
    family("switchyard_connection_duration_seconds", "summary",
           "Client connection durations over the last 1024 closed connections.");
    for (const Snapshot &s : snapshots)
        summary("switchyard_connection_duration_seconds", s, {s.connP50, s.connP90, s.connP95, s.connP99},
                s.connections - s.openConnections);
    return out;
}

} // namespace switchyard
