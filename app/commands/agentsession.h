// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "commands/apiclient.h"
#include "model/endpoint.h"

#include <string>

namespace switchyard::cli {

// `switchyard http|tcp|tls` attached to a core that already runs on
// --api-addr: registers the endpoint through the agent API inside an agent
// session, prints the same "switchyard ready" lines as an embedded core,
// heartbeats until SIGINT/SIGTERM and then closes the session (which takes
// the endpoint offline). When the process dies without closing, the core
// lets the session's lease run out (AgentSessions::DefaultLease).
class AgentSession
{
public:
    enum class Probe {
        NoCore,  // nothing answers: run an embedded core
        Core,    // a Switchyard core that takes agent sessions
        Foreign, // something else answers on the address
    };
    // GET /api/status with a short timeout.
    static Probe probe(const std::string &apiAddr);

    AgentSession(std::string command, std::string apiAddr);

    // Registers `endpoint` and holds the session until a stop signal.
    // `nameGiven` false lets the endpoint take the first free name of
    // NAME, NAME-2, NAME-3… `policySource` names the policy in diagnostics.
    // Returns the exit code (CONTRACT.md): 0 after a signal, 1 for a
    // rejected endpoint (conflict, invalid policy), 3 when the core is lost.
    int run(Endpoint endpoint, bool nameGiven, const std::string &policySource);

private:
    bool openSession();
    // Nullopt when registered; otherwise the exit code after printing why.
    std::optional<int> registerEndpoint(Endpoint &endpoint, bool nameGiven, const std::string &policySource);
    int holdUntilSignal();
    void closeSession();
    int reportRejection(const ApiClient::Reply &reply, const std::string &policySource);

    std::string m_command;
    std::string m_apiAddr;
    ApiClient m_client;
    std::string m_sessionId;
    int m_heartbeatMs = 500;
    int m_leaseMs = 1500;
};

} // namespace switchyard::cli
