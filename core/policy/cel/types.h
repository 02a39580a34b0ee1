// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace switchyard::cel {

enum class TypeKind : std::uint8_t {
    Dyn, Null, Bool, Int, Uint, Double, String, Bytes, List, Map, Type, Timestamp, Duration, Object, Error
};

// A static CEL type for checking. Object types are "message-like": a named
// record with known fields (req, req.url, ...) whose runtime value is a map
// with string keys.
class Type
{
public:
    Type() = default; // dyn
    explicit Type(TypeKind kind) : m_kind(kind) {}

    static Type dyn() { return Type(TypeKind::Dyn); }
    static Type list(Type elem);
    static Type map(Type key, Type value);
    static Type object(std::string name, std::map<std::string, Type, std::less<>> fields);

    TypeKind kind() const { return m_kind; }
    bool isDyn() const { return m_kind == TypeKind::Dyn; }
    // List element type, map key/value types (dyn when not parameterised).
    Type elem() const;
    Type key() const;
    Type value() const;
    const std::string &objectName() const;
    // The declared field, or nullptr.
    const Type *field(std::string_view name) const;
    std::vector<std::string_view> fieldNames() const;

    // "int", "list(string)", "map(string, list(string))", "req.url".
    std::string name() const;
    bool operator==(const Type &o) const;

private:
    struct Params
    {
        std::vector<Type> params;
        std::string name;
        std::map<std::string, Type, std::less<>> fields;
    };
    TypeKind m_kind = TypeKind::Dyn;
    std::shared_ptr<const Params> m_params;
};

// Declared variables: name → type, each with a slot number (declaration
// order) that compiled programs use to fetch values from an Activation.
class Environment
{
public:
    struct Variable
    {
        std::string name;
        Type type;
        int slot = 0;
    };

    // Re-declaring a name replaces its type and keeps its slot.
    void declare(const std::string &name, Type type);
    const Variable *find(std::string_view name) const;
    const std::vector<Variable> &variables() const { return m_vars; }
    std::vector<std::string_view> names() const;

private:
    std::vector<Variable> m_vars;
};

} // namespace switchyard::cel
