// SPDX-License-Identifier: Apache-2.0
#include "policy/exec/builtinactions.h"

#include "data/http/httperrorresponse.h"
#include "policy/cel/textformat.h"

#include <algorithm>

namespace switchyard {

namespace {

using Kind = ActionRunResult::Kind;

// `to` of redirect/url-rewrite in RE2's rewrite syntax: `$N` and `\N` name
// group N; any other backslash is literal.
std::string re2Rewrite(std::string_view to)
{
    std::string out;
    out.reserve(to.size() + 4);
    for (std::size_t i = 0; i < to.size(); ++i) {
        const char c = to[i];
        const bool digitNext = i + 1 < to.size() && to[i + 1] >= '0' && to[i + 1] <= '9';
        if ((c == '$' || c == '\\') && digitNext) {
            out += '\\';
            out += to[++i];
        } else if (c == '\\') {
            out += "\\\\";
        } else {
            out += c;
        }
    }
    return out;
}

struct Run
{
    const CompiledAction &action;
    PolicyPhase phase;
    PolicyExchange &exchange;
    ExchangeActivation &activation;

    ActionRunResult failed(const std::string &why, int status = 500, const std::string &code = "ERR_SWITCHYARD_3900")
    {
        ActionRunResult r;
        r.error = true;
        r.summary = "error: " + why;
        if (phase == PolicyPhase::TcpConnect) {
            r.kind = Kind::Close;
        } else {
            r.kind = Kind::Respond;
            r.response = BuiltinActions::errorResponse(status, action.type + ": " + why, code);
        }
        return r;
    }

    // Renders `t`; on failure `error` holds the reason.
    bool render(const CompiledTemplate &t, std::string &out, std::string &error)
    {
        out.clear();
        return t.render(activation, out, error);
    }

    HttpHeaders &headers()
    {
        if (phase == PolicyPhase::HttpResponse && exchange.response)
            return exchange.response->headers;
        return exchange.request.headers;
    }

    ActionRunResult addHeaders(const AddHeadersConfig &c)
    {
        std::vector<std::pair<std::string, std::string>> rendered;
        std::string value, error;
        for (const NamedTemplate &h : c.headers) {
            if (!render(h.value, value, error))
                return failed(error);
            rendered.emplace_back(h.name, value);
        }
        ActionRunResult r;
        r.summary = "added";
        HttpHeaders &target = headers();
        for (const auto &[name, v] : rendered) {
            // `host` replaces; every other header is appended (reference §6.3).
            if (name == "host")
                target.set(name, v);
            else
                target.append(name, v);
            r.summary += (r.summary.size() > 5 ? ", " : " ") + name + ": " + v;
        }
        r.requestChanged = true;
        return r;
    }

    ActionRunResult removeHeaders(const RemoveHeadersConfig &c)
    {
        ActionRunResult r;
        std::string removed;
        for (const std::string &name : c.names) {
            if (headers().remove(name) > 0)
                removed += (removed.empty() ? "" : ", ") + name;
        }
        r.summary = removed.empty() ? "removed nothing" : "removed " + removed;
        r.requestChanged = true;
        return r;
    }

    ActionRunResult customResponse(const CustomResponseConfig &c)
    {
        ActionRunResult r;
        r.kind = Kind::Respond;
        r.response.statusCode = c.statusCode;
        std::string text, error;
        for (const NamedTemplate &h : c.headers) {
            if (!render(h.value, text, error))
                return failed(error);
            r.response.headers.append(h.name, text);
        }
        if (c.body && !render(*c.body, r.response.body, error))
            return failed(error);
        const bool noBody = c.statusCode < 200 || c.statusCode == 204 || c.statusCode == 304;
        if (noBody && !r.response.body.empty())
            return failed("status " + std::to_string(c.statusCode) + " does not allow a body", 500,
                          "ERR_SWITCHYARD_3604");
        if (!r.response.body.empty() && !r.response.headers.contains("content-type")) {
            const bool html = r.response.body.find_first_not_of(" \t\r\n") != std::string::npos
                              && r.response.body[r.response.body.find_first_not_of(" \t\r\n")] == '<';
            r.response.headers.append("content-type", html ? "text/html; charset=utf-8" : "text/plain; charset=utf-8");
        }
        r.summary = "responded " + std::to_string(c.statusCode);
        return r;
    }

