// SPDX-License-Identifier: Apache-2.0
// Test-only JOSE helpers: generate keys with OpenSSL, export them as JWKs
// and sign compact JWS tokens, so validation is checked against tokens made
// independently of the code under test (only base64url is shared).
#pragma once

#include "policy/runtime/base64codec.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>

#include <memory>
#include <string>

namespace jwttest {

using KeyPtr = std::shared_ptr<EVP_PKEY>;

inline KeyPtr wrap(EVP_PKEY *k)
{
    return KeyPtr(k, EVP_PKEY_free);
}

inline KeyPtr rsaKey(unsigned bits = 2048)
{
    return wrap(EVP_RSA_gen(bits));
}

inline KeyPtr ecKey(const char *curve)
{
    return wrap(EVP_EC_gen(curve));
}

inline KeyPtr ed25519Key()
{
    return wrap(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
}

inline std::string b64(std::string_view s)
{
    return switchyard::Base64Codec::encodeUrl(s);
}

inline std::string bnBytes(EVP_PKEY *key, const char *param, int size = 0)
{
    BIGNUM *bn = nullptr;
    EVP_PKEY_get_bn_param(key, param, &bn);
    const int length = size > 0 ? size : BN_num_bytes(bn);
    std::string out(static_cast<std::size_t>(length), '\0');
    BN_bn2binpad(bn, reinterpret_cast<unsigned char *>(out.data()), length);
    BN_free(bn);
    return out;
}

// A public JWK for `key`; `extra` is spliced in (e.g. ,"use":"sig").
inline std::string jwk(const KeyPtr &key, const std::string &kid, const std::string &extra = {})
{
    std::string kidMember = kid.empty() ? std::string() : ",\"kid\":\"" + kid + "\"";
    if (EVP_PKEY_is_a(key.get(), "RSA")) {
        return "{\"kty\":\"RSA\",\"n\":\"" + b64(bnBytes(key.get(), OSSL_PKEY_PARAM_RSA_N)) + "\",\"e\":\""
               + b64(bnBytes(key.get(), OSSL_PKEY_PARAM_RSA_E)) + "\"" + kidMember + extra + "}";
    }
    if (EVP_PKEY_is_a(key.get(), "EC")) {
        char group[64] = {};
        std::size_t groupLength = 0;
        EVP_PKEY_get_utf8_string_param(key.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &groupLength);
        const std::string g(group);
        const char *crv = g == "prime256v1" ? "P-256" : g == "secp384r1" ? "P-384" : "P-521";
        const int size = g == "prime256v1" ? 32 : g == "secp384r1" ? 48 : 66;
        return std::string("{\"kty\":\"EC\",\"crv\":\"") + crv + "\",\"x\":\""
               + b64(bnBytes(key.get(), OSSL_PKEY_PARAM_EC_PUB_X, size)) + "\",\"y\":\""
               + b64(bnBytes(key.get(), OSSL_PKEY_PARAM_EC_PUB_Y, size)) + "\"" + kidMember + extra + "}";
    }
    unsigned char raw[64];
    std::size_t rawLength = sizeof raw;
    EVP_PKEY_get_raw_public_key(key.get(), raw, &rawLength);
    return "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\""
           + b64(std::string(reinterpret_cast<char *>(raw), rawLength)) + "\"" + kidMember + extra + "}";
}

inline std::string octJwk(const std::string &secret, const std::string &kid = {})
{
    return "{\"kty\":\"oct\",\"k\":\"" + b64(secret) + "\"" + (kid.empty() ? "" : ",\"kid\":\"" + kid + "\"") + "}";
}

inline const EVP_MD *digestFor(const std::string &alg)
{
    if (alg.ends_with("384"))
        return EVP_sha384();
    if (alg.ends_with("512"))
        return EVP_sha512();
    return alg == "EdDSA" ? nullptr : EVP_sha256();
}

inline std::string signature(const std::string &alg, const KeyPtr &key, const std::string &secret,
                             const std::string &input)
{
    const auto *data = reinterpret_cast<const unsigned char *>(input.data());
    if (alg.starts_with("HS")) {
        unsigned char mac[EVP_MAX_MD_SIZE];
        unsigned int size = 0;
        HMAC(digestFor(alg), secret.data(), static_cast<int>(secret.size()), data, input.size(), mac, &size);
        return std::string(reinterpret_cast<char *>(mac), size);
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = nullptr;
    EVP_DigestSignInit(ctx, &pctx, digestFor(alg), nullptr, key.get());
    if (alg.starts_with("PS")) {
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
    }
    std::size_t length = 0;
    EVP_DigestSign(ctx, nullptr, &length, data, input.size());
    std::string sig(length, '\0');
    EVP_DigestSign(ctx, reinterpret_cast<unsigned char *>(sig.data()), &length, data, input.size());
    sig.resize(length);
    EVP_MD_CTX_free(ctx);
    if (!alg.starts_with("ES"))
        return sig;
    // DER → R || S, each the field size (RFC 7518 §3.4).
    const int field = alg == "ES256" ? 32 : alg == "ES384" ? 48 : 66;
    const auto *p = reinterpret_cast<const unsigned char *>(sig.data());
    ECDSA_SIG *ecdsa = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
    std::string raw(static_cast<std::size_t>(2 * field), '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(ecdsa), reinterpret_cast<unsigned char *>(raw.data()), field);
    BN_bn2binpad(ECDSA_SIG_get0_s(ecdsa), reinterpret_cast<unsigned char *>(raw.data()) + field, field);
    ECDSA_SIG_free(ecdsa);
    return raw;
}

// A compact JWS over `header` and `payload` JSON texts.
inline std::string token(const std::string &alg, const KeyPtr &key, const std::string &header,
                         const std::string &payload, const std::string &secret = {})
{
    const std::string input = b64(header) + "." + b64(payload);
    return input + "." + b64(signature(alg, key, secret, input));
}

} // namespace jwttest
