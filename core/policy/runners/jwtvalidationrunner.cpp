// SPDX-License-Identifier: Apache-2.0
#include "policy/runners/jwtvalidationrunner.h"

#include "policy/exec/actionresultvalue.h"
#include "policy/exec/builtinactions.h"
#include "policy/runners/runnerconfig.h"

#include <algorithm>

namespace switchyard {

namespace {

constexpr std::int64_t ValidatorIdleMillis = 60 * 60'000;

const PolicyNode *at(const PolicyNode *node, std::initializer_list<std::string_view> path)
{
    for (std::string_view name : path) {
        if (!node)
            return nullptr;
        node = node->find(name);
    }
    return node;
}

// The rendered `value`s of an issuer/audience allow_list; false on a failed
// interpolation.
bool allowList(const RunnerConfig &config, const PolicyNode *list, const cel::Activation &activation,
               std::vector<std::string> &out, std::string &error)
{
    if (!list)
        return true;
    for (const PolicyNode &entry : list->children) {
        if (const PolicyNode *value = entry.find("value")) {
            std::string text;
            if (!config.render(*value, activation, text, error))
                return false;
            out.push_back(std::move(text));
        }
    }
    return true;
}

ActionRunResult unauthorized(bool presented, std::string why)
{
    ActionRunResult result;
    result.kind = ActionRunResult::Kind::Respond;
    result.response = BuiltinActions::errorResponse(401, presented ? "invalid token" : "authentication required", {});
    result.response.headers.set("www-authenticate", presented ? R"(Bearer realm="switchyard", error="invalid_token")"
                                                              : R"(Bearer realm="switchyard")");
    result.resultName = "jwt_validation";
    result.result = ActionResultValue::map({{"validated", cel::Value::boolean(false)},
                                            {"presented", cel::Value::boolean(presented)},
                                            {"error", ActionResultValue::error({}, why)}});
    result.summary = std::move(why);
    return result;
}

} // namespace

JwtValidationRunner::JwtValidationRunner(WallClock wallClock, MonotonicClock clock)
    : m_wallClock(std::move(wallClock)), m_validators(10'000, std::move(clock))
{
}

std::shared_ptr<JwtValidationRunner::Built> JwtValidationRunner::build(const ActionRunContext &context) const
{
    auto built = std::make_shared<Built>();
    const PolicyNode &raw = context.action.rawConfig;
    const PolicyNode *sources = at(&raw, {"jws", "keys", "sources"});
    std::optional<JwkSet> keys;
    auto add = [&](Result<JwkSet> set, const std::string &what) {
        if (!set.ok()) {
            built->error = what + ": " + set.message();
            return false;
        }
        if (keys)
            keys->merge(*set);
        else
            keys = std::move(*set);
        return true;
    };
    const PolicyNode *inlineSet = at(sources, {"jwks"});
    if (inlineSet && !add(JwkSet::fromJson(inlineSet->scalar), "jwks"))
        return built;
    for (const std::string &file : RunnerConfig::scalars(at(sources, {"jwks_files"}))) {
        if (!add(JwkSet::fromFile(file), file))
            return built;
    }
    if (!keys) {
        built->error = "no local keys (jws.keys.sources.jwks or jwks_files); additional_jkus are not fetched";
        return built;
    }
    JwtValidator::Options options;
    options.allowedAlgorithms = RunnerConfig::scalars(at(&raw, {"jws", "allowed_algorithms"}));
    options.clock = m_wallClock;
    auto validator = JwtValidator::create(std::move(options), std::move(*keys));
    if (!validator.ok()) {
        built->error = validator.message();
        return built;
    }
    built->validator = std::move(*validator);
    return built;
}

ActionRunResult JwtValidationRunner::run(const ActionRunContext &context) const
{
    const RunnerConfig config(context.action);
    const auto built = m_validators.obtain(RunnerConfig::stateKey(context.exchange, context.action),
                                           config.fingerprint(), ValidatorIdleMillis,
                                           [&] { return build(context); });
    if (!built->validator) {
        ActionRunResult result = unauthorized(false, "cannot validate: " + built->error);
        result.error = true;
        return result;
    }

    std::optional<std::string> token;
    if (const PolicyNode *tokens = at(&context.action.rawConfig, {"http", "tokens"})) {
        for (const PolicyNode &spec : tokens->children) {
            const PolicyNode *method = spec.find("method");
            const PolicyNode *name = spec.find("name");
            if (!name || (method && method->scalar != "header"))
                continue;
            const PolicyNode *prefix = spec.find("prefix");
            for (std::string_view value : context.exchange.request.headers.values(name->scalar)) {
                if (const auto t = JwtValidator::fromHeader(value, prefix ? prefix->scalar : std::string())) {
                    token = std::string(*t);
                    break;
                }
            }
            if (token)
                break;
        }
    }
    if (!token)
        return unauthorized(false, "no token");

    const auto validated = built->validator->validate(*token);
    if (!validated.ok())
        return unauthorized(true, validated.error().code + ": " + validated.message());

    std::vector<std::string> issuers;
    std::vector<std::string> audiences;
    std::string error;
    const PolicyNode *audienceList = at(&context.action.rawConfig, {"audience", "allow_list"});
    if (!allowList(config, at(&context.action.rawConfig, {"issuer", "allow_list"}), context.activation, issuers, error)
        || !allowList(config, audienceList, context.activation, audiences, error)) {
        ActionRunResult result = unauthorized(true, error);
        result.error = true;
        return result;
    }
    if (std::find(issuers.begin(), issuers.end(), validated->issuer) == issuers.end())
        return unauthorized(true, std::string(JwtValidator::IssuerCode) + ": issuer '" + validated->issuer
                                      + "' is not allowed");
    if (audienceList
        && std::none_of(validated->audience.begin(), validated->audience.end(), [&](const std::string &aud) {
               return std::find(audiences.begin(), audiences.end(), aud) != audiences.end();
           }))
        return unauthorized(true, std::string(JwtValidator::AudienceCode) + ": no allowed audience");

    ActionRunResult result;
    result.resultName = "jwt_validation";
    result.result = ActionResultValue::map({{"validated", cel::Value::boolean(true)},
                                            {"presented", cel::Value::boolean(true)},
                                            {"issuer", cel::Value::string(validated->issuer)},
                                            {"subject", cel::Value::string(validated->subject)},
                                            {"error", ActionResultValue::error({}, {})}});
    result.summary = "valid token" + (validated->subject.empty() ? std::string() : " for " + validated->subject);
    return result;
}

} // namespace switchyard
