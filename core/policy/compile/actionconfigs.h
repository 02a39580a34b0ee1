// SPDX-License-Identifier: Apache-2.0
#pragma once

// The resolved configs of the actions the executor runs itself: defaults
// applied, numbers parsed, regexes and static CIDRs compiled, every
// interpolated string a CompiledTemplate. Built by ActionConfigResolver.

#include "policy/cel/cidrrange.h"
#include "policy/cel/value.h"
#include "policy/compile/compiledtemplate.h"
#include "policy/cel/regex.h"

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace switchyard {

// A header (or log metadata) entry; `name` lower-cased for headers.
struct NamedTemplate
{
    std::string name;
    CompiledTemplate value;
};

struct AddHeadersConfig
{
    std::vector<NamedTemplate> headers;
};

struct RemoveHeadersConfig
{
    std::vector<std::string> names; // lower-cased
};

struct CustomResponseConfig
{
    int statusCode = 200;
    std::optional<CompiledTemplate> body; // `body`, or its older spelling `content`
    std::vector<NamedTemplate> headers;
};

struct DenyConfig
{
    int statusCode = 403;
};

struct CloseConnectionConfig
{
};

struct ForwardInternalConfig
{
    CompiledTemplate url;
    bool continueOnError = false; // on_error: continue
};

// redirect and url-rewrite: `from` is matched unanchored against the whole
// URL; `to` may name capture groups as $N.
struct RewriteConfig
{
    std::optional<CompiledTemplate> from;            // absent: the whole URL is replaced
    std::shared_ptr<const cel::Regex> fromRegex; // compiled when `from` is literal
    CompiledTemplate to;
    int statusCode = 302; // redirect only
    std::vector<NamedTemplate> headers; // redirect only
};

struct SetVarsConfig
{
    struct Var
    {
        std::string name;
        std::optional<cel::Value> constant; // a YAML number, boolean, list or map
        CompiledTemplate text;              // otherwise: a string, maybe interpolated
    };
    std::vector<Var> vars;
};

struct LogConfig
{
    std::vector<NamedTemplate> metadata;
};

struct CidrEntry
{
    CompiledTemplate text;
    std::optional<cel::CidrRange> range; // parsed at load when literal
};

struct RestrictIpsConfig
{
    bool enforce = true;
    std::vector<CidrEntry> allow;
    std::vector<CidrEntry> deny;
};

struct BasicAuthConfig
{
    std::vector<CompiledTemplate> credentials; // "user:password"
    std::string realm = "switchyard";
    bool enforce = true;
};

// Actions run through an ActionRunner: the raw config plus the compiled
// templates and CEL fields, each under its node path.
struct ExternalConfig
{
    std::vector<std::pair<std::string, CompiledTemplate>> templates;
    std::vector<std::pair<std::string, std::shared_ptr<const cel::Program>>> programs;

    const CompiledTemplate *templateAt(std::string_view path) const
    {
        for (const auto &[p, t] : templates) {
            if (p == path)
                return &t;
        }
        return nullptr;
    }
};

using ActionConfig = std::variant<AddHeadersConfig, RemoveHeadersConfig, CustomResponseConfig, DenyConfig,
                                  CloseConnectionConfig, ForwardInternalConfig, RewriteConfig, SetVarsConfig,
                                  LogConfig, RestrictIpsConfig, BasicAuthConfig, ExternalConfig>;

} // namespace switchyard
