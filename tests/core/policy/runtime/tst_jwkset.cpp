// SPDX-License-Identifier: Apache-2.0
// JWK Set loading: key types, skipped and broken keys, files.
#include <QObject>
#include <QTemporaryDir>
#include <QTest>

#include "jwttesthelpers.h"
#include "policy/runtime/jwkset.h"

#include <fstream>

using namespace switchyard;

class TestJwkSet : public QObject
{
    Q_OBJECT

private slots:
    void loadsEveryType();
    void singleKeyObject();
    void unknownTypesSkipped();
    void errors_data();
    void errors();
    void fromFile();
    void merge();
};

void TestJwkSet::loadsEveryType()
{
    const auto rsa = jwttest::rsaKey();
    const auto ec = jwttest::ecKey("P-384");
    const auto ed = jwttest::ed25519Key();
    const std::string json = "{\"keys\":[" + jwttest::jwk(rsa, "r", ",\"use\":\"sig\",\"alg\":\"RS256\"") + ","
                             + jwttest::jwk(ec, "e") + "," + jwttest::jwk(ed, "o") + ","
                             + jwttest::octJwk("0123456789abcdef0123456789abcdef", "h") + "]}";
    auto set = JwkSet::fromJson(json);
    QVERIFY2(set.ok(), set.ok() ? "" : set.message().c_str());
    const auto &k = set->keys();
    QCOMPARE(k.size(), std::size_t(4));
    QCOMPARE(k[0].type, Jwk::Type::Rsa);
    QCOMPARE(k[0].kid, std::string("r"));
    QCOMPARE(k[0].use, std::string("sig"));
    QCOMPARE(k[0].alg, std::string("RS256"));
    QVERIFY(EVP_PKEY_eq(k[0].key.get(), rsa.get()) == 1);
    QCOMPARE(k[1].type, Jwk::Type::Ec);
    QCOMPARE(k[1].curve, std::string("P-384"));
    QVERIFY(EVP_PKEY_eq(k[1].key.get(), ec.get()) == 1);
    QCOMPARE(k[2].type, Jwk::Type::Okp);
    QVERIFY(EVP_PKEY_eq(k[2].key.get(), ed.get()) == 1);
    QCOMPARE(k[3].type, Jwk::Type::Oct);
    QCOMPARE(k[3].secret, std::string("0123456789abcdef0123456789abcdef"));
}

void TestJwkSet::singleKeyObject()
{
    auto set = JwkSet::fromJson(jwttest::octJwk("secret-secret-secret-secret-1234"));
    QVERIFY(set.ok());
    QCOMPARE(set->keys().size(), std::size_t(1));
}

void TestJwkSet::unknownTypesSkipped()
{
    auto set = JwkSet::fromJson(R"({"keys":[{"kty":"PQC","x":"AAAA"},{"kty":"EC","crv":"secp256k1","x":"AA","y":"AA"},)"
                                + jwttest::octJwk("secret-secret-secret-secret-1234", "keep") + "]}");
    QVERIFY(set.ok());
    QCOMPARE(set->keys().size(), std::size_t(1));
    QCOMPARE(set->keys()[0].kid, std::string("keep"));
}

void TestJwkSet::errors_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("message");
    QTest::newRow("not json") << "{keys" << "";
    QTest::newRow("array") << "[]" << "the JWK Set must be a JSON object";
    QTest::newRow("keys not array") << R"({"keys":{}})" << "the JWK Set's \"keys\" must be an array";
    QTest::newRow("key not object") << R"({"keys":[1]})" << "JWK 1 is not an object";
    QTest::newRow("no kty") << R"({"keys":[{"kid":"a"}]})" << "JWK 1 (kid a) has no \"kty\" member";
    QTest::newRow("rsa without n") << R"({"keys":[{"kty":"RSA","e":"AQAB"}]})" << "JWK 1 has no \"n\" member";
    QTest::newRow("bad base64") << R"({"keys":[{"kty":"oct","k":"a+b/"}]})" << "JWK 1: \"k\" is not base64url";
    QTest::newRow("short coordinate")
        << R"({"keys":[{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA"}]})"
        << "JWK 1: P-256 coordinates must be 32 bytes";
    QTest::newRow("point off curve")
        << R"({"keys":[{"kty":"EC","crv":"P-256","x":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE","y":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE"}]})"
        << "JWK 1: the point is not on P-256";
    QTest::newRow("bad ed25519") << R"({"keys":[{"kty":"OKP","crv":"Ed25519","x":"AAAA"}]})"
                                 << "JWK 1: not a valid Ed25519 public key";
    QTest::newRow("nothing usable") << R"({"keys":[{"kty":"PQC"}]})"
                                    << "the JWK Set has no RSA, EC, OKP or oct signing key";
}

void TestJwkSet::errors()
{
    QFETCH(QString, json);
    QFETCH(QString, message);
    auto set = JwkSet::fromJson(json.toStdString());
    QVERIFY(!set.ok());
    if (message.isEmpty())
        QVERIFY(set.message().starts_with("the JWK Set is not valid JSON: "));
    else
        QCOMPARE(QString::fromStdString(set.message()), message);
}

void TestJwkSet::fromFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("jwks.json").toStdString();
    std::ofstream(path) << "{\"keys\":[" << jwttest::octJwk("secret-secret-secret-secret-1234", "f") << "]}";
    auto set = JwkSet::fromFile(path);
    QVERIFY(set.ok());
    QCOMPARE(set->keys().at(0).kid, std::string("f"));
    auto missing = JwkSet::fromFile(path + ".absent");
    QVERIFY(!missing.ok());
    QVERIFY(missing.message().starts_with("cannot read JWK Set " + path + ".absent: "));
    std::ofstream(path) << "[]";
    auto bad = JwkSet::fromFile(path);
    QCOMPARE(bad.message(), path + ": the JWK Set must be a JSON object");
}

void TestJwkSet::merge()
{
    auto a = JwkSet::fromJson(jwttest::octJwk("secret-secret-secret-secret-1234", "a"));
    auto b = JwkSet::fromJson(jwttest::octJwk("secret-secret-secret-secret-5678", "b"));
    QVERIFY(a.ok() && b.ok());
    a->merge(*b);
    QCOMPARE(a->keys().size(), std::size_t(2));
    QCOMPARE(a->keys()[1].kid, std::string("b"));
}

QTEST_GUILESS_MAIN(TestJwkSet)
#include "tst_jwkset.moc"
