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
    for (std::int64_t s = 1; s <= gap; ++s)
        counters.perSecond[static_cast<std::size_t>(counters.lastSecond + s) % RateBuckets] = 0;
    counters.lastSecond = second;
}

void TrafficMetrics::record(const CapturedExchange &exchange)
{
    const std::int64_t second = nowSecond();
    const std::lock_guard lock(m_mutex);
    Counters &c = m_endpoints[exchange.endpointUrl];
    if (c.samples.empty())
        c.samples.reserve(SampleCount);
    c.name = exchange.endpointName;
    ++c.requests;
    if (exchange.hasResponse && exchange.status >= 100 && exchange.status < 600)
        ++c.statusClasses[static_cast<std::size_t>(exchange.status / 100 - 1)];
    c.bytesIn += exchange.requestBytes;
    c.bytesOut += exchange.responseBytes;
    if (c.samples.size() < SampleCount)
        c.samples.push_back(exchange.durationNs);
    else
        c.samples[c.nextSample] = exchange.durationNs;
    c.nextSample = (c.nextSample + 1) % SampleCount;
    advance(c, second);
    ++c.perSecond[static_cast<std::size_t>(second) % RateBuckets];
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
    std::vector<std::int64_t> sorted = counters.samples;
    std::sort(sorted.begin(), sorted.end());
    s.p50 = percentile(sorted, 0.50);
    s.p90 = percentile(sorted, 0.90);
    s.p95 = percentile(sorted, 0.95);
    s.p99 = percentile(sorted, 0.99);
    const std::int64_t now = counters.lastSecond;
    const auto rate = [&](std::int64_t seconds) {
        std::uint64_t sum = 0;
        for (std::int64_t i = 0; i < seconds; ++i)
            if (now - i >= 0)
                sum += counters.perSecond[static_cast<std::size_t>(now - i) % RateBuckets];
        return static_cast<double>(sum) / static_cast<double>(seconds);
    };
    s.rate1 = rate(60);
    s.rate5 = rate(300);
    s.rate15 = rate(900);
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
    // Connections are not tracked per endpoint yet: "conns" stays zero.
    const auto counters = [&s](bool gauge) {
        QJsonObject o{{"count", static_cast<qint64>(s.requests)},
                      {"rate1", s.rate1},
                      {"rate5", s.rate5},
                      {"rate15", s.rate15},
                      {"p50", static_cast<qint64>(s.p50)},
                      {"p90", static_cast<qint64>(s.p90)},
                      {"p95", static_cast<qint64>(s.p95)},
                      {"p99", static_cast<qint64>(s.p99)}};
        if (gauge)
            o.insert("gauge", 0);
        return o;
    };
    QJsonObject http = counters(false);
    QJsonObject conns = counters(true);
    for (auto it = conns.begin(); it != conns.end(); ++it)
        *it = 0;
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
    family("switchyard_http_request_duration_seconds", "summary",
           "Request durations over the last 1024 requests.");
    for (const Snapshot &s : snapshots) {
        const std::pair<const char *, std::int64_t> quantiles[] = {
            {"0.5", s.p50}, {"0.9", s.p90}, {"0.95", s.p95}, {"0.99", s.p99}};
        for (const auto &[q, ns] : quantiles)
            out += "switchyard_http_request_duration_seconds{" + labels(s) + ",quantile=\"" + q + "\"} "
                + number(static_cast<double>(ns) / 1e9) + '\n';
        out += "switchyard_http_request_duration_seconds_count{" + labels(s) + "} " + std::to_string(s.requests)
            + '\n';
    }
    family("switchyard_http_requests_per_second", "gauge", "Request rate averaged over one minute.");
    for (const Snapshot &s : snapshots)
        out += "switchyard_http_requests_per_second{" + labels(s) + "} " + number(s.rate1) + '\n';
    return out;
}

} // namespace switchyard
