// SPDX-License-Identifier: Apache-2.0
// Strict Base64: RFC 4648 §10 vectors, URL alphabet, refused variants.
#include <QObject>
#include <QTest>

#include "policy/runtime/base64codec.h"

using namespace switchyard;

class TestBase64Codec : public QObject
{
    Q_OBJECT

private slots:
    void rfcVectors_data();
    void rfcVectors();
    void urlAlphabet();
    void refused_data();
    void refused();
};

void TestBase64Codec::rfcVectors_data()
{
    QTest::addColumn<QByteArray>("plain");
    QTest::addColumn<QByteArray>("standard");
    QTest::addColumn<QByteArray>("url");
    QTest::newRow("empty") << QByteArray("") << QByteArray("") << QByteArray("");
    QTest::newRow("f") << QByteArray("f") << QByteArray("Zg==") << QByteArray("Zg");
    QTest::newRow("fo") << QByteArray("fo") << QByteArray("Zm8=") << QByteArray("Zm8");
    QTest::newRow("foo") << QByteArray("foo") << QByteArray("Zm9v") << QByteArray("Zm9v");
    QTest::newRow("foob") << QByteArray("foob") << QByteArray("Zm9vYg==") << QByteArray("Zm9vYg");
    QTest::newRow("fooba") << QByteArray("fooba") << QByteArray("Zm9vYmE=") << QByteArray("Zm9vYmE");
    QTest::newRow("foobar") << QByteArray("foobar") << QByteArray("Zm9vYmFy") << QByteArray("Zm9vYmFy");
}

void TestBase64Codec::rfcVectors()
{
    QFETCH(QByteArray, plain);
    QFETCH(QByteArray, standard);
    QFETCH(QByteArray, url);
    QCOMPARE(QByteArray::fromStdString(Base64Codec::encode(plain.toStdString())), standard);
    QCOMPARE(QByteArray::fromStdString(Base64Codec::encodeUrl(plain.toStdString())), url);
    const auto decoded = Base64Codec::decode(standard.toStdString());
    QVERIFY(decoded);
    QCOMPARE(QByteArray::fromStdString(*decoded), plain);
    const auto decodedUrl = Base64Codec::decodeUrl(url.toStdString());
    QVERIFY(decodedUrl);
    QCOMPARE(QByteArray::fromStdString(*decodedUrl), plain);
}

void TestBase64Codec::urlAlphabet()
{
    QCOMPARE(Base64Codec::encodeUrl("\xfb\xff"), std::string("-_8"));
    QCOMPARE(Base64Codec::encode("\xfb\xff"), std::string("+/8="));
    QCOMPARE(Base64Codec::decodeUrl("-_8").value_or("?"), std::string("\xfb\xff"));
    QVERIFY(!Base64Codec::decodeUrl("+/8"));
    QVERIFY(!Base64Codec::decode("-_8="));
}

void TestBase64Codec::refused_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("url");
    QTest::newRow("standard missing padding") << QByteArray("Zg") << false;
    QTest::newRow("standard short padding") << QByteArray("Zg=") << false;
    QTest::newRow("standard trailing bits") << QByteArray("Zh==") << false;
    QTest::newRow("standard inner padding") << QByteArray("Zg==Zg==") << false;
    QTest::newRow("standard three pads") << QByteArray("Z===") << false;
    QTest::newRow("standard newline") << QByteArray("Zm9v\nZm9v") << false;
    QTest::newRow("standard space") << QByteArray("Zm9v Zg==") << false;
    QTest::newRow("url padded") << QByteArray("Zg==") << true;
    QTest::newRow("url trailing bits") << QByteArray("Zh") << true;
    QTest::newRow("url one char") << QByteArray("Z") << true;
    QTest::newRow("url five chars") << QByteArray("Zm9vY") << true;
    QTest::newRow("url dot") << QByteArray("Zm9v.") << true;
}

void TestBase64Codec::refused()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, url);
    const auto decoded = url ? Base64Codec::decodeUrl(text.toStdString()) : Base64Codec::decode(text.toStdString());
    QVERIFY(!decoded);
}

QTEST_GUILESS_MAIN(TestBase64Codec)
#include "tst_base64codec.moc"
