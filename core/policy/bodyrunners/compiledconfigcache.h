// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace switchyard {

// What a body runner builds from its rendered config (a webhook verifier,
// compiled RE2 patterns), kept by that config's text so a policy's action
// is built once, not per request. A config that fails to build is kept
// with its error too. Interpolated configs that differ per request would
// grow it: past `maxEntries` it starts over. Thread-safe; T must be safe
// to share between threads once built.
template <class T>
class CompiledConfigCache
{
public:
    struct Entry
    {
        std::shared_ptr<const T> value; // null when building failed
        std::string error;
    };

    explicit CompiledConfigCache(std::size_t maxEntries = 1024) : m_maxEntries(maxEntries) {}

    // The entry for `key`, built with `build` when missing. `build` runs
    // outside the lock.
    std::shared_ptr<const Entry> obtain(const std::string &key, const std::function<Result<T>()> &build) const
    {
        {
            std::lock_guard lock(m_mutex);
            if (const auto it = m_entries.find(key); it != m_entries.end())
                return it->second;
        }
        auto built = build();
        auto entry = std::make_shared<Entry>();
        if (built.ok())
            entry->value = std::make_shared<const T>(std::move(*built));
        else
            entry->error = built.message();
        std::lock_guard lock(m_mutex);
        if (m_entries.size() >= m_maxEntries)
            m_entries.clear();
        return m_entries.emplace(key, std::move(entry)).first->second;
    }

    std::size_t size() const
    {
        std::lock_guard lock(m_mutex);
        return m_entries.size();
    }

private:
    std::size_t m_maxEntries;
    mutable std::mutex m_mutex;
    mutable std::unordered_map<std::string, std::shared_ptr<const Entry>> m_entries;
};

} // namespace switchyard
