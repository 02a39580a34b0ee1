// SPDX-License-Identifier: Apache-2.0
#include "data/engine/upstreampool.h"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

namespace switchyard {

bool UpstreamPool::stillUsable(ByteStream &stream)
{
    // An idle connection must have nothing to read: EOF means the upstream
    // closed it, bytes mean it sent something nobody asked for.
    char byte = 0;
    const ssize_t n = ::recv(stream.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

std::shared_ptr<ByteStream> UpstreamPool::take(const std::string &key, Clock::time_point now, Clock::duration maxIdle)
{
    const auto it = m_idle.find(key);
    if (it == m_idle.end())
        return nullptr;
    std::vector<Idle> &list = it->second;
    while (!list.empty()) {
        Idle idle = std::move(list.back());
        list.pop_back();
        if (now - idle.since <= maxIdle && stillUsable(*idle.stream))
            return std::move(idle.stream);
        idle.stream->close();
    }
    return nullptr;
}

void UpstreamPool::put(const std::string &key, std::shared_ptr<ByteStream> stream, Clock::time_point now,
                       std::size_t maxPerKey)
{
    std::vector<Idle> &list = m_idle[key];
    if (list.size() >= maxPerKey) {
        stream->close();
        return;
    }
    list.push_back({std::move(stream), now});
}

void UpstreamPool::prune(Clock::time_point now, Clock::duration maxIdle)
{
    for (auto it = m_idle.begin(); it != m_idle.end();) {
        std::vector<Idle> &list = it->second;
        // Oldest first in the vector: everything before the first fresh one goes.
        const auto fresh = std::find_if(list.begin(), list.end(),
                                        [&](const Idle &idle) { return now - idle.since <= maxIdle; });
        for (auto old = list.begin(); old != fresh; ++old)
            old->stream->close();
        list.erase(list.begin(), fresh);
        it = list.empty() ? m_idle.erase(it) : std::next(it);
    }
}

void UpstreamPool::clear()
{
    for (auto &[key, list] : m_idle)
        for (Idle &idle : list)
            idle.stream->close();
    m_idle.clear();
}

std::size_t UpstreamPool::idleCount() const
{
    std::size_t n = 0;
    for (const auto &[key, list] : m_idle)
        n += list.size();
    return n;
}

} // namespace switchyard
