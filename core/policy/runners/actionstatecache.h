// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/runtime/runtimeclock.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace switchyard {

// Per-action state of an ActionRunner (a rate limiter, a breaker, a built
// validator), keyed by endpoint id + action path. An entry is rebuilt when
// its config fingerprint changes (the policy was edited), so a new config
// never inherits old counters. Memory is bounded: entries unused for their
// idle time are swept, and beyond `maxEntries` the least recently used go.
// Thread-safe; the returned state is shared and must be thread-safe itself.
template <class T>
class ActionStateCache
{
public:
    explicit ActionStateCache(std::size_t maxEntries = 10'000, MonotonicClock clock = {})
        : m_maxEntries(std::max<std::size_t>(1, maxEntries)), m_clock(clock ? std::move(clock) : steadyMillis)
    {
    }

    // The state under `key`, made with `make` when missing, stale or built
    // from another fingerprint. `make` may return null (a config that cannot
    // run): that is cached too, so it is not retried per request.
    std::shared_ptr<T> obtain(const std::string &key, const std::string &fingerprint, std::int64_t idleMillis,
                              const std::function<std::shared_ptr<T>()> &make)
    {
        const std::int64_t now = m_clock();
        std::lock_guard lock(m_mutex);
        sweepLocked(now);
        auto it = m_entries.find(key);
        if (it == m_entries.end() || it->second.fingerprint != fingerprint) {
            if (it == m_entries.end() && m_entries.size() >= m_maxEntries)
                evictOldestLocked();
            it = m_entries.insert_or_assign(key, Entry{fingerprint, make(), now, idleMillis}).first;
        }
        it->second.lastUsed = now;
        return it->second.value;
    }

    // The state under `key` if present and current, without creating it.
    std::shared_ptr<T> find(const std::string &key) const
    {
        std::lock_guard lock(m_mutex);
        const auto it = m_entries.find(key);
        return it == m_entries.end() ? nullptr : it->second.value;
    }

    std::size_t size() const
    {
        std::lock_guard lock(m_mutex);
        return m_entries.size();
    }

private:
    struct Entry
    {
        std::string fingerprint;
        std::shared_ptr<T> value;
        std::int64_t lastUsed = 0;
        std::int64_t idleMillis = 0;
    };

    void sweepLocked(std::int64_t now)
    {
        // At most once a second: a sweep walks every entry.
        if (now - m_lastSweep < 1000)
            return;
        m_lastSweep = now;
        std::erase_if(m_entries, [now](const auto &e) { return now - e.second.lastUsed > e.second.idleMillis; });
    }

    void evictOldestLocked()
    {
        const auto oldest = std::min_element(m_entries.begin(), m_entries.end(), [](const auto &a, const auto &b) {
            return a.second.lastUsed < b.second.lastUsed;
        });
        if (oldest != m_entries.end())
            m_entries.erase(oldest);
    }

    std::size_t m_maxEntries;
    MonotonicClock m_clock;
    mutable std::mutex m_mutex;
    std::unordered_map<std::string, Entry> m_entries;
    std::int64_t m_lastSweep = 0;
};

} // namespace switchyard
