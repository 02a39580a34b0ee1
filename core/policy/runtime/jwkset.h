// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

typedef struct evp_pkey_st EVP_PKEY;

namespace switchyard {

// One public verification key of a JWK Set (RFC 7517, key types of
// RFC 7518 §6 and RFC 8037).
struct Jwk
{
    enum class Type { Rsa, Ec, Okp, Oct };

    Type type = Type::Rsa;
    std::string kid;   // empty when the JWK has none
    std::string alg;   // the JWK's "alg", empty when unrestricted
    std::string use;   // "sig", "enc" or empty
    std::string curve; // EC: P-256, P-384, P-521; OKP: Ed25519, Ed448
    std::shared_ptr<EVP_PKEY> key; // RSA, EC, OKP
    std::string secret;            // oct: the raw HMAC key
};

// A JWK Set for jwt-validation, from inline JSON or a local file (no
// network: remote jku fetching is out of scope). Private key members are
// ignored; only public material is kept. Immutable once loaded.
class JwkSet
{
public:
    // A {"keys": [...]} document or a single JWK object. Keys of unknown
    // type or curve are skipped (RFC 7517 §5); a malformed key of a known
    // type is an error naming it. At least one usable key is required.
    static Result<JwkSet> fromJson(std::string_view json);
    static Result<JwkSet> fromFile(const std::string &path);

    const std::vector<Jwk> &keys() const { return m_keys; }
    // Appends another set's keys (several sources on one action).
    void merge(const JwkSet &other);

private:
    std::vector<Jwk> m_keys;
};

} // namespace switchyard
