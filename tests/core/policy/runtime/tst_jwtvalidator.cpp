// SPDX-License-Identifier: Apache-2.0
// jwt-validation: RFC 7515 / RFC 8037 example tokens, every algorithm with
// keys generated here, key selection, alg=none and alg confusion, claims.
#include <QObject>
#include <QTest>

#include "jwttesthelpers.h"
#include "policy/runtime/jwtvalidator.h"

using namespace switchyard;
using namespace jwttest;

class TestJwtValidator : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void rfc7515Hs256Example();
    void rfc7515Es256Example();
    void rfc8037Ed25519Example();
    void everyAlgorithm_data();
    void everyAlgorithm();
    void noneIsRefused();
    void algorithmConfusion();
    void keySelection();
    void keyRestrictions();
    void claims_data();
    void claims();
    void malformed_data();
    void malformed();
    void fromHeader();

private:
    KeyPtr m_rsa;
    KeyPtr m_rsaSmall;
    KeyPtr m_p256;
    KeyPtr m_p384;
    KeyPtr m_p521;
    KeyPtr m_ed25519;
};

namespace {

constexpr std::int64_t Now = 1'700'000'000;
const std::string HmacSecret(64, 'k');

JwtValidator::Options options(std::vector<std::string> algorithms, std::int64_t now = Now)
{
    JwtValidator::Options o;
    o.allowedAlgorithms = std::move(algorithms);
    o.clock = [now] { return now; };
    return o;
}

JwkSet keys(const std::string &json)
{
    auto set = JwkSet::fromJson(json);
    if (!set)
        qFatal("bad JWKS in test: %s", set.message().c_str());
    return std::move(*set);
}

std::string header(const std::string &alg, const std::string &kid = {})
{
    return "{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"" + (kid.empty() ? "" : ",\"kid\":\"" + kid + "\"") + "}";
}

} // namespace

void TestJwtValidator::initTestCase()
{
    m_rsa = rsaKey(2048);
    m_rsaSmall = rsaKey(1024);
    m_p256 = ecKey("P-256");
    m_p384 = ecKey("P-384");
    m_p521 = ecKey("P-521");
    m_ed25519 = ed25519Key();
    QVERIFY(m_rsa && m_rsaSmall && m_p256 && m_p384 && m_p521 && m_ed25519);
}

void TestJwtValidator::rfc7515Hs256Example()
{
    // RFC 7515 Appendix A.1.
    const std::string jwks = R"({"keys":[{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}]})";
    const std::string token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
                              ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
                              ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    auto o = options({"HS256"}, 1300819000);
    o.issuers = {"joe"};
    auto v = JwtValidator::create(o, keys(jwks));
    QVERIFY(v.ok());
    auto t = v->validate(token);
    QVERIFY2(t.ok(), t.ok() ? "" : t.message().c_str());
    QCOMPARE(t->algorithm, std::string("HS256"));
    QCOMPARE(t->type, std::string("JWT"));
    QCOMPARE(t->issuer, std::string("joe"));
    QCOMPARE(t->expiresAt.value_or(0), std::int64_t(1300819380));

    auto late = JwtValidator::create(options({"HS256"}, 1300819380 + 30), keys(jwks));
    QVERIFY(late.ok());
    auto expired = late->validate(token);
    QVERIFY(!expired.ok());
    QCOMPARE(expired.error().code, std::string(JwtValidator::ExpiredCode));
    QCOMPARE(expired.message(), std::string("the token expired 30 s ago"));
}

void TestJwtValidator::rfc7515Es256Example()
{
    // RFC 7515 Appendix A.3.
    const std::string jwk = R"({"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"})";
    const std::string token = "eyJhbGciOiJFUzI1NiJ9"
                              ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
                              ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
    auto v = JwtValidator::create(options({"ES256"}, 1300819000), keys(jwk));
    QVERIFY(v.ok());
    auto t = v->validate(token);
    QVERIFY2(t.ok(), t.ok() ? "" : t.message().c_str());
    QCOMPARE(t->issuer, std::string("joe"));
    std::string forged = token;
    forged[forged.size() - 5] = forged[forged.size() - 5] == 'A' ? 'B' : 'A';
    auto bad = v->validate(forged);
    QVERIFY(!bad.ok());
    QCOMPARE(bad.error().code, std::string(JwtValidator::SignatureCode));
}