    ActionRunResult deny(const DenyConfig &c)
    {
        ActionRunResult r;
        if (phase == PolicyPhase::TcpConnect) {
            r.kind = Kind::Close;
            r.summary = "denied: connection closed";
            return r;
        }
        r.kind = Kind::Respond;
        r.response.statusCode = c.statusCode;
        r.summary = "denied " + std::to_string(c.statusCode);
        return r;
    }

    ActionRunResult forwardInternal(const ForwardInternalConfig &c)
    {
        ActionRunResult r;
        std::string error;
        if (!render(c.url, r.target, error)) {
            if (c.continueOnError) {
                r.error = true;
                r.summary = "error: " + error + "; continuing (on_error: continue)";
                return r;
            }
            return failed(error);
        }
        r.kind = Kind::Forward;
        r.summary = "forward to " + r.target;
        return r;
    }

    ActionRunResult rewrite(const RewriteConfig &c, bool redirect)
    {
        std::string to, error;
        if (!(redirect ? c.to.renderUrl(activation, to, error) : render(c.to, to, error)))
            return failed(error);
        const std::string before = exchange.request.url;
        std::string after = before;
        if (c.from) {
            std::shared_ptr<const cel::Regex> pattern = c.fromRegex;
            if (!pattern) {
                std::string from;
                if (!render(*c.from, from, error))
                    return failed(error);
                pattern = cel::Regex::compile(from, error);
                if (!pattern)
                    return failed(error, 500, "ERR_SWITCHYARD_3901");
            }
            const int replaced = pattern->replace(after, re2Rewrite(to), !redirect, error);
            if (replaced < 0)
                return failed(error, 500, "ERR_SWITCHYARD_3901");
            if (replaced == 0) {
                ActionRunResult r;
                r.summary = "no match; URL unchanged";
                return r;
            }
        } else {
            after = to;
        }
        ActionRunResult r;
        activation.setActionResult(redirect ? "redirect" : "url_rewrite",
                                   cel::Value::map(cel::MapValue::makeUnchecked(
                                       {{cel::Value::string("url"), cel::Value::string(after)}})));
        if (after == before) {
            r.summary = "URL unchanged";
            return r;
        }
        if (redirect) {
            r.kind = Kind::Respond;
            r.response.statusCode = c.statusCode;
            r.response.headers.append("location", after);
            std::string value;
            for (const NamedTemplate &h : c.headers) {
                if (!render(h.value, value, error))
                    return failed(error);
                r.response.headers.append(h.name, value);
            }
            r.summary = "redirected " + std::to_string(c.statusCode) + " to " + after;
            return r;
        }
        exchange.request.url = after;
        r.requestChanged = true;
        r.summary = "rewrote URL to " + after;
        return r;
    }

    ActionRunResult setVars(const SetVarsConfig &c)
    {
        ActionRunResult r;
        r.summary = "set";
        for (const SetVarsConfig::Var &v : c.vars) {
            cel::Value value;
            if (v.constant) {
                value = *v.constant;
            } else if (const cel::Program *sole = v.text.soleExpression()) {
                // "${expr}" alone keeps the expression's type.
                value = sole->evaluate(activation);
                if (value.isError())
                    return failed("${" + sole->source() + "}: " + std::string(value.errorMessage()));
            } else {
                std::string text, error;
                if (!render(v.text, text, error))
                    return failed(error);
                value = cel::Value::string(std::move(text));
            }
            r.summary += (r.summary.size() > 3 ? ", " : " ") + v.name + " = " + value.debugString();
            auto it = std::find_if(exchange.vars.begin(), exchange.vars.end(),
                                   [&](const auto &e) { return e.first == v.name; });
            if (it == exchange.vars.end())
                exchange.vars.emplace_back(v.name, std::move(value));
            else
                it->second = std::move(value);
            // Later vars of the same action may read earlier ones.
            activation.varsChanged();
        }
        r.varsChanged = true;
        return r;
    }

