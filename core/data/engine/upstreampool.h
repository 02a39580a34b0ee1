// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "data/engine/bytestream.h"

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace switchyard {

// Idle keep-alive connections to upstreams, per worker (no locking: only
// the worker's thread uses it). Keyed by "scheme|host:port". Most recently
// used first out, so a busy route keeps reusing warm connections and the
// rest age out.
class UpstreamPool
{
public:
    using Clock = std::chrono::steady_clock;

    // A live idle connection for `key`, or null. Connections idle longer
    // than maxIdle, and ones the upstream closed or wrote to while idle
    // (checked with a non-blocking peek), are closed and skipped.
    std::shared_ptr<ByteStream> take(const std::string &key, Clock::time_point now, Clock::duration maxIdle);
    // Keeps `stream` for reuse; closes it when `key` already has maxPerKey.
    void put(const std::string &key, std::shared_ptr<ByteStream> stream, Clock::time_point now, std::size_t maxPerKey);
    // Closes connections idle longer than maxIdle.
    void prune(Clock::time_point now, Clock::duration maxIdle);
    void clear();
    std::size_t idleCount() const;

private:
    struct Idle
    {
        std::shared_ptr<ByteStream> stream;
        Clock::time_point since;
    };
    static bool stillUsable(ByteStream &stream);

    std::unordered_map<std::string, std::vector<Idle>> m_idle;
};

} // namespace switchyard