void TestJwtValidator::rfc8037Ed25519Example()
{
    // RFC 8037 Appendix A.4: the payload is not JSON, so check the signature
    // layer directly.
    auto set = JwkSet::fromJson(R"({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})");
    QVERIFY(set.ok());
    const auto alg = JwsAlgorithm::fromName("EdDSA");
    QVERIFY(alg);
    QVERIFY(alg->fits(set->keys().at(0)));
    const auto sig = Base64Codec::decodeUrl(
        "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg");
    QVERIFY(sig);
    QVERIFY(alg->verify(set->keys().at(0), "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc", *sig));
    QVERIFY(!alg->verify(set->keys().at(0), "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmd", *sig));
}

void TestJwtValidator::everyAlgorithm_data()
{
    QTest::addColumn<QString>("alg");
    for (const char *a : {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
                          "HS256", "HS384", "HS512"})
        QTest::newRow(a) << QString::fromLatin1(a);
}

void TestJwtValidator::everyAlgorithm()
{
    QFETCH(QString, alg);
    const std::string a = alg.toStdString();
    KeyPtr key = a.starts_with("RS") || a.starts_with("PS") ? m_rsa
                 : a == "ES256"                             ? m_p256
                 : a == "ES384"                             ? m_p384
                 : a == "ES512"                             ? m_p521
                 : a == "EdDSA"                             ? m_ed25519
                                                            : nullptr;
    const std::string jwks = "{\"keys\":[" + (key ? jwk(key, "k1") : octJwk(HmacSecret, "k1")) + "]}";
    auto v = JwtValidator::create(options({a}), keys(jwks));
    QVERIFY(v.ok());
    const std::string payload = R"({"sub":"user-1","iat":1699999990,"exp":1700000600})";
    const std::string t = token(a, key, header(a, "k1"), payload, HmacSecret);
    auto ok = v->validate(t);
    QVERIFY2(ok.ok(), ok.ok() ? "" : ok.message().c_str());
    QCOMPARE(ok->subject, std::string("user-1"));
    QCOMPARE(ok->keyId, std::string("k1"));
    QCOMPARE(ok->payloadJson, payload);

    // Another payload under the same signature.
    const std::size_t dot = t.find('.');
    const std::string swapped = t.substr(0, dot + 1) + b64(R"({"sub":"admin","exp":1700000600})")
                                + t.substr(t.rfind('.'));
    auto forged = v->validate(swapped);
    QVERIFY(!forged.ok());
    QCOMPARE(forged.error().code, std::string(JwtValidator::SignatureCode));
    QCOMPARE(forged.message(), std::string("the token's signature does not verify"));
}

void TestJwtValidator::noneIsRefused()
{
    auto create = JwtValidator::create(options({"RS256", "none"}), keys(jwk(m_rsa, "")));
    QVERIFY(!create.ok());
    QCOMPARE(create.message(), std::string("'none' is not allowed: unsigned tokens would pass validation"));
    auto v = JwtValidator::create(options({"RS256"}), keys(jwk(m_rsa, "")));
    QVERIFY(v.ok());
    const std::string unsigned_ = b64(R"({"alg":"none"})") + "." + b64(R"({"sub":"x"})") + ".";
    auto t = v->validate(unsigned_);
    QVERIFY(!t.ok());
    QCOMPARE(t.error().code, std::string(JwtValidator::AlgorithmCode));
    QCOMPARE(t.message(), std::string("the token's algorithm none is not in the allow list"));
}

void TestJwtValidator::algorithmConfusion()
{
    // HS256 "signed" with the RSA public key's bytes as the HMAC secret: the
    // classic confusion attack. Only oct keys may verify HS*.
    const std::string publicJwk = jwk(m_rsa, "rsa");
    auto v = JwtValidator::create(options({"RS256", "HS256"}), keys(publicJwk));
    QVERIFY(v.ok());
    for (const std::string &secret : {publicJwk, bnBytes(m_rsa.get(), OSSL_PKEY_PARAM_RSA_N)}) {
        auto t = v->validate(token("HS256", nullptr, header("HS256", "rsa"), R"({"sub":"x"})", secret));
        QVERIFY(!t.ok());
        QCOMPARE(t.error().code, std::string(JwtValidator::KeyCode));
        QCOMPARE(t.message(), std::string("no kid rsa key fits algorithm HS256"));
    }
    // An ES256 token against a P-384 key: the curve must match.
    auto ec = JwtValidator::create(options({"ES256"}), keys(jwk(m_p384, "")));
    QVERIFY(ec.ok());
    auto wrongCurve = ec->validate(token("ES256", m_p256, header("ES256"), "{}"));
    QCOMPARE(wrongCurve.error().code, std::string(JwtValidator::KeyCode));
}

