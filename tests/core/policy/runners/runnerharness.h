// SPDX-License-Identifier: Apache-2.0
#pragma once

// Runs one policy's on_http_request through a PolicyExecutor with the
// runners under test, and feeds upstream responses back to them, the way
// PolicyRuntime does.

#include "policy/compile/policycompiler.h"
#include "policy/exec/actionrunnerregistry.h"
#include "policy/exec/policyexecutor.h"
#include "policy/runtime/runtimeclock.h"

#include <QTest>

#include <cstdint>
#include <memory>
#include <string>

namespace switchyard::test {

// A clock the test moves by hand (milliseconds).
struct ManualClock
{
    std::shared_ptr<std::int64_t> now = std::make_shared<std::int64_t>(1'000'000);
    MonotonicClock monotonic() const
    {
        return [n = now] { return *n; };
    }
    void advance(std::int64_t millis) const { *now += millis; }
};

class RunnerHarness
{
public:
    RunnerHarness(const std::string &type, std::shared_ptr<const ActionRunner> runner, const std::string &policy)
    {
        m_registry.add(type, std::move(runner));
        const PolicyCompileResult r = PolicyCompiler().compile(policy);
        if (!r.ok())
            qWarning("%s", r.diagnostics.format("policy").c_str());
        m_policy = r.policy;
    }

    bool compiled() const { return m_policy != nullptr; }

    static PolicyExchange exchange(const std::string &clientIp = "192.0.2.1", int clientPort = 40000,
                                   const std::string &endpointId = "ep_1")
    {
        PolicyExchange x;
        x.endpointId = endpointId;
        x.endpointUrl = "https://app.example.com";
        x.request.url = "https://app.example.com/";
        x.request.headers.append("host", "app.example.com");
        x.connection.clientIp = clientIp;
        x.connection.clientPort = clientPort;
        x.connection.serverPort = 443;
        return x;
    }

    PolicyOutcome request(PolicyExchange &x)
    {
        m_trace = {};
        return PolicyExecutor(&m_registry).run(*m_policy, PolicyPhase::HttpRequest, x, &m_trace);
    }

    // The upstream answered `status` to the request of `x`.
    void respond(PolicyExchange &x, int status)
    {
        x.response = PolicyResponse{status, {}, {}};
        m_registry.observeResponse(x);
        x.response.reset();
    }

    // The first action's trace text of the last request.
    std::string summary() const
    {
        return m_trace.rules.empty() || m_trace.rules[0].actions.empty() ? std::string()
                                                                          : m_trace.rules[0].actions[0].result;
    }
    bool actionError() const { return !m_trace.rules.empty() && m_trace.rules[0].actions.at(0).error; }

private:
    ActionRunnerRegistry m_registry;
    std::shared_ptr<const CompiledPolicy> m_policy;
    PolicyTrace m_trace;
};

inline std::string header(const PolicyResponse &response, std::string_view name)
{
    const auto v = response.headers.value(name);
    return v ? std::string(*v) : std::string("<none>");
}

} // namespace switchyard::test
