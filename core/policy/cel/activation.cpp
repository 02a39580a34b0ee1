// SPDX-License-Identifier: Apache-2.0
#include "policy/cel/activation.h"

namespace switchyard::cel {

const Value *MapActivation::find(int, std::string_view name) const
{
    auto it = m_values.find(name);
    return it == m_values.end() ? nullptr : &it->second;
}

SlotActivation::SlotActivation(const Environment &env)
    : m_env(&env), m_values(env.variables().size()), m_bound(env.variables().size(), false)
{
}

bool SlotActivation::set(std::string_view name, Value value)
{
    const Environment::Variable *v = m_env->find(name);
    if (!v)
        return false;
    setSlot(v->slot, std::move(value));
    return true;
}

void SlotActivation::setSlot(int slot, Value value)
{
    const auto i = static_cast<std::size_t>(slot);
    if (i >= m_values.size()) {
        m_values.resize(i + 1);
        m_bound.resize(i + 1, false);
    }
    m_values[i] = std::move(value);
    m_bound[i] = true;
}

const Value *SlotActivation::find(int slot, std::string_view) const
{
    const auto i = static_cast<std::size_t>(slot);
    return i < m_values.size() && m_bound[i] ? &m_values[i] : nullptr;
}

} // namespace switchyard::cel