void TestJwtValidator::keySelection()
{
    const KeyPtr other = ecKey("P-256");
    const std::string jwks = "{\"keys\":[" + jwk(other, "a") + "," + jwk(m_p256, "b") + "]}";
    auto v = JwtValidator::create(options({"ES256"}), keys(jwks));
    QVERIFY(v.ok());
    QVERIFY(v->validate(token("ES256", m_p256, header("ES256", "b"), "{}")).ok());
    // No kid: every fitting key is tried.
    QVERIFY(v->validate(token("ES256", m_p256, header("ES256"), "{}")).ok());
    // The kid names the other key: the signature does not verify with it.
    auto wrongKid = v->validate(token("ES256", m_p256, header("ES256", "a"), "{}"));
    QCOMPARE(wrongKid.error().code, std::string(JwtValidator::SignatureCode));
    auto unknownKid = v->validate(token("ES256", m_p256, header("ES256", "c"), "{}"));
    QCOMPARE(unknownKid.error().code, std::string(JwtValidator::KeyCode));
    QCOMPARE(unknownKid.message(), std::string("no key has the token's kid c"));
}

void TestJwtValidator::keyRestrictions()
{
    // use=enc and a different alg exclude a key; RSA under 2048 bits and
    // short HMAC keys never fit (RFC 7518 §3.2, §3.3).
    auto enc = JwtValidator::create(options({"ES256"}), keys(jwk(m_p256, "", ",\"use\":\"enc\"")));
    QCOMPARE(enc->validate(token("ES256", m_p256, header("ES256"), "{}")).error().code,
             std::string(JwtValidator::KeyCode));
    auto otherAlg = JwtValidator::create(options({"RS256", "PS256"}), keys(jwk(m_rsa, "", ",\"alg\":\"PS256\"")));
    QCOMPARE(otherAlg->validate(token("RS256", m_rsa, header("RS256"), "{}")).error().code,
             std::string(JwtValidator::KeyCode));
    QVERIFY(otherAlg->validate(token("PS256", m_rsa, header("PS256"), "{}")).ok());
    auto small = JwtValidator::create(options({"RS256"}), keys(jwk(m_rsaSmall, "")));
    QCOMPARE(small->validate(token("RS256", m_rsaSmall, header("RS256"), "{}")).error().code,
             std::string(JwtValidator::KeyCode));
    const std::string shortSecret(31, 's');
    auto shortKey = JwtValidator::create(options({"HS256"}), keys(octJwk(shortSecret)));
    QCOMPARE(shortKey->validate(token("HS256", nullptr, header("HS256"), "{}", shortSecret)).error().code,
             std::string(JwtValidator::KeyCode));
}

void TestJwtValidator::claims_data()
{
    QTest::addColumn<QString>("payload");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");
    QTest::newRow("valid") << R"({"iss":"https://issuer/","aud":"api","exp":1700000100})" << "" << "";
    QTest::newRow("expired") << R"({"iss":"https://issuer/","aud":"api","exp":1699999900})" << "jwt_expired"
                             << "the token expired 100 s ago";
    QTest::newRow("expired within leeway") << R"({"iss":"https://issuer/","aud":"api","exp":1699999980})" << ""
                                           << "";
    QTest::newRow("fractional exp") << R"({"iss":"https://issuer/","aud":"api","exp":1700000100.5})" << "" << "";
    QTest::newRow("not yet valid") << R"({"iss":"https://issuer/","aud":"api","nbf":1700000100})"
                                   << "jwt_not_yet_valid" << "the token is not valid for another 100 s";
    QTest::newRow("nbf within leeway") << R"({"iss":"https://issuer/","aud":"api","nbf":1700000020})" << "" << "";
    QTest::newRow("issued in future") << R"({"iss":"https://issuer/","aud":"api","iat":1700000500})"
                                      << "jwt_issued_in_future" << "the token was issued 500 s in the future";
    QTest::newRow("issuer without slash") << R"({"iss":"https://issuer","aud":"api"})" << "jwt_issuer"
                                          << "the token's issuer 'https://issuer' is not allowed";
    QTest::newRow("no issuer") << R"({"aud":"api"})" << "jwt_issuer" << "the token has no \"iss\" claim";
    QTest::newRow("audience list") << R"({"iss":"https://issuer/","aud":["other","api"]})" << "" << "";
    QTest::newRow("wrong audience") << R"({"iss":"https://issuer/","aud":["other"]})" << "jwt_audience"
                                    << "the token's audience does not include an allowed value";
    QTest::newRow("no audience") << R"({"iss":"https://issuer/"})" << "jwt_audience"
                                 << "the token's audience does not include an allowed value";
    QTest::newRow("exp as string") << R"({"iss":"https://issuer/","aud":"api","exp":"tomorrow"})" << "jwt_malformed"
                                   << "the \"exp\" claim is not a NumericDate";
    QTest::newRow("aud as number") << R"({"iss":"https://issuer/","aud":7})" << "jwt_malformed"
                                   << "the \"aud\" claim must be a string or a list of strings";
    QTest::newRow("payload not object") << R"(["iss"])" << "jwt_malformed"
                                        << "the token payload is not a JSON object";
}

