// SPDX-License-Identifier: Apache-2.0
// basic-auth: RFC 7617 parsing, credential matching, the challenge.
#include <QObject>
#include <QTest>

#include "policy/runtime/base64codec.h"
#include "policy/runtime/basicauthchecker.h"

using namespace switchyard;

class TestBasicAuthChecker : public QObject
{
    Q_OBJECT

private slots:
    void check_data();
    void check();
    void missingHeader();
    void challenge();
    void refusedConfig();
};

namespace {
std::string basic(std::string_view userPass)
{
    return "Basic " + Base64Codec::encode(userPass);
}
} // namespace

void TestBasicAuthChecker::check_data()
{
    QTest::addColumn<QString>("header");
    QTest::addColumn<bool>("presented");
    QTest::addColumn<bool>("authorized");
    QTest::addColumn<QString>("username");
    QTest::newRow("first credential") << QString::fromStdString(basic("alice:correct horse")) << true << true
                                      << "alice";
    QTest::newRow("second credential") << QString::fromStdString(basic("bob:pa:ss:word")) << true << true << "bob";
    QTest::newRow("wrong password") << QString::fromStdString(basic("alice:wrong pass")) << true << false << "alice";
    QTest::newRow("password of other user") << QString::fromStdString(basic("alice:pa:ss:word")) << true << false
                                            << "alice";
    QTest::newRow("unknown user") << QString::fromStdString(basic("mallory:correct horse")) << true << false
                                  << "mallory";
    QTest::newRow("prefix of password") << QString::fromStdString(basic("alice:correct")) << true << false << "alice";
    QTest::newRow("RFC 7617 example, not configured") << "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==" << true << false
                                                      << "Aladdin";
    QTest::newRow("scheme case and spaces") << "  bAsIc    YWxpY2U6Y29ycmVjdCBob3JzZQ==  " << true << true << "alice";
    QTest::newRow("bearer") << "Bearer YWxpY2U6Y29ycmVjdCBob3JzZQ==" << false << false << "";
    QTest::newRow("no colon") << QString::fromStdString(basic("alicecorrect horse")) << false << false << "";
    QTest::newRow("bad base64") << "Basic YWxpY2U6Y29ycmVjdCBob3JzZQ=" << false << false << "";
    QTest::newRow("scheme only") << "Basic" << false << false << "";
    QTest::newRow("empty") << "" << false << false << "";
}

void TestBasicAuthChecker::check()
{
    QFETCH(QString, header);
    QFETCH(bool, presented);
    QFETCH(bool, authorized);
    QFETCH(QString, username);
    auto checker = BasicAuthChecker::create({"alice:correct horse", "bob:pa:ss:word"});
    QVERIFY(checker.ok());
    const std::string value = header.toStdString();
    const auto outcome = checker->check(std::string_view(value));
    QCOMPARE(outcome.presented, presented);
    QCOMPARE(outcome.authorized, authorized);
    QCOMPARE(QString::fromStdString(outcome.username), username);
}

void TestBasicAuthChecker::missingHeader()
{
    auto checker = BasicAuthChecker::create({"alice:correct horse"});
    QVERIFY(checker.ok());
    const auto outcome = checker->check(std::nullopt);
    QVERIFY(!outcome.presented);
    QVERIFY(!outcome.authorized);
}

void TestBasicAuthChecker::challenge()
{
    auto plain = BasicAuthChecker::create({"a:12345678"});
    QVERIFY(plain.ok());
    QCOMPARE(plain->challenge(), std::string("Basic realm=\"switchyard\", charset=\"UTF-8\""));
    auto quoted = BasicAuthChecker::create({"a:12345678"}, "my \"special\" realm");
    QVERIFY(quoted.ok());
    QCOMPARE(quoted->challenge(), std::string("Basic realm=\"my \\\"special\\\" realm\", charset=\"UTF-8\""));
    QCOMPARE(quoted->realm(), std::string("my \"special\" realm"));
}

void TestBasicAuthChecker::refusedConfig()
{
    QVERIFY(!BasicAuthChecker::create({}).ok());
    QVERIFY(!BasicAuthChecker::create({"nocolon"}).ok());
    QVERIFY(!BasicAuthChecker::create({":password"}).ok());
    QVERIFY(!BasicAuthChecker::create({"a:12345678"}, "bad\nrealm").ok());
    QVERIFY(!BasicAuthChecker::create({"a:12345678"}, "r\xc3\xa9" "alm").ok());
}

QTEST_GUILESS_MAIN(TestBasicAuthChecker)
#include "tst_basicauthchecker.moc"
