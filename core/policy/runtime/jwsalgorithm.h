// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/runtime/jwkset.h"

#include <optional>
#include <string_view>

namespace switchyard {

// A JWS signature algorithm (RFC 7518 §3, RFC 8037) and its verification
// with OpenSSL 3 EVP. "none" is not an algorithm here: it cannot be named.
class JwsAlgorithm
{
public:
    enum class Id { RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA, HS256, HS384, HS512 };

    static std::optional<JwsAlgorithm> fromName(std::string_view name);
    std::string_view name() const;
    Id id() const { return m_id; }

    // Whether `key` may verify this algorithm: the key type must match (an
    // RSA key never verifies an HS* token: no alg confusion), an EC curve
    // must be the algorithm's, RSA keys need 2048 bits and HMAC keys the
    // hash size (RFC 7518 §3.2, §3.3), and a JWK "alg" must agree.
    bool fits(const Jwk &key) const;

    // Verifies `signature` (raw bytes, as decoded from the token) over
    // `signingInput` ("header.payload"). Call only with a key that fits().
    bool verify(const Jwk &key, std::string_view signingInput, std::string_view signature) const;

private:
    explicit JwsAlgorithm(Id id) : m_id(id) {}
    Id m_id;
};

} // namespace switchyard
