// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/exec/actionrunner.h"
#include "policy/runners/actionstatecache.h"
#include "policy/runtime/jwtvalidator.h"

#include <optional>
#include <string>

namespace switchyard {

// jwt-validation at run time (reference §6.3) without any network: keys
// come from `jws.keys.sources.jwks` (an inline JWK Set) and
// `jws.keys.sources.jwks_files` (local files, read when the policy is
// first used after a change); `additional_jkus` are not fetched. The first
// `http.tokens` entry present in the request is validated (`method: body`
// is not available at run time: the body streams after the policy runs);
// `iss` must equal one rendered `issuer.allow_list` value and, when given,
// `aud` must contain one `audience.allow_list` value. Any failure, a
// missing token or an action without usable keys answers 401 with
// `www-authenticate: Bearer realm="switchyard"` (plus
// `error="invalid_token"` when a token was presented); the trace names
// the check that failed.
class JwtValidationRunner : public ActionRunner
{
public:
    // `wallClock` (Unix seconds) drives exp/nbf/iat checks in tests.
    explicit JwtValidationRunner(WallClock wallClock = {}, MonotonicClock clock = {});
    ActionRunResult run(const ActionRunContext &context) const override;

private:
    struct Built
    {
        std::optional<JwtValidator> validator;
        std::string error; // why there is no validator
    };

    std::shared_ptr<Built> build(const ActionRunContext &context) const;

    WallClock m_wallClock;
    mutable ActionStateCache<Built> m_validators;
};

} // namespace switchyard