    ActionRunResult log(const LogConfig &c)
    {
        PolicyLogEntry entry;
        entry.path = action.path;
        entry.endpoint = exchange.endpointUrl;
        std::string value, error;
        ActionRunResult r;
        r.summary = "logged";
        for (const NamedTemplate &m : c.metadata) {
            if (!render(m.value, value, error))
                return failed(error);
            r.summary += (entry.metadata.empty() ? " " : ", ") + m.name + "=" + value;
            entry.metadata.emplace_back(m.name, value);
        }
        exchange.logs.push_back(std::move(entry));
        return r;
    }

    // Whether `ip` is in one of `entries`; the first match's text in `matched`.
    bool inAny(const std::vector<CidrEntry> &entries, const cel::IpAddress &ip, std::string &matched, std::string &error)
    {
        for (const CidrEntry &e : entries) {
            std::optional<cel::CidrRange> range = e.range;
            std::string text = e.text.source();
            if (!e.text.isLiteral()) {
                if (!render(e.text, text, error))
                    return false;
                range = cel::CidrRange::parse(text);
                if (!range) {
                    error = "'" + text + "' is not a CIDR";
                    return false;
                }
            }
            if (range && range->contains(ip)) {
                matched = text;
                return true;
            }
        }
        return false;
    }

    ActionRunResult restrictIps(const RestrictIpsConfig &c)
    {
        const std::string &client = exchange.connection.clientIp;
        const auto ip = cel::IpAddress::parse(client);
        std::string matched, error;
        bool allowed = false;
        std::string why;
        if (!ip) {
            why = "client IP '" + client + "' is not an address";
        } else {
            const bool inAllow = c.allow.empty() || inAny(c.allow, *ip, matched, error);
            if (!error.empty())
                return failed(error);
            std::string deniedBy;
            const bool inDeny = inAny(c.deny, *ip, deniedBy, error);
            if (!error.empty())
                return failed(error);
            allowed = inAllow && !inDeny;
            why = inDeny ? client + " is in " + deniedBy : client + " is in no allowed range";
            if (allowed)
                why = c.allow.empty() ? client + " is in no denied range" : client + " is in " + matched;
        }
        activation.setActionResult("restrict_ips", cel::Value::map(cel::MapValue::makeUnchecked(
                                                       {{cel::Value::string("action"),
                                                         cel::Value::string(allowed ? "allow" : "deny")},
                                                        {cel::Value::string("matched_cidr"),
                                                         cel::Value::string(allowed ? matched : "")}})));
        ActionRunResult r;
        if (allowed) {
            r.summary = "allowed: " + why;
            return r;
        }
        if (!c.enforce) {
            r.summary = "would deny (enforce: false): " + why;
            return r;
        }
        if (phase == PolicyPhase::TcpConnect) {
            r.kind = Kind::Close;
            r.summary = "denied, connection closed: " + why;
            return r;
        }
        r.kind = Kind::Respond;
        r.response = BuiltinActions::errorResponse(403, "client IP not allowed", "ERR_SWITCHYARD_3205");
        r.summary = "denied 403: " + why;
        return r;
    }

