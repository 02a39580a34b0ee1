// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/cel/types.h"
#include "policy/cel/value.h"

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace switchyard::cel {

// The variables an evaluation sees. Programs resolve each variable to the
// Environment slot at compile time and ask for it by slot and name;
// implementations use whichever suits them. nullptr = not bound.
class Activation
{
public:
    virtual ~Activation() = default;
    virtual const Value *find(int slot, std::string_view name) const = 0;
};

// Variables by name; for tests, the CLI's --vars and one-off evaluations.
class MapActivation : public Activation
{
public:
    void set(std::string name, Value value) { m_values[std::move(name)] = std::move(value); }
    const Value *find(int slot, std::string_view name) const override;

private:
    struct Hash
    {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_map<std::string, Value, Hash, std::equal_to<>> m_values;
};

// Variables by Environment slot: the fast path for the traffic-policy engine,
// which fills one per request.
class SlotActivation : public Activation
{
public:
    explicit SlotActivation(const Environment &env);
    // Returns false for a name the Environment does not declare.
    bool set(std::string_view name, Value value);
    void setSlot(int slot, Value value);
    const Value *find(int slot, std::string_view name) const override;

private:
    const Environment *m_env;
    std::vector<Value> m_values;
    std::vector<bool> m_bound;
};

} // namespace switchyard::cel