void TestJwtValidator::claims()
{
    QFETCH(QString, payload);
    QFETCH(QString, code);
    QFETCH(QString, message);
    auto o = options({"ES256"});
    o.issuers = {"https://issuer/"};
    o.audiences = {"api", "api2"};
    auto v = JwtValidator::create(o, keys(jwk(m_p256, "")));
    QVERIFY(v.ok());
    auto t = v->validate(token("ES256", m_p256, header("ES256"), payload.toStdString()));
    if (code.isEmpty()) {
        QVERIFY2(t.ok(), t.ok() ? "" : t.message().c_str());
        return;
    }
    QVERIFY(!t.ok());
    QCOMPARE(QString::fromStdString(t.error().code), code);
    QCOMPARE(QString::fromStdString(t.message()), message);
}

void TestJwtValidator::malformed_data()
{
    QTest::addColumn<QString>("token");
    QTest::addColumn<QString>("message");
    const std::string h = b64(R"({"alg":"HS256"})");
    const std::string p = b64("{}");
    QTest::newRow("two parts") << QString::fromStdString(h + "." + p)
                               << "the token is not a JWS in compact form (three base64url parts)";
    QTest::newRow("JWE shape") << QString::fromStdString(h + "." + p + ".a.b.c")
                               << "the token is not a JWS in compact form (three base64url parts)";
    QTest::newRow("padding") << QString::fromStdString(h + "." + b64("{\"a\":1}") + "=.AAAA")
                             << "the token has a part that is not strict base64url";
    QTest::newRow("standard alphabet") << QString::fromStdString(h + "." + p + ".ab+/")
                                       << "the token has a part that is not strict base64url";
    QTest::newRow("header not json") << QString::fromStdString(b64("alg") + "." + p + ".AAAA")
                                     << "the token header is not a JSON object";
    QTest::newRow("no alg") << QString::fromStdString(b64("{\"typ\":\"JWT\"}") + "." + p + ".AAAA")
                            << "the token header has no \"alg\"";
    QTest::newRow("crit") << QString::fromStdString(b64(R"({"alg":"HS256","crit":["exp"],"exp":1})") + "." + p
                                                    + ".AAAA")
                          << "the token names critical header extensions, which are not supported";
    QTest::newRow("too long") << QString(20000, QLatin1Char('a')) << "the token is longer than 16384 bytes";
}

void TestJwtValidator::malformed()
{
    QFETCH(QString, token);
    QFETCH(QString, message);
    auto v = JwtValidator::create(options({"HS256"}), keys(octJwk(HmacSecret)));
    QVERIFY(v.ok());
    auto t = v->validate(token.toStdString());
    QVERIFY(!t.ok());
    QCOMPARE(t.error().code, std::string(JwtValidator::MalformedCode));
    QCOMPARE(QString::fromStdString(t.message()), message);
}

void TestJwtValidator::fromHeader()
{
    QCOMPARE(JwtValidator::fromHeader("Bearer abc.def.ghi", "Bearer ").value_or("?"), std::string_view("abc.def.ghi"));
    QCOMPARE(JwtValidator::fromHeader("  bearer   abc ", "Bearer ").value_or("?"), std::string_view("abc"));
    QCOMPARE(JwtValidator::fromHeader("abc", "").value_or("?"), std::string_view("abc"));
    QVERIFY(!JwtValidator::fromHeader("Basic abc", "Bearer "));
    QVERIFY(!JwtValidator::fromHeader("Bearer ", "Bearer "));
}

QTEST_GUILESS_MAIN(TestJwtValidator)
#include "tst_jwtvalidator.moc"