    ActionRunResult basicAuth(const BasicAuthConfig &c)
    {
        std::string presented;
        const auto header = exchange.request.headers.value("authorization");
        bool hasCredentials = false;
        if (header && header->size() > 6 && HttpHeaders::equalsIgnoreCase(header->substr(0, 6), "basic ")) {
            std::string_view encoded = header->substr(6);
            while (!encoded.empty() && encoded.front() == ' ')
                encoded.remove_prefix(1);
            hasCredentials = cel::base64Decode(encoded, presented) && presented.find(':') != std::string::npos;
        }
        const std::string user = hasCredentials ? presented.substr(0, presented.find(':')) : std::string();
        bool authorized = false;
        std::string expected, error;
        for (const CompiledTemplate &t : c.credentials) {
            if (!render(t, expected, error))
                return failed(error);
            if (hasCredentials && expected == presented) {
                authorized = true;
                break;
            }
        }
        activation.setActionResult(
            "basic_auth",
            cel::Value::map(cel::MapValue::makeUnchecked({{cel::Value::string("credentials"),
                                                           cel::Value::map(cel::MapValue::makeUnchecked({
                                                               {cel::Value::string("presented"), cel::Value::boolean(hasCredentials)},
                                                               {cel::Value::string("username"), cel::Value::string(user)},
                                                               {cel::Value::string("authorized"), cel::Value::boolean(authorized)},
                                                           }))}})));
        ActionRunResult r;
        if (authorized) {
            r.summary = "authorized as " + user;
            return r;
        }
        const std::string why = hasCredentials ? "wrong credentials for '" + user + "'" : "no credentials";
        if (!c.enforce) {
            r.summary = "would answer 401 (enforce: false): " + why;
            return r;
        }
        r.kind = Kind::Respond;
        r.response = BuiltinActions::errorResponse(401, "authentication required", {});
        r.response.headers.append("www-authenticate", "Basic realm=\"" + c.realm + "\"");
        r.summary = "responded 401: " + why;
        return r;
    }
};

} // namespace

PolicyResponse BuiltinActions::errorResponse(int status, const std::string &message, const std::string &code)
{
    PolicyResponse r;
    r.statusCode = status;
    r.headers.append("content-type", "text/plain; charset=utf-8");
    if (!code.empty())
        r.headers.append(HttpErrorResponse::ErrorCodeHeader, code);
    r.body = message + "\n";
    return r;
}

ActionRunResult BuiltinActions::run(const CompiledAction &action, PolicyPhase phase, PolicyExchange &exchange,
                                    ExchangeActivation &activation)
{
    Run run{action, phase, exchange, activation};
    return std::visit(
        [&](const auto &config) -> ActionRunResult {
            using C = std::decay_t<decltype(config)>;
            if constexpr (std::is_same_v<C, AddHeadersConfig>)
                return run.addHeaders(config);
            else if constexpr (std::is_same_v<C, RemoveHeadersConfig>)
                return run.removeHeaders(config);
            else if constexpr (std::is_same_v<C, CustomResponseConfig>)
                return run.customResponse(config);
            else if constexpr (std::is_same_v<C, DenyConfig>)
                return run.deny(config);
            else if constexpr (std::is_same_v<C, CloseConnectionConfig>)
                return ActionRunResult{Kind::Close, {}, {}, "connection closed"};
            else if constexpr (std::is_same_v<C, ForwardInternalConfig>)
                return run.forwardInternal(config);
            else if constexpr (std::is_same_v<C, RewriteConfig>)
                return run.rewrite(config, action.kind == ActionKind::Redirect);
            else if constexpr (std::is_same_v<C, SetVarsConfig>)
                return run.setVars(config);
            else if constexpr (std::is_same_v<C, LogConfig>)
                return run.log(config);
            else if constexpr (std::is_same_v<C, RestrictIpsConfig>)
                return run.restrictIps(config);
            else if constexpr (std::is_same_v<C, BasicAuthConfig>)
                return run.basicAuth(config);
            else
                return ActionRunResult{Kind::Continue, {}, {}, "not simulated"};
        },
        action.config);
}

} // namespace switchyard
