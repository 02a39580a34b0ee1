// SPDX-License-Identifier: Apache-2.0
#include "policy/runtime/jwkset.h"

#include "common/textfile.h"
#include "policy/runtime/base64codec.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace switchyard {

namespace {

using PkeyPtr = std::shared_ptr<EVP_PKEY>;

PkeyPtr wrap(EVP_PKEY *key)
{
    return key ? PkeyPtr(key, EVP_PKEY_free) : nullptr;
}

std::string member(const QJsonObject &o, const char *name)
{
    return o.value(QLatin1String(name)).toString().toStdString();
}

Result<std::string> decodedMember(const QJsonObject &o, const char *name, const std::string &what)
{
    const QJsonValue v = o.value(QLatin1String(name));
    if (!v.isString())
        return makeError(what + " has no \"" + name + "\" member");
    auto bytes = Base64Codec::decodeUrl(v.toString().toStdString());
    if (!bytes || bytes->empty())
        return makeError(what + ": \"" + name + "\" is not base64url");
    return std::move(*bytes);
}

// Builds a public key from OpenSSL 3 parameters (no deprecated RSA/EC APIs).
PkeyPtr fromParams(const char *type, OSSL_PARAM_BLD *builder)
{
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(builder);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
    EVP_PKEY *key = nullptr;
    if (params && ctx && EVP_PKEY_fromdata_init(ctx) == 1)
        EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    if (!key)
        ERR_clear_error();
    return wrap(key);
}

Result<PkeyPtr> rsaKey(const QJsonObject &o, const std::string &what)
{
    auto n = decodedMember(o, "n", what);
    auto e = decodedMember(o, "e", what);
    if (!n)
        return n.error();
    if (!e)
        return e.error();
    BIGNUM *bn = BN_bin2bn(reinterpret_cast<const unsigned char *>(n->data()), static_cast<int>(n->size()), nullptr);
    BIGNUM *be = BN_bin2bn(reinterpret_cast<const unsigned char *>(e->data()), static_cast<int>(e->size()), nullptr);
    OSSL_PARAM_BLD *builder = OSSL_PARAM_BLD_new();
    PkeyPtr key;
    if (bn && be && builder && OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_N, bn) == 1
        && OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_E, be) == 1)
        key = fromParams("RSA", builder);
    OSSL_PARAM_BLD_free(builder);
    BN_free(bn);
    BN_free(be);
    if (!key)
        return makeError(what + ": OpenSSL refused the RSA key");
    return key;
}

Result<PkeyPtr> ecKey(const QJsonObject &o, const std::string &crv, const std::string &what)
{
    const char *group = crv == "P-256" ? "prime256v1" : crv == "P-384" ? "secp384r1" : "secp521r1";
    const std::size_t size = crv == "P-256" ? 32 : crv == "P-384" ? 48 : 66;
    auto x = decodedMember(o, "x", what);
    auto y = decodedMember(o, "y", what);
    if (!x)
        return x.error();
    if (!y)
        return y.error();
    // RFC 7518 §6.2.1.2: coordinates are exactly the field size.
    if (x->size() != size || y->size() != size)
        return makeError(what + ": " + crv + " coordinates must be " + std::to_string(size) + " bytes");
    const std::string point = '\x04' + *x + *y;
    OSSL_PARAM_BLD *builder = OSSL_PARAM_BLD_new();
    PkeyPtr key;
    if (builder && OSSL_PARAM_BLD_push_utf8_string(builder, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) == 1
        && OSSL_PARAM_BLD_push_octet_string(builder, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) == 1)
        key = fromParams("EC", builder);
    OSSL_PARAM_BLD_free(builder);
    if (!key)
        return makeError(what + ": the point is not on " + crv);
    return key;
}

