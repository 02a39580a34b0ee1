// SPDX-License-Identifier: Apache-2.0
#include "policy/runners/circuitbreakerrunner.h"

#include "policy/exec/actionresultvalue.h"
#include "policy/exec/builtinactions.h"
#include "policy/runners/runnerconfig.h"

#include <algorithm>

namespace switchyard {

namespace {

// A request whose response has not come after this long is given up (the
// longest upstream_response_timeout a config is likely to use).
constexpr std::int64_t PendingMaxAgeMillis = 10 * 60'000;
constexpr std::size_t MaxPending = 100'000;

} // namespace

CircuitBreakerRunner::CircuitBreakerRunner(MonotonicClock clock)
    : m_clock(clock ? std::move(clock) : steadyMillis), m_breakers(10'000, m_clock)
{
}

std::string CircuitBreakerRunner::pendingKey(const PolicyExchange &exchange)
{
    const PolicyConnection &c = exchange.connection;
    return c.serverIp + ':' + std::to_string(c.serverPort) + '|' + c.clientIp + ':' + std::to_string(c.clientPort)
           + '|' + exchange.endpointId;
}

ActionRunResult CircuitBreakerRunner::run(const ActionRunContext &context) const
{
    ActionRunResult result;
    const RunnerConfig config(context.action);
    CircuitBreaker::Options options;
    options.errorThreshold = config.number("error_threshold", 0.5);
    options.volumeThreshold = config.integer("volume_threshold", 10);
    options.windowMillis = config.durationMillis("window_duration", 10'000);
    options.trippedMillis = config.durationMillis("tripped_duration", 10'000);
    options.numBuckets = static_cast<int>(config.integer("num_buckets", 10));
    options.clock = m_clock;
    // Idle long enough that the window and any open period are over.
    const std::int64_t idle = 2 * (options.windowMillis + options.trippedMillis);
    const auto breaker = m_breakers.obtain(RunnerConfig::stateKey(context.exchange, context.action),
                                           config.fingerprint(), idle,
                                           [&] { return std::make_shared<CircuitBreaker>(options); });

    const CircuitBreaker::Admission admission = breaker->admit();
    const CircuitBreaker::State state = breaker->state();
    result.resultName = "circuit_breaker";
    result.result = ActionResultValue::map(
        {{"state", cel::Value::string(state == CircuitBreaker::State::Closed   ? "closed"
                                      : state == CircuitBreaker::State::Open ? "open"
                                                                             : "half_open")},
         {"tripped", cel::Value::boolean(!admission.allowed)}});
    if (admission.allowed) {
        remember(pendingKey(context.exchange), Pending{breaker, admission, m_clock()});
        result.summary = admission.probe ? "half-open, probe admitted" : "closed";
        return result;
    }
    if (!config.boolean("enforce", true)) {
        result.summary = "open (not enforced)";
        return result;
    }
    result.kind = ActionRunResult::Kind::Respond;
    result.response = BuiltinActions::errorResponse(503, "the circuit breaker is open: the upstream is failing",
                                                    std::string(ErrorCode));
    result.response.headers.set("retry-after", std::to_string(admission.retryAfterSeconds));
    result.summary = "open, retry after " + std::to_string(admission.retryAfterSeconds) + "s";
    return result;
}

void CircuitBreakerRunner::remember(const std::string &key, Pending pending) const
{
    std::lock_guard lock(m_pendingMutex);
    const std::int64_t now = pending.since;
    if (now - m_pendingSwept >= 1000 || m_pending.size() >= MaxPending) {
        m_pendingSwept = now;
        std::erase_if(m_pending, [now](const auto &entry) {
            return entry.second.empty() || now - entry.second.front().since > PendingMaxAgeMillis;
        });
        if (m_pending.size() >= MaxPending)
            return; // fail open: this outcome is not counted
    }
    std::vector<Pending> &list = m_pending[key];
    // The same breaker already waiting on this connection means an earlier
    // request ended without an upstream response; its entries are dropped.
    if (std::any_of(list.begin(), list.end(), [&](const Pending &p) { return p.breaker == pending.breaker; }))
        list.clear();
    list.push_back(std::move(pending));
}

void CircuitBreakerRunner::observeResponse(const PolicyExchange &exchange) const
{
    if (!exchange.response)
        return;
    std::vector<Pending> done;
    {
        std::lock_guard lock(m_pendingMutex);
        const auto it = m_pending.find(pendingKey(exchange));
        if (it == m_pending.end())
            return;
        done = std::move(it->second);
        m_pending.erase(it);
    }
    const bool failed = CircuitBreaker::isFailureStatus(exchange.response->statusCode);
    for (const Pending &p : done)
        p.breaker->record(p.admission, failed);
}

std::shared_ptr<CircuitBreaker> CircuitBreakerRunner::breaker(const std::string &endpointId,
                                                              const std::string &actionPath) const
{
    return m_breakers.find(endpointId + '\n' + actionPath);
}

std::size_t CircuitBreakerRunner::pendingCount() const
{
    std::lock_guard lock(m_pendingMutex);
    std::size_t n = 0;
    for (const auto &entry : m_pending)
        n += entry.second.size();
    return n;
}

} // namespace switchyard
