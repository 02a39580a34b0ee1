// SPDX-License-Identifier: Apache-2.0
#include "policy/runners/ratelimitrunner.h"

#include "policy/exec/actionresultvalue.h"
#include "policy/exec/builtinactions.h"
#include "policy/runners/runnerconfig.h"

namespace switchyard {

namespace {

// Buckets of one limiter; past this it fails open for new keys rather than grow.
constexpr std::size_t MaxBucketsPerLimiter = 100'000;

} // namespace

RateLimitRunner::RateLimitRunner(MonotonicClock clock)
    : m_clock(clock ? std::move(clock) : steadyMillis), m_limiters(10'000, m_clock)
{
}

ActionRunResult RateLimitRunner::run(const ActionRunContext &context) const
{
    ActionRunResult result;
    const RunnerConfig config(context.action);
    const std::int64_t capacity = config.integer("capacity", 1);
    const std::int64_t window = config.durationMillis("rate", 60'000);

    std::vector<std::string> parts;
    if (const PolicyNode *keys = config.node("bucket_key")) {
        for (const PolicyNode &key : keys->children) {
            std::string value;
            std::string error;
            if (!config.render(key, context.activation, value, error))
                value.clear();
            parts.push_back(std::move(value));
        }
    }
    const std::string bucket = RateLimiter::combineKey(parts);

    // An idle limiter holds nothing a fresh one would not after two windows.
    const auto limiter = m_limiters.obtain(RunnerConfig::stateKey(context.exchange, context.action),
                                           config.fingerprint(), 2 * window, [&] {
                                               return std::make_shared<RateLimiter>(RateLimiter::Options{
                                                   capacity, window, MaxBucketsPerLimiter, m_clock});
                                           });
    const RateLimiter::Decision decision = limiter->acquire(bucket);
    std::string shownKey;
    for (const std::string &part : parts)
        shownKey += (shownKey.empty() ? "" : ",") + part;
    result.resultName = "rate_limit";
    result.result = ActionResultValue::map({{"bucket_key", cel::Value::string(std::move(shownKey))},
                                            {"limited", cel::Value::boolean(!decision.allowed)},
                                            {"error", ActionResultValue::error({}, {})}});
    if (decision.allowed) {
        result.summary = "allowed";
        return result;
    }
    if (!config.boolean("enforce", true)) {
        result.summary = "limited (not enforced)";
        return result;
    }
    result.kind = ActionRunResult::Kind::Respond;
    result.response = BuiltinActions::errorResponse(
        429, "rate limit exceeded: at most " + std::to_string(capacity) + " requests per " + config.string("rate"),
        std::string(ErrorCode));
    result.response.headers.set("retry-after", std::to_string(decision.retryAfterSeconds));
    result.summary = "limited, retry after " + std::to_string(decision.retryAfterSeconds) + "s";
    return result;
}

} // namespace switchyard
