// SPDX-License-Identifier: Apache-2.0
#include "control/api/agentsessions.h"

#include "common/threadname.h"
#include "control/endpointregistry.h"
#include "model/idgenerator.h"

#include <algorithm>

namespace switchyard {

AgentSessions::AgentSessions(EndpointRegistry &registry, std::chrono::milliseconds lease)
    : m_registry(registry), m_lease(lease)
{
}

AgentSessions::~AgentSessions()
{
    {
        std::lock_guard lock(m_reaperMutex);
        m_stopping = true;
    }
    m_reaperWake.notify_all();
    if (m_reaper.joinable())
        m_reaper.join();
}

std::string AgentSessions::open(Clock::time_point now)
{
    std::string id = IdGenerator::make("as_");
    std::lock_guard lock(m_mutex);
    m_sessions[id] = Info{id, {}, now + m_lease};
    return id;
}

bool AgentSessions::heartbeat(const std::string &id, Clock::time_point now)
{
    std::lock_guard lock(m_mutex);
    auto it = m_sessions.find(id);
    if (it == m_sessions.end())
        return false;
    it->second.expires = now + m_lease;
    return true;
}

std::optional<AgentSessions::Info> AgentSessions::info(const std::string &id) const
{
    std::lock_guard lock(m_mutex);
    auto it = m_sessions.find(id);
    if (it == m_sessions.end())
        return std::nullopt;
    return it->second;
}

std::optional<std::string> AgentSessions::sessionOf(const std::string &endpointId) const
{
    std::lock_guard lock(m_mutex);
    for (const auto &[id, session] : m_sessions)
        if (std::find(session.endpointIds.begin(), session.endpointIds.end(), endpointId) != session.endpointIds.end())
            return id;
    return std::nullopt;
}

bool AgentSessions::attach(const std::string &id, const std::string &endpointId)
{
    std::lock_guard lock(m_mutex);
    auto it = m_sessions.find(id);
    if (it == m_sessions.end())
        return false;
    std::vector<std::string> &ids = it->second.endpointIds;
    if (std::find(ids.begin(), ids.end(), endpointId) == ids.end())
        ids.push_back(endpointId);
    return true;
}

void AgentSessions::detach(const std::string &endpointId)
{
    std::lock_guard lock(m_mutex);
    for (auto &[id, session] : m_sessions)
        std::erase(session.endpointIds, endpointId);
}

bool AgentSessions::close(const std::string &id)
{
    std::vector<std::string> endpointIds;
    {
        std::lock_guard lock(m_mutex);
        auto it = m_sessions.find(id);
        if (it == m_sessions.end())
            return false;
        endpointIds = std::move(it->second.endpointIds);
        m_sessions.erase(it);
    }
    removeEndpoints(endpointIds);
    return true;
}

int AgentSessions::expire(Clock::time_point now)
{
    std::vector<std::string> endpointIds;
    int ended = 0;
    {
        std::lock_guard lock(m_mutex);
        for (auto it = m_sessions.begin(); it != m_sessions.end();) {
            if (it->second.expires < now) {
                endpointIds.insert(endpointIds.end(), it->second.endpointIds.begin(), it->second.endpointIds.end());
                it = m_sessions.erase(it);
                ++ended;
            } else {
                ++it;
            }
        }
    }
    removeEndpoints(endpointIds);
    return ended;
}

void AgentSessions::removeEndpoints(const std::vector<std::string> &endpointIds)
{
    // One at a time: an endpoint already deleted through the API must not
    // keep the others online (apply() is all-or-nothing).
    for (const std::string &endpointId : endpointIds)
        (void)m_registry.remove(endpointId);
}

void AgentSessions::startReaper(std::chrono::milliseconds interval)
{
    if (m_reaper.joinable())
        return;
    m_reaper = std::thread([this, interval] {
        setCurrentThreadName("sy-sessions");
        std::unique_lock lock(m_reaperMutex);
        while (!m_stopping) {
            m_reaperWake.wait_for(lock, interval, [this] { return m_stopping; });
            if (m_stopping)
                break;
            lock.unlock();
            expire();
            lock.lock();
        }
    });
}

} // namespace switchyard
