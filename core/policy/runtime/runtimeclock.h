// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace switchyard {

// Clocks injected into the run-time action primitives so tests can drive
// time. A MonotonicClock returns milliseconds on a steady scale (limiters,
// breakers); a WallClock returns Unix seconds (token and webhook timestamps).
using MonotonicClock = std::function<std::int64_t()>;
using WallClock = std::function<std::int64_t()>;

inline std::int64_t steadyMillis()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

inline std::int64_t unixSeconds()
{
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace switchyard
