// SPDX-License-Identifier: Apache-2.0
#include "policy/runtime/jwtvalidator.h"

#include "data/http/httpheaders.h"
#include "data/http/httpsyntax.h"
#include "policy/runtime/base64codec.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>

namespace switchyard {

namespace {

Error failure(std::string_view code, std::string message)
{
    return makeError(std::move(message), std::string(code));
}

std::optional<QJsonObject> parseObject(const std::string &json)
{
    QJsonParseError error{};
    const QJsonDocument doc =
        QJsonDocument::fromJson(QByteArray::fromRawData(json.data(), static_cast<qsizetype>(json.size())), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    return doc.object();
}

// NumericDate (RFC 7519 §2): a JSON number of seconds, fractions allowed.
Result<std::optional<std::int64_t>> numericDate(const QJsonObject &claims, const char *name)
{
    const QJsonValue v = claims.value(QLatin1String(name));
    if (v.isUndefined() || v.isNull())
        return std::optional<std::int64_t>{};
    if (!v.isDouble() || !std::isfinite(v.toDouble()) || std::fabs(v.toDouble()) > 1e15)
        return failure(JwtValidator::MalformedCode, std::string("the \"") + name + "\" claim is not a NumericDate");
    return std::optional<std::int64_t>(static_cast<std::int64_t>(std::floor(v.toDouble())));
}

} // namespace

Result<JwtValidator> JwtValidator::create(Options options, JwkSet keys)
{
    if (options.allowedAlgorithms.empty())
        return makeError("jwt-validation needs at least one allowed algorithm");
    JwtValidator out;
    for (const std::string &name : options.allowedAlgorithms) {
        if (name == "none" || name == "None" || name == "NONE")
            return makeError("'none' is not allowed: unsigned tokens would pass validation");
        const auto alg = JwsAlgorithm::fromName(name);
        if (!alg)
            return makeError("unknown JWS algorithm '" + name + "'");
        out.m_algorithms.push_back(*alg);
    }
    if (!options.clock)
        options.clock = unixSeconds;
    out.m_options = std::move(options);
    out.m_keys = std::move(keys);
    return out;
}

std::optional<std::string_view> JwtValidator::fromHeader(std::string_view value, std::string_view prefix)
{
    value = httpsyntax::trimOws(value);
    if (value.size() < prefix.size() || !HttpHeaders::equalsIgnoreCase(value.substr(0, prefix.size()), prefix))
        return std::nullopt;
    const std::string_view token = httpsyntax::trimOws(value.substr(prefix.size()));
    if (token.empty())
        return std::nullopt;
    return token;
}

Result<JwtValidator::Token> JwtValidator::validate(std::string_view text) const
{
    if (text.size() > m_options.maxTokenBytes)
        return failure(MalformedCode, "the token is longer than " + std::to_string(m_options.maxTokenBytes) + " bytes");
    const std::size_t dot1 = text.find('.');
    const std::size_t dot2 = dot1 == std::string_view::npos ? dot1 : text.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos || text.find('.', dot2 + 1) != std::string_view::npos)
        return failure(MalformedCode, "the token is not a JWS in compact form (three base64url parts)");
    const auto headerBytes = Base64Codec::decodeUrl(text.substr(0, dot1));
    const auto payloadBytes = Base64Codec::decodeUrl(text.substr(dot1 + 1, dot2 - dot1 - 1));
    const auto signature = Base64Codec::decodeUrl(text.substr(dot2 + 1));
    if (!headerBytes || !payloadBytes || !signature)
        return failure(MalformedCode, "the token has a part that is not strict base64url");
    const auto header = parseObject(*headerBytes);
    if (!header)
        return failure(MalformedCode, "the token header is not a JSON object");

    Token token;
    token.algorithm = header->value(QLatin1String("alg")).toString().toStdString();
    token.keyId = header->value(QLatin1String("kid")).toString().toStdString();
    token.type = header->value(QLatin1String("typ")).toString().toStdString();
    if (token.algorithm.empty())
        return failure(MalformedCode, "the token header has no \"alg\"");
    if (header->contains(QLatin1String("crit")))
        return failure(MalformedCode, "the token names critical header extensions, which are not supported");
    const auto alg = std::find_if(m_algorithms.begin(), m_algorithms.end(),
                                  [&](const JwsAlgorithm &a) { return a.name() == token.algorithm; });
    if (alg == m_algorithms.end())
        return failure(AlgorithmCode, "the token's algorithm " + token.algorithm + " is not in the allow list");

