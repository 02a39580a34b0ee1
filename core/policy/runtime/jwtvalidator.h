// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "policy/runtime/jwkset.h"
#include "policy/runtime/jwsalgorithm.h"
#include "policy/runtime/runtimeclock.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchyard {

// The jwt-validation action's token check (reference §6.3): a JWS compact
// token (RFC 7515/7519) with strict base64url, an algorithm from the allow
// list (never "none"), a key chosen by kid and type from a local JWK Set,
// then exp/nbf/iat with leeway and exact iss/aud matches. Each failure is an
// Error whose code names the check (see Failure codes below) and whose
// message says what was wrong, for logs; clients only ever get a 401.
// Immutable after create(); safe to share between threads.
class JwtValidator
{
public:
    // Error codes of validate().
    static constexpr std::string_view MalformedCode = "jwt_malformed";
    static constexpr std::string_view AlgorithmCode = "jwt_algorithm";
    static constexpr std::string_view KeyCode = "jwt_key";
    static constexpr std::string_view SignatureCode = "jwt_signature";
    static constexpr std::string_view ExpiredCode = "jwt_expired";
    static constexpr std::string_view NotYetValidCode = "jwt_not_yet_valid";
    static constexpr std::string_view IssuedInFutureCode = "jwt_issued_in_future";
    static constexpr std::string_view IssuerCode = "jwt_issuer";
    static constexpr std::string_view AudienceCode = "jwt_audience";

    struct Options
    {
        std::vector<std::string> allowedAlgorithms; // RS/PS/ES/HS 256/384/512, EdDSA
        std::vector<std::string> issuers;           // iss must equal one exactly; empty: not checked
        std::vector<std::string> audiences;         // aud must contain one; empty: not checked
        std::int64_t leewaySeconds = 30;            // clock skew allowed on exp/nbf/iat
        bool requireExpiry = false;                 // refuse tokens without exp
        std::size_t maxTokenBytes = 16 * 1024;
        WallClock clock = {};                       // unixSeconds() when empty
    };

    struct Token
    {
        std::string algorithm;
        std::string keyId;
        std::string type;   // the header's typ, if any
        std::string issuer;
        std::string subject;
        std::vector<std::string> audience;
        std::optional<std::int64_t> expiresAt;
        std::optional<std::int64_t> notBefore;
        std::optional<std::int64_t> issuedAt;
        std::string headerJson;  // decoded, for claims exposed to later actions
        std::string payloadJson;
    };

    // Fails when the allow list is empty or names "none" or an unknown algorithm.
    static Result<JwtValidator> create(Options options, JwkSet keys);

    Result<Token> validate(std::string_view token) const;

    // The token in a header value after `prefix` (e.g. "Bearer ", compared
    // case-insensitively), surrounding whitespace removed; nullopt when the
    // prefix is missing or nothing follows it.
    static std::optional<std::string_view> fromHeader(std::string_view value, std::string_view prefix);

private:
    JwtValidator() = default;
    Result<void> checkClaims(Token &token) const;

    std::vector<JwsAlgorithm> m_algorithms;
    JwkSet m_keys;
    Options m_options;
};

} // namespace switchyard
