// SPDX-License-Identifier: Apache-2.0
// JwtValidationRunner through the executor: keys inline and from files, the
// token found by header name and prefix, every refusal answering 401 with
// the right www-authenticate, issuer/audience allow lists (interpolated
// too) and an action without local keys failing closed.
#include "../../../support/hs256token.h"
#include "runnerharness.h"

#include "policy/runners/jwtvalidationrunner.h"

#include <QTemporaryDir>

#include <fstream>

using namespace switchyard;
using namespace switchyard::test;

namespace {

constexpr std::int64_t Now = 1'700'000'000;
const std::string Challenge = R"(Bearer realm="switchyard")";
const std::string Invalid = R"(Bearer realm="switchyard", error="invalid_token")";

std::string policy(const std::string &sources, const std::string &audience = "")
{
    return "on_http_request:\n  - actions:\n      - type: jwt-validation\n        config:\n"
           "          issuer: {allow_list: [{value: \"https://issuer.example/\"}]}\n"
           + audience
           + "          http: {tokens: [{type: jwt, method: header, name: Authorization, prefix: \"Bearer \"}]}\n"
             "          jws:\n            allowed_algorithms: [HS256]\n            keys:\n              sources:\n"
           + sources;
}

std::string inlineKeys()
{
    return "                jwks: '" + hs256Jwks() + "'\n";
}

std::string claims(const std::string &iss = "https://issuer.example/", std::int64_t exp = Now + 600,
                   const std::string &aud = "my-api")
{
    return R"({"iss":")" + iss + R"(","sub":"user-1","aud":")" + aud + R"(","exp":)" + std::to_string(exp) + "}";
}

std::shared_ptr<JwtValidationRunner> runner()
{
    return std::make_shared<JwtValidationRunner>([] { return Now; });
}

} // namespace

class TestJwtValidationRunner : public QObject
{
    Q_OBJECT

private slots:
    void tokens_data();
    void tokens();
    void keysFromFile();
    void audience_data();
    void audience();
    void interpolatedIssuer();
    void noLocalKeysFailsClosed();
};

void TestJwtValidationRunner::tokens_data()
{
    QTest::addColumn<QString>("authorization"); // empty: no header
    QTest::addColumn<int>("status");            // 0: passes
    QTest::addColumn<QString>("challenge");
    QTest::addColumn<QString>("summary");

    const QString bearer = "Bearer ";
    QTest::newRow("valid") << bearer + QString::fromStdString(hs256Token(claims())) << 0 << ""
                           << "valid token for user-1";
    QTest::newRow("prefix case-insensitive")
        << "bearer " + QString::fromStdString(hs256Token(claims())) << 0 << "" << "valid token for user-1";
    QTest::newRow("missing") << "" << 401 << QString::fromStdString(Challenge) << "no token";
    QTest::newRow("no prefix") << QString::fromStdString(hs256Token(claims())) << 401
                               << QString::fromStdString(Challenge) << "no token";
    QTest::newRow("bad signature")
        << bearer + QString::fromStdString(hs256Token(claims(), "k1", std::string(32, 'x'))) << 401
        << QString::fromStdString(Invalid) << "jwt_signature: the token's signature does not verify";
    QTest::newRow("expired") << bearer + QString::fromStdString(hs256Token(claims("https://issuer.example/", Now - 60)))
                             << 401 << QString::fromStdString(Invalid) << "jwt_expired";
    QTest::newRow("wrong issuer") << bearer + QString::fromStdString(hs256Token(claims("https://issuer.example")))
                                  << 401 << QString::fromStdString(Invalid)
                                  << "jwt_issuer: issuer 'https://issuer.example' is not allowed";
    QTest::newRow("garbage") << bearer + "abc.def" << 401 << QString::fromStdString(Invalid) << "jwt_malformed";
}