    bool kidSeen = false;
    bool fitted = false;
    bool verified = false;
    const std::string_view signingInput = text.substr(0, dot2);
    for (const Jwk &key : m_keys.keys()) {
        if (!token.keyId.empty() && key.kid != token.keyId)
            continue;
        kidSeen = true;
        if (!alg->fits(key))
            continue;
        fitted = true;
        if (alg->verify(key, signingInput, *signature)) {
            verified = true;
            break;
        }
    }
    if (!kidSeen)
        return failure(KeyCode, "no key has the token's kid " + token.keyId);
    if (!fitted)
        return failure(KeyCode, "no " + std::string(token.keyId.empty() ? "" : "kid " + token.keyId + " ")
                                    + "key fits algorithm " + token.algorithm);
    if (!verified)
        return failure(SignatureCode, "the token's signature does not verify");

    token.headerJson = *headerBytes;
    token.payloadJson = *payloadBytes;
    if (auto checked = checkClaims(token); !checked)
        return checked.error();
    return token;
}

Result<void> JwtValidator::checkClaims(Token &token) const
{
    const auto claims = parseObject(token.payloadJson);
    if (!claims)
        return failure(MalformedCode, "the token payload is not a JSON object");
    const QJsonValue iss = claims->value(QLatin1String("iss"));
    const QJsonValue sub = claims->value(QLatin1String("sub"));
    const QJsonValue aud = claims->value(QLatin1String("aud"));
    if ((!iss.isUndefined() && !iss.isString()) || (!sub.isUndefined() && !sub.isString()))
        return failure(MalformedCode, "the \"iss\" and \"sub\" claims must be strings");
    token.issuer = iss.toString().toStdString();
    token.subject = sub.toString().toStdString();
    if (aud.isString()) {
        token.audience.push_back(aud.toString().toStdString());
    } else if (aud.isArray()) {
        for (const QJsonValue v : aud.toArray()) {
            if (!v.isString())
                return failure(MalformedCode, "the \"aud\" claim must be a string or a list of strings");
            token.audience.push_back(v.toString().toStdString());
        }
    } else if (!aud.isUndefined()) {
        return failure(MalformedCode, "the \"aud\" claim must be a string or a list of strings");
    }
    auto exp = numericDate(*claims, "exp");
    auto nbf = numericDate(*claims, "nbf");
    auto iat = numericDate(*claims, "iat");
    for (auto *date : {&exp, &nbf, &iat}) {
        if (!*date)
            return date->error();
    }
    token.expiresAt = *exp;
    token.notBefore = *nbf;
    token.issuedAt = *iat;

    const std::int64_t now = m_options.clock();
    const std::int64_t leeway = m_options.leewaySeconds;
    if (!token.expiresAt && m_options.requireExpiry)
        return failure(ExpiredCode, "the token has no \"exp\" claim");
    if (token.expiresAt && now - leeway >= *token.expiresAt)
        return failure(ExpiredCode, "the token expired " + std::to_string(now - *token.expiresAt) + " s ago");
    if (token.notBefore && now + leeway < *token.notBefore)
        return failure(NotYetValidCode, "the token is not valid for another "
                                            + std::to_string(*token.notBefore - now) + " s");
    if (token.issuedAt && now + leeway < *token.issuedAt)
        return failure(IssuedInFutureCode, "the token was issued " + std::to_string(*token.issuedAt - now)
                                               + " s in the future");
    const auto &issuers = m_options.issuers;
    if (!issuers.empty() && std::find(issuers.begin(), issuers.end(), token.issuer) == issuers.end())
        return failure(IssuerCode, token.issuer.empty() ? std::string("the token has no \"iss\" claim")
                                                        : "the token's issuer '" + token.issuer + "' is not allowed");
    const auto &audiences = m_options.audiences;
    if (!audiences.empty()
        && std::none_of(token.audience.begin(), token.audience.end(), [&](const std::string &a) {
               return std::find(audiences.begin(), audiences.end(), a) != audiences.end();
           }))
        return failure(AudienceCode, "the token's audience does not include an allowed value");
    return {};
}

} // namespace switchyard
