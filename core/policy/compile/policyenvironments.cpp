// SPDX-License-Identifier: Apache-2.0
#include "policy/compile/policyenvironments.h"

#include "policy/cel/phaseenvironment.h"

namespace switchyard {

namespace {

cel::PolicyPhase celPhase(PolicyPhase phase)
{
    switch (phase) {
    case PolicyPhase::TcpConnect: return cel::PolicyPhase::TcpConnect;
    case PolicyPhase::HttpRequest: return cel::PolicyPhase::HttpRequest;
    case PolicyPhase::HttpResponse: return cel::PolicyPhase::HttpResponse;
    }
    return cel::PolicyPhase::HttpRequest;
}

int slotOf(const cel::Environment &env, std::string_view name)
{
    const cel::Environment::Variable *v = env.find(name);
    return v ? v->slot : -1;
}

} // namespace

PolicyEnvironments::PolicyEnvironments()
{
    for (PolicyPhase phase : AllPolicyPhases) {
        cel::Environment &env = m_envs[index(phase)];
        env = cel::phaseEnvironment(celPhase(phase));
        Slots &s = m_slots[index(phase)];
        s.conn = slotOf(env, "conn");
        s.endpoint = slotOf(env, "endpoint");
        s.time = slotOf(env, "time");
        s.vars = slotOf(env, "vars");
        s.actions = slotOf(env, "actions");
        s.req = slotOf(env, "req");
        s.res = slotOf(env, "res");
    }
}

const PolicyEnvironments &PolicyEnvironments::shared()
{
    static const PolicyEnvironments environments;
    return environments;
}

} // namespace switchyard
