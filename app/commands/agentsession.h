// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "commands/apiclient.h"
#include "commands/watchedfile.h"
#include "model/endpoint.h"

#include <memory>
#include <optional>
#include <string>

namespace switchyard::cli {

// `switchyard http|tcp|tls` attached to a core that already runs on
// --api-addr: registers the endpoint through the agent API inside an agent
// session, prints the same "switchyard ready" lines as an embedded core,
// heartbeats until SIGINT/SIGTERM and then closes the session (which takes
// the endpoint offline). When the process dies without closing, the core
// lets the session's lease run out (AgentSessions::DefaultLease).
// When the core goes away (or ends the session), it says so on stderr and
// retries with backoff; once a core answers on the address again it opens a
// new session and registers the endpoint again as on the first attach.
// SIGHUP and a change of the --traffic-policy-file push the file's policy
// to the core (PUT /api/endpoints/{name}); a rejected one keeps the old.
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
    // NAME, NAME-2, NAME-3… `policyFile` is the --traffic-policy-file (empty:
    // none). Returns the exit code (CONTRACT.md): 0 after a signal, 1 for a
    // rejected endpoint (conflict, invalid policy), 3 when the first attach
    // cannot reach the core.
    int run(Endpoint endpoint, bool nameGiven, const std::string &policyFile);

private:
    enum class Outcome {
        Registered,
        Unreachable, // no answer, or a 5xx: worth another try
        Rejected,    // the core refused the endpoint (printed); permanent
    };
    // A new session on a fresh connection; false when the core did not
    // answer (`why` says so).
    bool openSession(std::string &why);
    Outcome registerEndpoint(std::string &why);
    // Heartbeats and watches the policy file until a stop signal (true) or
    // the loss of the core or the session (false, `why` says which).
    bool holdUntilSignal(std::string &why);
    // Retries with backoff until registered again; the exit code when a
    // signal or a permanent refusal ends it instead.
    std::optional<int> reattach();
    void pushPolicy();
    void closeSession();
    std::string policySource() const;

    std::string m_command;
    std::string m_apiAddr;
    std::unique_ptr<ApiClient> m_client;
    std::string m_sessionId;
    int m_heartbeatMs = 500;
    int m_leaseMs = 1500;
    Endpoint m_endpoint;
    std::string m_baseName;
    bool m_nameGiven = false;
    std::optional<WatchedFile> m_policyFile;
    bool m_policyPending = false; // a push the core did not answer
};

} // namespace switchyard::cli
