// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/exec/actionrunner.h"
#include "policy/runners/actionstatecache.h"
#include "policy/runtime/circuitbreaker.h"

#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace switchyard {

// circuit-breaker at run time (reference §6.3): one CircuitBreaker per
// endpoint and action. While it is open, requests get 503 with
// switchyard-error-code ERR_SWITCHYARD_3202 and `retry-after`; with
// `enforce: false` they pass and the trace says so. Outcomes arrive through
// observeResponse(): an admitted request is remembered under its client
// connection and endpoint (HTTP/1.1 has one request in flight per
// connection) until the upstream's response head reports its status.
// The engine's own 502/504 (upstream unreachable, reset, timed out) come
// through observeResponse() too. Requests that end without either (a later
// action answering) are not counted: a newer request on the same
// connection, or age, drops them.
class CircuitBreakerRunner : public ActionRunner
{
public:
    static constexpr std::string_view ErrorCode = "ERR_SWITCHYARD_3202";

    explicit CircuitBreakerRunner(MonotonicClock clock = {});
    ActionRunResult run(const ActionRunContext &context) const override;
    void observeResponse(const PolicyExchange &exchange) const override;

    // The breaker of an endpoint's action, null before its first request.
    std::shared_ptr<CircuitBreaker> breaker(const std::string &endpointId, const std::string &actionPath) const;
    std::size_t pendingCount() const;

private:
    struct Pending
    {
        std::shared_ptr<CircuitBreaker> breaker;
        CircuitBreaker::Admission admission;
        std::int64_t since = 0;
    };

    static std::string pendingKey(const PolicyExchange &exchange);
    void remember(const std::string &key, Pending pending) const;

    MonotonicClock m_clock;
    mutable ActionStateCache<CircuitBreaker> m_breakers;
    mutable std::mutex m_pendingMutex;
    // By connection + endpoint; one entry per breaker that admitted the request.
    mutable std::unordered_map<std::string, std::vector<Pending>> m_pending;
    mutable std::int64_t m_pendingSwept = 0;
};

} // namespace switchyard