Result<PkeyPtr> okpKey(const QJsonObject &o, const std::string &crv, const std::string &what)
{
    auto x = decodedMember(o, "x", what);
    if (!x)
        return x.error();
    const bool ed25519 = crv == "Ed25519";
    EVP_PKEY *key = EVP_PKEY_new_raw_public_key(ed25519 ? EVP_PKEY_ED25519 : EVP_PKEY_ED448, nullptr,
                                                reinterpret_cast<const unsigned char *>(x->data()), x->size());
    if (!key) {
        ERR_clear_error();
        return makeError(what + ": not a valid " + crv + " public key");
    }
    return wrap(key);
}

// Result<void> for a usable key appended, an error for a broken one; keys of
// types Switchyard does not verify with are skipped silently.
Result<void> addKey(const QJsonObject &o, std::size_t index, std::vector<Jwk> &out)
{
    Jwk jwk;
    jwk.kid = member(o, "kid");
    jwk.alg = member(o, "alg");
    jwk.use = member(o, "use");
    jwk.curve = member(o, "crv");
    const std::string kty = member(o, "kty");
    const std::string what = "JWK " + std::to_string(index + 1) + (jwk.kid.empty() ? "" : " (kid " + jwk.kid + ")");
    if (kty == "RSA") {
        jwk.type = Jwk::Type::Rsa;
        auto key = rsaKey(o, what);
        if (!key)
            return key.error();
        jwk.key = std::move(*key);
    } else if (kty == "EC") {
        if (jwk.curve != "P-256" && jwk.curve != "P-384" && jwk.curve != "P-521")
            return {};
        jwk.type = Jwk::Type::Ec;
        auto key = ecKey(o, jwk.curve, what);
        if (!key)
            return key.error();
        jwk.key = std::move(*key);
    } else if (kty == "OKP") {
        if (jwk.curve != "Ed25519" && jwk.curve != "Ed448")
            return {};
        jwk.type = Jwk::Type::Okp;
        auto key = okpKey(o, jwk.curve, what);
        if (!key)
            return key.error();
        jwk.key = std::move(*key);
    } else if (kty == "oct") {
        jwk.type = Jwk::Type::Oct;
        auto k = decodedMember(o, "k", what);
        if (!k)
            return k.error();
        jwk.secret = std::move(*k);
    } else if (kty.empty()) {
        return makeError(what + " has no \"kty\" member");
    } else {
        return {};
    }
    out.push_back(std::move(jwk));
    return {};
}

} // namespace

Result<JwkSet> JwkSet::fromJson(std::string_view json)
{
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(
        QByteArray::fromRawData(json.data(), static_cast<qsizetype>(json.size())), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return makeError("the JWK Set is not valid JSON: " + parseError.errorString().toStdString());
    if (!doc.isObject())
        return makeError("the JWK Set must be a JSON object");
    const QJsonObject root = doc.object();
    JwkSet set;
    if (root.contains(QLatin1String("keys"))) {
        const QJsonValue keys = root.value(QLatin1String("keys"));
        if (!keys.isArray())
            return makeError("the JWK Set's \"keys\" must be an array");
        const QJsonArray array = keys.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (!array.at(i).isObject())
                return makeError("JWK " + std::to_string(i + 1) + " is not an object");
            if (auto added = addKey(array.at(i).toObject(), static_cast<std::size_t>(i), set.m_keys); !added)
                return added.error();
        }
    } else if (auto added = addKey(root, 0, set.m_keys); !added) {
        return added.error();
    }
    if (set.m_keys.empty())
        return makeError("the JWK Set has no RSA, EC, OKP or oct signing key");
    return set;
}

Result<JwkSet> JwkSet::fromFile(const std::string &path)
{
    auto text = TextFile::read(path);
    if (!text)
        return makeError("cannot read JWK Set " + path + ": " + text.message());
    auto set = fromJson(*text);
    if (!set)
        return makeError(path + ": " + set.message());
    return set;
}

void JwkSet::merge(const JwkSet &other)
{
    m_keys.insert(m_keys.end(), other.m_keys.begin(), other.m_keys.end());
}

} // namespace switchyard