void TestJwtValidationRunner::tokens()
{
    QFETCH(QString, authorization);
    QFETCH(int, status);
    QFETCH(QString, challenge);
    QFETCH(QString, summary);
    RunnerHarness h("jwt-validation", runner(), policy(inlineKeys()));
    QVERIFY(h.compiled());
    PolicyExchange x = RunnerHarness::exchange();
    if (!authorization.isEmpty())
        x.request.headers.append("Authorization", authorization.toStdString());
    const PolicyOutcome o = h.request(x);
    QVERIFY2(h.summary().starts_with(summary.toStdString()), h.summary().c_str());
    QVERIFY(!h.actionError());
    if (status == 0) {
        QCOMPARE(o.kind, PolicyOutcome::Kind::Continue);
        return;
    }
    QCOMPARE(o.kind, PolicyOutcome::Kind::Respond);
    QCOMPARE(o.response.statusCode, status);
    QCOMPARE(header(o.response, "www-authenticate"), challenge.toStdString());
}

void TestJwtValidationRunner::keysFromFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("jwks.json").toStdString();
    std::ofstream(path) << hs256Jwks("file-key");
    RunnerHarness h("jwt-validation", runner(), policy("                jwks_files: [\"" + path + "\"]\n"));
    QVERIFY(h.compiled());
    PolicyExchange ok = RunnerHarness::exchange();
    ok.request.headers.append("Authorization", "Bearer " + hs256Token(claims(), "file-key"));
    QCOMPARE(h.request(ok).kind, PolicyOutcome::Kind::Continue);
    PolicyExchange otherKid = RunnerHarness::exchange();
    otherKid.request.headers.append("Authorization", "Bearer " + hs256Token(claims(), "k1"));
    QCOMPARE(h.request(otherKid).response.statusCode, 401);
}

void TestJwtValidationRunner::audience_data()
{
    QTest::addColumn<QString>("aud");
    QTest::addColumn<bool>("passes");
    QTest::newRow("listed") << "my-api" << true;
    QTest::newRow("second listed") << "other-api" << true;
    QTest::newRow("not listed") << "their-api" << false;
}

void TestJwtValidationRunner::audience()
{
    QFETCH(QString, aud);
    QFETCH(bool, passes);
    RunnerHarness h("jwt-validation", runner(),
                    policy(inlineKeys(), "          audience: {allow_list: [{value: my-api}, {value: other-api}]}\n"));
    QVERIFY(h.compiled());
    PolicyExchange x = RunnerHarness::exchange();
    x.request.headers.append("Authorization",
                             "Bearer " + hs256Token(claims("https://issuer.example/", Now + 600, aud.toStdString())));
    const PolicyOutcome o = h.request(x);
    QCOMPARE(o.kind, passes ? PolicyOutcome::Kind::Continue : PolicyOutcome::Kind::Respond);
    if (!passes)
        QCOMPARE(h.summary(), std::string("jwt_audience: no allowed audience"));
}

void TestJwtValidationRunner::interpolatedIssuer()
{
    std::string text = policy(inlineKeys());
    const std::string literal = "\"https://issuer.example/\"";
    text.replace(text.find(literal), literal.size(), "\"https://${req.headers['x-tenant'][0]}.example/\"");
    RunnerHarness h("jwt-validation", runner(), text);
    QVERIFY(h.compiled());
    PolicyExchange x = RunnerHarness::exchange();
    x.request.headers.append("x-tenant", "acme");
    x.request.headers.append("Authorization", "Bearer " + hs256Token(claims("https://acme.example/")));
    QCOMPARE(h.request(x).kind, PolicyOutcome::Kind::Continue);
    PolicyExchange other = RunnerHarness::exchange();
    other.request.headers.append("x-tenant", "globex");
    other.request.headers.append("Authorization", "Bearer " + hs256Token(claims("https://acme.example/")));
    QCOMPARE(h.request(other).response.statusCode, 401);
}

void TestJwtValidationRunner::noLocalKeysFailsClosed()
{
    RunnerHarness h("jwt-validation", runner(),
                    policy("                additional_jkus: [\"https://issuer.example/jwks.json\"]\n"));
    QVERIFY(h.compiled());
    PolicyExchange x = RunnerHarness::exchange();
    x.request.headers.append("Authorization", "Bearer " + hs256Token(claims()));
    const PolicyOutcome o = h.request(x);
    QCOMPARE(o.response.statusCode, 401);
    QVERIFY(h.actionError());
    QCOMPARE(h.summary(), std::string("cannot validate: no local keys (jws.keys.sources.jwks or jwks_files); "
                                      "additional_jkus are not fetched"));
}

QTEST_GUILESS_MAIN(TestJwtValidationRunner)
#include "tst_jwtvalidationrunner.moc"
