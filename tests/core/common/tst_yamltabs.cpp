// SPDX-License-Identifier: Apache-2.0
#include "common/yamltabs.h"
#include "control/configfile.h"

#include <QTest>

using namespace switchyard;

class TestYamlTabs : public QObject
{
    Q_OBJECT

private slots:
    void tabs_data();
    void tabs();
    void strayComma_data();
    void strayComma();
    void configDoesNotHangOnLeadingComma();
};

void TestYamlTabs::tabs_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("found"); // "line:column;…" 0-based

    QTest::newRow("none") << QByteArray("a:\n  b: 1\n") << "";
    QTest::newRow("tab indent") << QByteArray("a:\n\tb: 1\n") << "1:0;";
    QTest::newRow("space then tab") << QByteArray("a:\n  \tb: 1\n") << "1:2;";
    QTest::newRow("tab inside value") << QByteArray("a: x\ty\n") << "";
    QTest::newRow("comment line") << QByteArray("a: 1\n\t# note\n") << "";
    QTest::newRow("block scalar text") << QByteArray("a: |\n  x\n  \ty\nb:\n\tc: 1\n") << "4:0;";
}

void TestYamlTabs::tabs()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, found);
    QString actual;
    for (const auto &p : YamlTabs::find(text.toStdString()))
        actual += QString("%1:%2;").arg(p.line).arg(p.column);
    QCOMPARE(actual, found);
}

void TestYamlTabs::strayComma_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("found"); // "line:column" 0-based, or empty

    QTest::newRow("only comma") << QByteArray(",") << "0:0";
    QTest::newRow("after document marker") << QByteArray("a: 1\n---\n,") << "2:0";
    QTest::newRow("indented after comment") << QByteArray("# c\n  ,") << "1:2";
    QTest::newRow("after tag") << QByteArray("!tag ,") << "0:5";
    QTest::newRow("after anchor") << QByteArray("&a ,") << "0:3";
    QTest::newRow("tag ended by the comma") << QByteArray("!,  !2") << "0:1";
    QTest::newRow("after a closed flow map") << QByteArray("{a: 1}, b") << "0:6";
    QTest::newRow("inside a flow list is fine") << QByteArray("[{a: 1}, b]") << "";
    QTest::newRow("after a quoted key") << QByteArray("\"on\n hello\", x") << "1:7";
    QTest::newRow("quoted item in a flow list") << QByteArray("[\"a\", b]") << "";
    QTest::newRow("after a byte order mark") << QByteArray("\xEF\xBB\xBF,") << "0:3";
    QTest::newRow("after sequence") << QByteArray("- a\n,") << "1:0";
    QTest::newRow("flow list continuation") << QByteArray("a: [1\n, 2]") << "";
    QTest::newRow("flow map continuation") << QByteArray("a: {x: 1\n , y: 2}") << "";
    QTest::newRow("block scalar text") << QByteArray("a: |\n  ,text\nb: 1") << "";
    QTest::newRow("double-quoted continuation") << QByteArray("a: \"x\n , y\"") << "";
    QTest::newRow("single-quoted with escaped quote") << QByteArray("a: 'it''s\n ,b'") << "";
    QTest::newRow("comma in a value") << QByteArray("a: x, y\n") << "";
    QTest::newRow("bracket in a comment") << QByteArray("a: 1 # [\n,") << "1:0";
}

void TestYamlTabs::strayComma()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, found);
    const auto p = YamlTabs::findStrayComma(text.toStdString());
    QCOMPARE(p ? QString("%1:%2").arg(p->line).arg(p->column) : QString(), found);
}

// yaml-cpp 0.7 never returns on these inputs; without the check this test
// hangs until ctest's timeout.
void TestYamlTabs::configDoesNotHangOnLeadingComma()
{
    for (const char *text : {",", "- a\n,", "!tag ,"}) {
        DiagnosticList diagnostics;
        QVERIFY(!ConfigFile::loadString(text, diagnostics));
        QVERIFY2(diagnostics.format("c.yml").find("unexpected ','") != std::string::npos, text);
    }
}

QTEST_APPLESS_MAIN(TestYamlTabs)
#include "tst_yamltabs.moc"
