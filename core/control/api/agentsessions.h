// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace switchyard {

class EndpointRegistry;

// Agent sessions: a `switchyard http` that attaches to a running core opens
// a session, registers its endpoints in it and keeps it alive with
// heartbeats. A session ends when it is closed or when no heartbeat came for
// lease(); its endpoints then leave the registry. This is what takes a
// killed agent's endpoints offline.
// Thread-safe: the API thread and the reaper thread share it.
class AgentSessions
{
public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::chrono::milliseconds DefaultLease{1500};
    static constexpr std::chrono::milliseconds HeartbeatInterval{500};
    // The request header that ties an agent endpoint to a session.
    static constexpr const char *Header = "Switchyard-Session";

    struct Info
    {
        std::string id;
        std::vector<std::string> endpointIds;
        Clock::time_point expires;
    };

    explicit AgentSessions(EndpointRegistry &registry, std::chrono::milliseconds lease = DefaultLease);
    ~AgentSessions(); // stops the reaper; the endpoints of open sessions stay
    AgentSessions(const AgentSessions &) = delete;
    AgentSessions &operator=(const AgentSessions &) = delete;

    std::chrono::milliseconds lease() const { return m_lease; }

    // Opens a session whose lease runs from `now`; returns its id (as_…).
    std::string open(Clock::time_point now = Clock::now());
    // Extends the lease; false when there is no such session (expired).
    bool heartbeat(const std::string &id, Clock::time_point now = Clock::now());
    std::optional<Info> info(const std::string &id) const;
    // The session an endpoint (by id) belongs to; nullopt when none does
    // (endpoints the core runs itself, cloud endpoints).
    std::optional<std::string> sessionOf(const std::string &endpointId) const;
    // Ties an endpoint (by id) to the session; false when the session is gone.
    bool attach(const std::string &id, const std::string &endpointId);
    // Forgets an endpoint removed by other means.
    void detach(const std::string &endpointId);
    // Ends the session and removes its endpoints; false when unknown.
    bool close(const std::string &id);
    // Ends every session whose lease ran out before `now`; returns how many.
    int expire(Clock::time_point now = Clock::now());

    // Runs expire() every `interval` on a thread of its own until destruction.
    void startReaper(std::chrono::milliseconds interval = std::chrono::milliseconds(100));

private:
    void removeEndpoints(const std::vector<std::string> &endpointIds);

    EndpointRegistry &m_registry;
    const std::chrono::milliseconds m_lease;
    mutable std::mutex m_mutex;
    std::map<std::string, Info> m_sessions;

    std::mutex m_reaperMutex;
    std::condition_variable m_reaperWake;
    bool m_stopping = false;
    std::thread m_reaper;
};

} // namespace switchyard
