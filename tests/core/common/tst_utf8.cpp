// SPDX-License-Identifier: Apache-2.0
#include "common/utf8.h"
#include "control/configfile.h"
#include "policy/policyparser.h"

#include <QTest>

using namespace switchyard;

class TestUtf8 : public QObject
{
    Q_OBJECT

private slots:
    void firstInvalid_data();
    void firstInvalid();
    void configRefusesInvalidBytes();
    void policyRefusesInvalidBytes();
};

void TestUtf8::firstInvalid_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("offset"); // -1: valid

    QTest::newRow("empty") << QByteArray("") << -1;
    QTest::newRow("ascii") << QByteArray("on_http_request: []\n") << -1;
    QTest::newRow("2-byte é") << QByteArray("caf\xC3\xA9") << -1;
    QTest::newRow("3-byte €") << QByteArray("\xE2\x82\xAC 5") << -1;
    QTest::newRow("4-byte emoji") << QByteArray("x \xF0\x9F\x98\x80") << -1;
    QTest::newRow("max code point") << QByteArray("\xF4\x8F\xBF\xBF") << -1;
    QTest::newRow("latin-1 é") << QByteArray("caf\xE9") << 3;
    QTest::newRow("lone continuation") << QByteArray("a\x80") << 1;
    QTest::newRow("overlong 2-byte") << QByteArray("\xC0\xAF") << 0;
    QTest::newRow("overlong 3-byte") << QByteArray("\xE0\x80\xAF") << 0;
    QTest::newRow("overlong 4-byte") << QByteArray("\xF0\x80\x80\xAF") << 0;
    QTest::newRow("surrogate") << QByteArray("ab\xED\xA0\x80") << 2;
    QTest::newRow("above U+10FFFF") << QByteArray("\xF4\x90\x80\x80") << 0;
    QTest::newRow("F5 lead") << QByteArray("\xF5\x80\x80\x80") << 0;
    QTest::newRow("FF") << QByteArray(",\xFF\xFF\xFF\xFA") << 1;
    QTest::newRow("truncated 3-byte at end") << QByteArray("ok\xE2\x82") << 2;
    QTest::newRow("truncated 4-byte at end") << QByteArray("\xF0\x9F\x98") << 0;
}

void TestUtf8::firstInvalid()
{
    QFETCH(QByteArray, text);
    QFETCH(int, offset);
    const auto found = Utf8::firstInvalid(std::string_view(text.constData(), static_cast<std::size_t>(text.size())));
    if (offset < 0)
        QVERIFY2(!found, "valid text reported invalid");
    else {
        QVERIFY2(found, "invalid text accepted");
        QCOMPARE(*found, static_cast<std::size_t>(offset));
    }
}

// yaml-cpp 0.7 looped forever on this input; YamlDocument's UTF-8 check
// names the bad byte before the parser sees it.
void TestUtf8::configRefusesInvalidBytes()
{
    DiagnosticList diagnostics;
    QVERIFY(!ConfigFile::loadString(",\xff\xff\xff\xfa", diagnostics));
    QCOMPARE(diagnostics.format("c.yml"), std::string("c.yml:1:2: error: the file is not valid UTF-8 (byte 0xFF); save it as UTF-8\n"));

    DiagnosticList nul;
    QVERIFY(!ConfigFile::loadString(std::string("version: 3\nendpoints: []\n# x") + '\0' + "y\n", nul));
    QCOMPARE(nul.format("c.yml"), std::string("c.yml:3:4: error: the file contains a NUL byte; is it a binary file?\n"));
}

void TestUtf8::policyRefusesInvalidBytes()
{
    DiagnosticList diagnostics;
    QVERIFY(!PolicyParser::parse(std::string("on_http_request: []\n# caf\xe9\n"), diagnostics));
    QCOMPARE(diagnostics.format("p.yml"),
             std::string("p.yml:2:6: error: the policy is not valid UTF-8 (byte 0xE9); save it as UTF-8\n"));
}

QTEST_APPLESS_MAIN(TestUtf8)
#include "tst_utf8.moc"
