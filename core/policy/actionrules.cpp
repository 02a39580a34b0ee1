// SPDX-License-Identifier: Apache-2.0
#include "policy/actionrules.h"

#include "policy/policydocument.h"
#include "policy/policyvalues.h"
#include "policy/runtime/jwkset.h"

#include <map>

namespace switchyard {

namespace {

std::string lower(std::string s)
{
    for (char &c : s)
        c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    return s;
}

// Header names are case-insensitive and get lower-cased, so "X-A" and
// "x-a" are the same header given twice.
void checkHeaderMap(const PolicyNode *headers, DiagnosticList &diagnostics, bool forbidAdding)
{
    if (!headers || !headers->isMap())
        return;
    std::map<std::string, int> seen;
    for (const PolicyNode &h : headers->children) {
        const std::string name = lower(h.key);
        if (forbidAdding && (name == "user-agent" || name == "ngrok-skip-browser-warning"))
            diagnostics.error("the " + name + " header cannot be added", h.keyPosition, h.path);
        const auto [previous, inserted] = seen.emplace(name, h.keyPosition.line);
        if (!inserted)
            diagnostics.error("header '" + name + "' is given twice (header names are case-insensitive; first on line "
                                  + std::to_string(previous->second) + ")",
                              h.keyPosition, h.path);
    }
}

bool statusForbidsBody(long long status)
{
    return (status >= 100 && status < 200) || status == 204 || status == 304;
}

} // namespace

void ActionRules::addHeaders(const PolicyAction &action, PolicyPhase, DiagnosticList &diagnostics)
{
    const PolicyNode &config = action.config;
    checkHeaderMap(config.find("headers"), diagnostics, true);
}

void ActionRules::removeHeaders(const PolicyAction &action, PolicyPhase, DiagnosticList &diagnostics)
{
    const PolicyNode &config = action.config;
    const PolicyNode *headers = config.find("headers");
    if (!headers || !headers->isSequence())
        return;
    for (const PolicyNode &h : headers->children) {
        if (h.isScalar() && lower(h.scalar) == "user-agent")
            diagnostics.error("the user-agent header cannot be removed", h.position, h.path);
    }
}

void ActionRules::customResponse(const PolicyAction &action, PolicyPhase, DiagnosticList &diagnostics)
{
    const PolicyNode &config = action.config;
    const PolicyNode *body = config.find("body");
    const PolicyNode *content = config.find("content");
    if (body && content) {
        const PolicyNode *later = body->keyPosition.line > content->keyPosition.line ? body : content;
        diagnostics.error("give either 'body' or 'content' (its older name), not both", later->keyPosition,
                          later->path);
    }
    checkHeaderMap(config.find("headers"), diagnostics, false);
    const PolicyNode *status = config.find("status_code");
    const PolicyNode *text = body ? body : content;
    if (status && text && text->isScalar() && !text->scalar.empty()) {
        if (const auto code = PolicyValues::parseInteger(status->scalar); code && statusForbidsBody(*code))
            diagnostics.error("status " + std::to_string(*code) + " does not allow a body", text->position, text->path);
    }
}

void ActionRules::deny(const PolicyAction &action, PolicyPhase phase, DiagnosticList &diagnostics)
{
    const PolicyNode &config = action.config;
    const PolicyNode *status = config.find("status_code");
    if (status && phase == PolicyPhase::TcpConnect)
        diagnostics.warning("'status_code' has no effect in on_tcp_connect: deny closes the connection",
                            status->keyPosition, status->path);
}

void ActionRules::forwardInternal(const PolicyAction &action, PolicyPhase, DiagnosticList &diagnostics)
{
    const PolicyNode &config = action.config;
    if (const PolicyNode *binding = config.find("binding"))
        diagnostics.warning("'binding' is no longer needed: forward-internal always targets internal endpoints",
                            binding->keyPosition, binding->path);
}

void ActionRules::restrictIps(const PolicyAction &action, PolicyPhase, DiagnosticList &diagnostics)
{
    const PolicyNode &config = action.config;
    if (const PolicyNode *policies = config.find("ip_policies")) {
        diagnostics.error("'ip_policies' is not supported by Switchyard: it needs IP Policy objects from the ngrok "
                          "service; list the CIDRs in 'allow' and 'deny' instead",
                          policies->keyPosition, policies->path);
        return;
    }
    if (!config.find("allow") && !config.find("deny"))
        diagnostics.error("restrict-ips needs 'allow' or 'deny' (or both)",
                          config.keyPosition.known() ? config.keyPosition : action.typePosition, action.path);
}

void ActionRules::basicAuth(const PolicyAction &action, PolicyPhase, DiagnosticList &diagnostics)
{
    const PolicyNode &config = action.config;
    const PolicyNode *credentials = config.find("credentials");
    if (!credentials || !credentials->isSequence())
        return;
    for (const PolicyNode &c : credentials->children) {
        if (!c.isScalar() || PolicyValues::hasInterpolation(c.scalar))
            continue;
        const std::size_t colon = c.scalar.find(':');
        if (colon == std::string::npos) {
            diagnostics.error("credential must be 'user:password'", c.position, c.path);
            continue;
        }
        const std::string user = c.scalar.substr(0, colon);
        const std::size_t password = c.scalar.size() - colon - 1;
        if (user.empty())
            diagnostics.error("credential has an empty user name before ':'", c.position, c.path);
        else if (password < 8 || password > 128)
            diagnostics.error("the password of '" + user + "' must be 8 to 128 characters long, not "
                                  + std::to_string(password),
                              c.position, c.path);
    }
    if (const PolicyNode *realm = config.find("realm"); realm && realm->isScalar()) {
        for (char ch : realm->scalar) {
            if (static_cast<unsigned char>(ch) < 0x20 || static_cast<unsigned char>(ch) > 0x7e || ch == '"') {
                diagnostics.error("'realm' must be printable ASCII without '\"'", realm->position, realm->path);
                break;
            }
        }
    }
}

void ActionRules::setVars(const PolicyAction &action, PolicyPhase, DiagnosticList &diagnostics)
{
    const PolicyNode &config = action.config;
    const PolicyNode *vars = config.find("vars");
    if (!vars)
        return;
    if (!vars->isSequence()) {
        diagnostics.error("'vars' must be a list of single-key maps, as in '- name: value', not "
                              + std::string(vars->describe()),
                          vars->position, vars->path);
        return;
    }
    if (vars->children.empty())
        diagnostics.error("'vars' must not be empty", vars->position, vars->path);
    for (const PolicyNode &item : vars->children) {
        if (!item.isMap() || item.children.size() != 1)
            diagnostics.error("each entry of 'vars' must be a map with exactly one key, as in '- name: value'",
                              item.position, item.path);
    }
}

void ActionRules::terminateTls(const PolicyAction &action, PolicyPhase, DiagnosticList &diagnostics)
{
    const PolicyNode &config = action.config;
    const PolicyNode *cert = config.find("server_certificate");
    const PolicyNode *key = config.find("server_private_key");
    if (cert && !key)
        diagnostics.error("'server_certificate' needs 'server_private_key' as well", cert->keyPosition, cert->path);
    if (key && !cert)
        diagnostics.error("'server_private_key' needs 'server_certificate' as well", key->keyPosition, key->path);
    const PolicyNode *minVersion = config.find("min_version");
    const PolicyNode *maxVersion = config.find("max_version");
    if (minVersion && maxVersion && minVersion->scalar == "1.3" && maxVersion->scalar == "1.2")
        diagnostics.error("'min_version' 1.3 is above 'max_version' 1.2", minVersion->position, minVersion->path);
}

void ActionRules::jwtValidation(const PolicyAction &action, PolicyPhase, DiagnosticList &diagnostics)
{
    const PolicyNode &config = action.config;
    const PolicyNode *jws = config.find("jws");
    // An inline key set that cannot be used would refuse every request.
    const PolicyNode *keys = jws ? jws->find("keys") : nullptr;
    const PolicyNode *sources = keys ? keys->find("sources") : nullptr;
    if (const PolicyNode *jwks = sources ? sources->find("jwks") : nullptr; jwks && jwks->isScalar()) {
        if (auto set = JwkSet::fromJson(jwks->scalar); !set.ok())
            diagnostics.error("'jwks' is not a usable JWK Set: " + set.message(), jwks->position, jwks->path);
    }
    const PolicyNode *algorithms = jws ? jws->find("allowed_algorithms") : nullptr;
    if (!algorithms)
        return;
    for (const PolicyNode &a : algorithms->children) {
        if (a.isScalar() && lower(a.scalar) == "none")
            diagnostics.error("'none' is not allowed: unsigned tokens would pass validation", a.position, a.path);
    }
}

} // namespace switchyard
