// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/exec/actionrunner.h"
#include "policy/runners/actionstatecache.h"
#include "policy/runtime/ratelimiter.h"

#include <string_view>

namespace switchyard {

// rate-limit at run time (reference §6.3): a sliding window of `capacity`
// requests per `rate` for each bucket, the bucket being the combination of
// the `bucket_key` expressions' values. Over the limit: 429 with
// `retry-after` (whole seconds) and switchyard-error-code ERR_SWITCHYARD_3206;
// with `enforce: false` the request passes and the trace says it was
// limited. A bucket_key expression that fails counts as an empty value
// (a missing header puts those requests in one shared bucket). One limiter
// per endpoint and action; buckets are not shared between endpoints, nor
// between two actions with the same `name`.
class RateLimitRunner : public ActionRunner
{
public:
    static constexpr std::string_view ErrorCode = "ERR_SWITCHYARD_3206";

    explicit RateLimitRunner(MonotonicClock clock = {});
    ActionRunResult run(const ActionRunContext &context) const override;

    // Limiters alive (one per endpoint action used recently).
    std::size_t limiterCount() const { return m_limiters.size(); }

private:
    MonotonicClock m_clock;
    mutable ActionStateCache<RateLimiter> m_limiters;
};

} // namespace switchyard
