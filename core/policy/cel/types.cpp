// SPDX-License-Identifier: Apache-2.0
#include "policy/cel/types.h"

namespace switchyard::cel {

Type Type::list(Type elem)
{
    Type t(TypeKind::List);
    auto p = std::make_shared<Params>();
    p->params.push_back(std::move(elem));
    t.m_params = std::move(p);
    return t;
}

Type Type::map(Type key, Type value)
{
    Type t(TypeKind::Map);
    auto p = std::make_shared<Params>();
    p->params.push_back(std::move(key));
    p->params.push_back(std::move(value));
    t.m_params = std::move(p);
    return t;
}

Type Type::object(std::string name, std::map<std::string, Type, std::less<>> fields)
{
    Type t(TypeKind::Object);
    auto p = std::make_shared<Params>();
    p->name = std::move(name);
    p->fields = std::move(fields);
    t.m_params = std::move(p);
    return t;
}

Type Type::elem() const
{
    return m_kind == TypeKind::List && m_params ? m_params->params[0] : Type();
}

Type Type::key() const
{
    return m_kind == TypeKind::Map && m_params ? m_params->params[0] : Type();
}

Type Type::value() const
{
    return m_kind == TypeKind::Map && m_params ? m_params->params[1] : Type();
}

const std::string &Type::objectName() const
{
    static const std::string empty;
    return m_params ? m_params->name : empty;
}

const Type *Type::field(std::string_view name) const
{
    if (m_kind != TypeKind::Object || !m_params)
        return nullptr;
    auto it = m_params->fields.find(name);
    return it == m_params->fields.end() ? nullptr : &it->second;
}

std::vector<std::string_view> Type::fieldNames() const
{
    std::vector<std::string_view> out;
    if (m_kind == TypeKind::Object && m_params)
        for (const auto &[k, v] : m_params->fields)
            out.push_back(k);
    return out;
}

std::string Type::name() const
{
    switch (m_kind) {
    case TypeKind::Dyn: return "dyn";
    case TypeKind::Null: return "null_type";
    case TypeKind::Bool: return "bool";
    case TypeKind::Int: return "int";
    case TypeKind::Uint: return "uint";
    case TypeKind::Double: return "double";
    case TypeKind::String: return "string";
    case TypeKind::Bytes: return "bytes";
    case TypeKind::List: return "list(" + elem().name() + ")";
    case TypeKind::Map: return "map(" + key().name() + ", " + value().name() + ")";
    case TypeKind::Type: return "type";
    case TypeKind::Timestamp: return "google.protobuf.Timestamp";
    case TypeKind::Duration: return "google.protobuf.Duration";
    case TypeKind::Object: return objectName();
    case TypeKind::Error: return "*error*";
    }
    return "dyn";
}

bool Type::operator==(const Type &o) const
{
    if (m_kind != o.m_kind)
        return false;
    switch (m_kind) {
    case TypeKind::List: return elem() == o.elem();
    case TypeKind::Map: return key() == o.key() && value() == o.value();
    case TypeKind::Object: return objectName() == o.objectName();
    default: return true;
    }
}

void Environment::declare(const std::string &name, Type type)
{
    for (auto &v : m_vars) {
        if (v.name == name) {
            v.type = std::move(type);
            return;
        }
    }
    m_vars.push_back({name, std::move(type), static_cast<int>(m_vars.size())});
}

const Environment::Variable *Environment::find(std::string_view name) const
{
    for (const auto &v : m_vars)
        if (v.name == name)
            return &v;
    return nullptr;
}

std::vector<std::string_view> Environment::names() const
{
    std::vector<std::string_view> out;
    for (const auto &v : m_vars)
        out.push_back(v.name);
    return out;
}

} // namespace switchyard::cel
