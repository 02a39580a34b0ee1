// SPDX-License-Identifier: Apache-2.0
#include "policy/compile/actionconfigresolver.h"

#include "data/http/httpheaders.h"
#include "policy/actionconfigchecker.h"
#include "policy/actionschema.h"
#include "policy/policyvalues.h"

#include <map>

namespace switchyard {

namespace {

int integerField(const PolicyNode &config, std::string_view name, int fallback)
{
    const PolicyNode *n = config.find(name);
    if (!n || !n->isScalar())
        return fallback;
    const auto v = PolicyValues::parseInteger(n->scalar);
    return v ? static_cast<int>(*v) : fallback;
}

bool booleanField(const PolicyNode &config, std::string_view name, bool fallback)
{
    const PolicyNode *n = config.find(name);
    if (!n || !n->isScalar())
        return fallback;
    return PolicyValues::parseBoolean(n->scalar).value_or(fallback);
}

// A YAML value as a CEL constant: plain scalars typed, quoted ones strings.
cel::Value constantOf(const PolicyNode &node)
{
    switch (node.kind) {
    case PolicyNode::Kind::Null: return cel::Value::null();
    case PolicyNode::Kind::Sequence: {
        std::vector<cel::Value> items;
        for (const PolicyNode &c : node.children)
            items.push_back(constantOf(c));
        return cel::Value::list(std::move(items));
    }
    case PolicyNode::Kind::Map: {
        std::vector<cel::MapValue::Entry> entries;
        for (const PolicyNode &c : node.children)
            entries.emplace_back(cel::Value::string(c.key), constantOf(c));
        return cel::MapValue::make(std::move(entries));
    }
    case PolicyNode::Kind::Scalar: break;
    }
    if (node.isPlainScalar()) {
        if (auto b = PolicyValues::parseBoolean(node.scalar))
            return cel::Value::boolean(*b);
        if (auto i = PolicyValues::parseInteger(node.scalar))
            return cel::Value::integer(*i);
        if (node.describe() == "a number") {
            if (auto d = PolicyValues::parseNumber(node.scalar))
                return cel::Value::dbl(*d);
        }
        if (node.scalar == "null" || node.scalar == "~")
            return cel::Value::null();
    }
    return cel::Value::string(node.scalar);
}

bool isStringScalar(const PolicyNode &node)
{
    return node.isScalar() && (!node.isPlainScalar() || node.describe() == "a string");
}

ActionKind kindOf(std::string_view type)
{
    static const std::map<std::string_view, ActionKind> kinds{
        {"add-headers", ActionKind::AddHeaders},
        {"remove-headers", ActionKind::RemoveHeaders},
        {"custom-response", ActionKind::CustomResponse},
        {"deny", ActionKind::Deny},
        {"close-connection", ActionKind::CloseConnection},
        {"forward-internal", ActionKind::ForwardInternal},
        {"redirect", ActionKind::Redirect},
        {"url-rewrite", ActionKind::UrlRewrite},
        {"set-vars", ActionKind::SetVars},
        {"log", ActionKind::Log},
        {"restrict-ips", ActionKind::RestrictIps},
        {"basic-auth", ActionKind::BasicAuth},
    };
    const auto it = kinds.find(type);
    return it == kinds.end() ? ActionKind::External : it->second;
}

} // namespace

CompiledTemplate ActionConfigResolver::templateOf(const PolicyNode &node, bool interpolated) const
{
    const std::string &text = node.scalar;
    if (!interpolated || !PolicyValues::hasInterpolation(text))
        return CompiledTemplate::literal(text);
    std::vector<CompiledTemplate::Part> parts;
    std::size_t pos = 0;
    for (const PolicyValues::Interpolation &i : PolicyValues::interpolations(text)) {
        const std::size_t start = static_cast<std::size_t>(i.column - 1);
        if (start - 2 > pos)
            parts.push_back({text.substr(pos, start - 2 - pos), nullptr});
        parts.push_back({{}, m_programs.program(i.source, m_phase)});
        pos = start + i.source.size() + 1;
    }
    if (pos < text.size())
        parts.push_back({text.substr(pos), nullptr});
    return CompiledTemplate::fromParts(text, std::move(parts));
}

std::vector<NamedTemplate> ActionConfigResolver::namedTemplates(const PolicyNode *map, bool lowerNames) const
{
    std::vector<NamedTemplate> out;
    if (!map)
        return out;
    for (const PolicyNode &entry : map->children)
        out.push_back({lowerNames ? HttpHeaders::toLower(entry.key) : entry.key, templateOf(entry)});
    return out;
}

RewriteConfig ActionConfigResolver::rewriteConfig(const PolicyAction &action, bool redirect,
                                                  DiagnosticList &diagnostics) const
{
    RewriteConfig c;
    const PolicyNode &config = action.config;
    if (const PolicyNode *from = config.find("from")) {
        c.from = templateOf(*from);
        if (c.from->isLiteral()) {
            std::string error;
            c.fromRegex = cel::Regex::compile(from->scalar, error);
            if (!c.fromRegex)
                diagnostics.error(error, from->position, from->path);
        }
    }
    if (const PolicyNode *to = config.find("to"))
        c.to = templateOf(*to);
    if (redirect) {
        c.statusCode = integerField(config, "status_code", 302);
        c.headers = namedTemplates(config.find("headers"), true);
    }
    return c;
}

SetVarsConfig ActionConfigResolver::setVarsConfig(const PolicyAction &action) const
{
    SetVarsConfig c;
    const PolicyNode *vars = action.config.find("vars");
    if (!vars)
        return c;
    for (const PolicyNode &item : vars->children) {
        for (const PolicyNode &entry : item.children) {
            SetVarsConfig::Var v;
            v.name = entry.key;
            if (isStringScalar(entry))
                v.text = templateOf(entry);
            else
                v.constant = constantOf(entry);
            c.vars.push_back(std::move(v));
        }
    }
    return c;
}

RestrictIpsConfig ActionConfigResolver::restrictIpsConfig(const PolicyAction &action) const
{
    RestrictIpsConfig c;
    c.enforce = booleanField(action.config, "enforce", true);
    auto entries = [this](const PolicyNode *list) {
        std::vector<CidrEntry> out;
        if (!list)
            return out;
        for (const PolicyNode &item : list->children) {
            CidrEntry e{templateOf(item), std::nullopt};
            if (e.text.isLiteral())
                e.range = cel::CidrRange::parse(item.scalar);
            out.push_back(std::move(e));
        }
        return out;
    };
    c.allow = entries(action.config.find("allow"));
    c.deny = entries(action.config.find("deny"));
    return c;
}

ActionConfig ActionConfigResolver::externalConfig(const PolicyAction &action) const
{
    ExternalConfig c;
    const ActionSchema *schema = ActionSchemas::find(action.type);
    if (!schema)
        return c;
    DiagnosticList ignored; // validation already reported these
    std::vector<EmbeddedExpression> found;
    ActionConfigChecker(ignored, found, nullptr).check(*schema, action, m_phase);
    const PolicyNode *last = nullptr;
    for (const EmbeddedExpression &e : found) {
        // A whole-CEL field starts at column 1; an interpolation after its "${".
        if (e.column == 1 && e.source == e.node->scalar) {
            c.programs.emplace_back(e.node->path, m_programs.program(e.source, m_phase));
        } else if (e.node != last) {
            c.templates.emplace_back(e.node->path, templateOf(*e.node));
            last = e.node;
        }
    }
    return c;
}

CompiledAction ActionConfigResolver::resolve(const PolicyAction &action, DiagnosticList &diagnostics) const
{
    CompiledAction a;
    a.type = action.type;
    a.kind = kindOf(action.type);
    a.position = action.typePosition;
    a.path = action.path;
    a.rawConfig = action.config;
    const PolicyNode &config = action.config;
    switch (a.kind) {
    case ActionKind::AddHeaders:
        a.config = AddHeadersConfig{namedTemplates(config.find("headers"), true)};
        break;
    case ActionKind::RemoveHeaders: {
        RemoveHeadersConfig c;
        if (const PolicyNode *list = config.find("headers")) {
            for (const PolicyNode &item : list->children)
                c.names.push_back(HttpHeaders::toLower(item.scalar));
        }
        a.config = std::move(c);
        break;
    }
    case ActionKind::CustomResponse: {
        CustomResponseConfig c;
        c.statusCode = integerField(config, "status_code", 200);
        const PolicyNode *body = config.find("body");
        if (!body)
            body = config.find("content");
        if (body && body->isScalar())
            c.body = templateOf(*body);
        c.headers = namedTemplates(config.find("headers"), true);
        a.config = std::move(c);
        a.terminating = true;
        break;
    }
    case ActionKind::Deny:
        a.config = DenyConfig{integerField(config, "status_code", 403)};
        a.terminating = true;
        break;
    case ActionKind::CloseConnection:
        a.config = CloseConnectionConfig{};
        a.terminating = true;
        break;
    case ActionKind::ForwardInternal: {
        ForwardInternalConfig c;
        if (const PolicyNode *url = config.find("url"))
            c.url = templateOf(*url);
        const PolicyNode *onError = config.find("on_error");
        c.continueOnError = onError && onError->scalar == "continue";
        a.terminating = !c.continueOnError;
        a.config = std::move(c);
        break;
    }
    case ActionKind::Redirect: a.config = rewriteConfig(action, true, diagnostics); break;
    case ActionKind::UrlRewrite: a.config = rewriteConfig(action, false, diagnostics); break;
    case ActionKind::SetVars: a.config = setVarsConfig(action); break;
    case ActionKind::Log: a.config = LogConfig{namedTemplates(config.find("metadata"), false)}; break;
    case ActionKind::RestrictIps: a.config = restrictIpsConfig(action); break;
    case ActionKind::BasicAuth: {
        BasicAuthConfig c;
        if (const PolicyNode *list = config.find("credentials")) {
            for (const PolicyNode &item : list->children)
                c.credentials.push_back(templateOf(item));
        }
        if (const PolicyNode *realm = config.find("realm"); realm && realm->isScalar())
            c.realm = realm->scalar;
        c.enforce = booleanField(config, "enforce", true);
        a.config = std::move(c);
        break;
    }
    case ActionKind::External: a.config = externalConfig(action); break;
    }
    return a;
}

} // namespace switchyard
