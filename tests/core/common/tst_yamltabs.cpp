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

// yaml-cpp 0.7 never returned on these inputs (a pre-check refused them);
// libyaml reports a syntax error. tst_yamldocument has the full list.
void TestYamlTabs::configDoesNotHangOnLeadingComma()
{
    for (const char *text : {",", "- a\n,", "!tag ,"}) {
        DiagnosticList diagnostics;
        QVERIFY(!ConfigFile::loadString(text, diagnostics));
        QVERIFY2(diagnostics.format("c.yml").find(": error: YAML syntax error: ") != std::string::npos, text);
    }
}

QTEST_APPLESS_MAIN(TestYamlTabs)
#include "tst_yamltabs.moc"
