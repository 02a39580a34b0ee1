// SPDX-License-Identifier: Apache-2.0
#include "policy/runtime/jwsalgorithm.h"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>

#include <array>

namespace switchyard {

namespace {

constexpr std::array<std::string_view, 13> Names{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
                                                 "ES384", "ES512", "EdDSA", "HS256", "HS384", "HS512"};

using Id = JwsAlgorithm::Id;

const EVP_MD *digestOf(Id id)
{
    switch (id) {
    case Id::RS256: case Id::PS256: case Id::ES256: case Id::HS256: return EVP_sha256();
    case Id::RS384: case Id::PS384: case Id::ES384: case Id::HS384: return EVP_sha384();
    case Id::RS512: case Id::PS512: case Id::ES512: case Id::HS512: return EVP_sha512();
    case Id::EdDSA: return nullptr;
    }
    return nullptr;
}

bool isRsa(Id id)
{
    return id <= Id::PS512;
}

bool isPss(Id id)
{
    return id >= Id::PS256 && id <= Id::PS512;
}

bool isEc(Id id)
{
    return id >= Id::ES256 && id <= Id::ES512;
}

bool isHmac(Id id)
{
    return id >= Id::HS256;
}

std::string_view curveOf(Id id)
{
    return id == Id::ES256 ? "P-256" : id == Id::ES384 ? "P-384" : "P-521";
}

// JWS carries ECDSA signatures as R || S, each the field size (RFC 7518
// §3.4); OpenSSL wants DER.
std::optional<std::string> ecdsaRawToDer(std::string_view raw, std::size_t fieldSize)
{
    if (raw.size() != 2 * fieldSize)
        return std::nullopt;
    const auto *bytes = reinterpret_cast<const unsigned char *>(raw.data());
    BIGNUM *r = BN_bin2bn(bytes, static_cast<int>(fieldSize), nullptr);
    BIGNUM *s = BN_bin2bn(bytes + fieldSize, static_cast<int>(fieldSize), nullptr);
    ECDSA_SIG *sig = ECDSA_SIG_new();
    if (!r || !s || !sig || ECDSA_SIG_set0(sig, r, s) != 1) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(sig);
        return std::nullopt;
    }
    unsigned char *der = nullptr;
    const int length = i2d_ECDSA_SIG(sig, &der);
    ECDSA_SIG_free(sig);
    if (length <= 0)
        return std::nullopt;
    std::string out(reinterpret_cast<const char *>(der), static_cast<std::size_t>(length));
    OPENSSL_free(der);
    return out;
}

bool evpVerify(Id id, EVP_PKEY *key, std::string_view input, std::string_view signature)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = nullptr;
    bool ok = ctx && EVP_DigestVerifyInit(ctx, &pctx, digestOf(id), nullptr, key) == 1;
    if (ok && isPss(id)) {
        ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1
             && EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1
             && EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, digestOf(id)) == 1;
    }
    ok = ok
         && EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char *>(signature.data()), signature.size(),
                             reinterpret_cast<const unsigned char *>(input.data()), input.size())
                == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok)
        ERR_clear_error(); // a forged token must not leave errors for the next caller on this thread
    return ok;
}

} // namespace

std::optional<JwsAlgorithm> JwsAlgorithm::fromName(std::string_view name)
{
    for (std::size_t i = 0; i < Names.size(); ++i) {
        if (Names[i] == name)
            return JwsAlgorithm(static_cast<Id>(i));
    }
    return std::nullopt;
}

std::string_view JwsAlgorithm::name() const
{
    return Names[static_cast<std::size_t>(m_id)];
}

bool JwsAlgorithm::fits(const Jwk &key) const
{
    if (!key.alg.empty() && key.alg != name())
        return false;
    if (!key.use.empty() && key.use != "sig")
        return false;
    if (isHmac(m_id))
        return key.type == Jwk::Type::Oct
               && key.secret.size() >= static_cast<std::size_t>(EVP_MD_get_size(digestOf(m_id)));
    if (isRsa(m_id))
        return key.type == Jwk::Type::Rsa && key.key && EVP_PKEY_get_bits(key.key.get()) >= 2048;
    if (isEc(m_id))
        return key.type == Jwk::Type::Ec && key.curve == curveOf(m_id);
    return key.type == Jwk::Type::Okp;
}

bool JwsAlgorithm::verify(const Jwk &key, std::string_view signingInput, std::string_view signature) const
{
    if (isHmac(m_id)) {
        unsigned char mac[EVP_MAX_MD_SIZE];
        unsigned int size = 0;
        if (!HMAC(digestOf(m_id), key.secret.data(), static_cast<int>(key.secret.size()),
                  reinterpret_cast<const unsigned char *>(signingInput.data()), signingInput.size(), mac, &size))
            return false;
        return signature.size() == size && CRYPTO_memcmp(mac, signature.data(), size) == 0;
    }
    if (!key.key)
        return false;
    if (isEc(m_id)) {
        const std::size_t field = m_id == Id::ES256 ? 32 : m_id == Id::ES384 ? 48 : 66;
        const auto der = ecdsaRawToDer(signature, field);
        return der && evpVerify(m_id, key.key.get(), signingInput, *der);
    }
    return evpVerify(m_id, key.key.get(), signingInput, signature);
}

} // namespace switchyard
