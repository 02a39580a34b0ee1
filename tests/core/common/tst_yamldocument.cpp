// SPDX-License-Identifier: Apache-2.0
// YamlDocument: the libyaml-based reader of untrusted YAML. The tree and its
// marks, the diagnostics and their positions, the limits, and the inputs
// that hung yaml-cpp 0.7 (each must now end in a plain syntax error).
#include "common/yamldocument.h"
#include "control/configfile.h"
#include "policy/policyparser.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTest>

using namespace switchyard;

class TestYamlDocument : public QObject
{
    Q_OBJECT

private slots:
    void treeAndMarks();
    void marksCountBytes();
    void nullsTagsAndStyles();
    void aliasesAreCopies();
    void diagnostics_data();
    void diagnostics();
    void limits();
    void offsetsMoveDiagnostics();
    void flowTextReadsBack();
    void formerYamlCppHangs_data();
    void formerYamlCppHangs();
    void hangCorpusEndsInErrors();
};

namespace {

QString mark(const YamlNode::Mark &m)
{
    return QString("%1:%2@%3").arg(m.line).arg(m.column).arg(m.offset);
}

YamlDocument parse(const std::string &text, YamlDocument::Options options = {})
{
    return YamlDocument(text, options);
}

QByteArray fromHex(const char *hex)
{
    return QByteArray::fromHex(hex);
}

} // namespace

void TestYamlDocument::treeAndMarks()
{
    const YamlDocument doc = parse("# c\nb: 1\na:\n  - x\n  - {k: v}\n");
    QVERIFY(doc.diagnostics().empty());
    QVERIFY(doc.root());
    const YamlNode &root = *doc.root();
    QVERIFY(root.isMapping());
    QCOMPARE(root.style(), YamlNode::Style::Block);
    QCOMPARE(root.size(), std::size_t(2));
    QCOMPARE(root.key(0).scalar(), std::string("b")); // document order, not sorted
    QCOMPARE(root.key(1).scalar(), std::string("a"));
    QCOMPARE(mark(root.start()), QString("2:1@4"));
    QCOMPARE(mark(root.key(1).start()), QString("3:1@9"));
    const YamlNode &list = root.value(1);
    QVERIFY(list.isSequence());
    QCOMPARE(mark(list.start()), QString("4:3@14"));
    QCOMPARE(mark(list.item(0).start()), QString("4:5@16"));
    QCOMPARE(mark(list.item(0).end()), QString("4:6@17"));
    const YamlNode &flow = list.item(1);
    QCOMPARE(flow.style(), YamlNode::Style::Flow);
    QCOMPARE(mark(flow.start()), QString("5:5@22"));
    QCOMPARE(mark(flow.end()), QString("5:11@28"));
    QCOMPARE(flow.find("k")->scalar(), std::string("v"));
    QVERIFY(!flow.find("v"));
    QCOMPARE(root.nodeCount(), 9);
}

void TestYamlDocument::marksCountBytes()
{
    // libyaml counts characters; positions count bytes, like SourcePosition.
    const YamlDocument utf8 = parse("a: {\xC3\xA9: 1, b: 2}");
    const YamlNode &inner = utf8.root()->value(0);
    QCOMPARE(mark(inner.key(1).start()), QString("1:12@11"));
    QCOMPARE(mark(inner.value(1).start()), QString("1:15@14"));
    // A byte order mark is not counted by libyaml but is by positions.
    const YamlDocument bom = parse("\xEF\xBB\xBF" "a: 1");
    QCOMPARE(mark(bom.root()->key(0).start()), QString("1:4@3"));
    const YamlDocument crlf = parse("a: 1\r\nb: 2\r\n");
    QCOMPARE(mark(crlf.root()->key(1).start()), QString("2:1@6"));
    QCOMPARE(mark(crlf.root()->value(1).start()), QString("2:4@9"));
}

void TestYamlDocument::nullsTagsAndStyles()
{
    const YamlDocument doc = parse("a:\nb: ~\nc: null\nd: ''\ne: !!str 3\nf: |\n  x\ng: >-\n  y\nh: \"z\"\n");
    const YamlNode &r = *doc.root();
    QVERIFY(r.find("a")->isNull());
    QVERIFY(r.find("b")->isNull());
    QVERIFY(r.find("c")->isNull());
    QVERIFY(r.find("d")->isScalar());
    QCOMPARE(r.find("d")->style(), YamlNode::Style::SingleQuoted);
    QCOMPARE(r.find("e")->tag(), std::string("tag:yaml.org,2002:str"));
    QCOMPARE(r.find("e")->scalar(), std::string("3"));
    QCOMPARE(r.find("f")->style(), YamlNode::Style::Literal);
    QCOMPARE(r.find("f")->scalar(), std::string("x\n"));
    QCOMPARE(r.find("g")->style(), YamlNode::Style::Folded);
    QCOMPARE(r.find("h")->style(), YamlNode::Style::DoubleQuoted);
    QCOMPARE(r.find("h")->position().length, 3);
    // An empty value is marked right after its key's colon.
    QCOMPARE(mark(r.find("a")->start()), QString("1:3@2"));

    const YamlDocument empty = parse("# only a comment\n");
    QVERIFY(empty.root() && empty.root()->isNull());
    QVERIFY(!empty.root()->start().known());
    QVERIFY(empty.diagnostics().empty());
}

void TestYamlDocument::aliasesAreCopies()
{
    const YamlDocument doc = parse("a: &x [1, 2]\nb: *x\n");
    QVERIFY(doc.diagnostics().empty());
    const YamlNode &b = doc.root()->value(1);
    QVERIFY(b.isSequence());
    QCOMPARE(b.size(), std::size_t(2));
    QCOMPARE(mark(b.start()), QString("1:4@3")); // where the anchored node is
}

void TestYamlDocument::diagnostics_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<bool>("hasRoot");

    QTest::newRow("duplicate key") << QByteArray("a:\n  b: 1\n  b: 2\n  c: [x]\n")
                                   << "t:3:3: error: duplicate key 'b'; it is already set on line 2\n" << true;
    QTest::newRow("duplicate in flow") << QByteArray("{x: 1, y: 2, x: 3}")
                                       << "t:1:14: error: duplicate key 'x'; it is already set on line 1\n" << true;
    QTest::newRow("second document") << QByteArray("a: 1\n---\nb: 2\n")
                                     << "t:3:1: error: the text holds more than one YAML document\n" << true;
    QTest::newRow("syntax error with context")
        << QByteArray("a:\n  b: {x: 1\nc: 2\n")
        << "t:3:2: error: YAML syntax error: did not find expected ',' or '}' (while parsing a flow mapping that "
           "starts on line 2)\n"
        << false;
    QTest::newRow("bad indentation") << QByteArray("a:\n  - b\n c: 1\n")
                                     << "t:3:2: error: YAML syntax error: did not find expected key (while parsing a "
                                        "block mapping that starts on line 1)\n"
                                     << false;
    QTest::newRow("undefined alias") << QByteArray("a: *y\n")
                                     << "t:1:4: error: YAML syntax error: alias '*y' has no anchor '&y' before it\n"
                                     << false;
    QTest::newRow("alias to itself") << QByteArray("a: &x [*x]\n")
                                     << "t:1:8: error: YAML syntax error: alias '*x' has no anchor '&x' before it\n"
                                     << false;
    QTest::newRow("NUL") << QByteArray("a: 1\n#\0x\n", 9) << "t:2:2: error: the text contains a NUL byte; is it a binary file?\n"
                         << false;
    QTest::newRow("invalid UTF-8") << QByteArray("a: caf\xE9\n")
                                   << "t:1:7: error: the text is not valid UTF-8 (byte 0xE9); save it as UTF-8\n"
                                   << false;
    QTest::newRow("control character") << QByteArray("a: \x01\n")
                                       << "t:1:4: error: YAML syntax error: control characters are not allowed\n"
                                       << false;
    QTest::newRow("tab, parser gives up") << QByteArray("a:\n\tb: 1\n")
                                          << "t:2:1: error: tab character in indentation; YAML must be indented with "
                                             "spaces\n"
                                          << false;
    QTest::newRow("tab, parser gets past it")
        << QByteArray("- [a,\n\tb]\n") << "t:2:1: error: tab character in indentation; YAML must be indented with spaces\n"
        << true;
    QTest::newRow("error before the tab") << QByteArray("a: [\nb: }\n\tc: 1\n")
                                          << "t:3:1: error: tab character in indentation; YAML must be indented with "
                                             "spaces\nt:2:4: error: YAML syntax error: did not find expected node "
                                             "content\n"
                                          << false;
    QTest::newRow("tab inside a block scalar") << QByteArray("a: |\n  x\n  \ty\n") << "" << true;
    QTest::newRow("empty") << QByteArray("") << "" << true;
    QTest::newRow("document marker only") << QByteArray("---\n") << "" << true;
}

void TestYamlDocument::diagnostics()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, expected);
    QFETCH(bool, hasRoot);
    const YamlDocument doc = parse(text.toStdString());
    QCOMPARE(QString::fromStdString(doc.diagnostics().format("t")), expected);
    QCOMPARE(doc.root().has_value(), hasRoot);
}

void TestYamlDocument::limits()
{
    YamlDocument::Options options;
    options.maxDepth = 3;
    options.maxNodes = 50;
    options.maxBytes = 100;
    options.maxExpandedBytes = 200;
    options.pathPrefix = "p";

    const YamlDocument deep = parse("a: [[[[x]]]]", options);
    QVERIFY(!deep.root());
    QCOMPARE(QString::fromStdString(deep.diagnostics().format("t")), QString("t:1:7: error: the text nests more than 3 levels deep\n"));
    QCOMPARE(deep.diagnostics().items().front().path, std::string("p.a[0][0][0]"));
    QVERIFY(parse("a: [[[x]]]", options).root());

    const YamlDocument bomb = parse("a: &a [x, x, x, x, x]\nb: &b [*a, *a, *a, *a]\nc: [*b, *b, *b]\n", options);
    QVERIFY(!bomb.root());
    QCOMPARE(QString::fromStdString(bomb.diagnostics().format("t")), QString("t:2:4: error: the text has more than 50 values (are aliases expanding it?)\n"));

    const YamlDocument wide = parse("a: &a xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nb: [*a, *a, *a, *a, *a]\n", options);
    QVERIFY(!wide.root());
    QCOMPARE(QString::fromStdString(wide.diagnostics().format("t")), QString("t:2:13: error: the text expands to more than 200 bytes of text (are aliases expanding it?)\n"));

    const YamlDocument big = parse("a: " + std::string(100, 'x'), options);
    QVERIFY(!big.root());
    QCOMPARE(QString::fromStdString(big.diagnostics().format("t")), QString("t: error: the text is larger than the limit of 100 bytes\n"));

    // Depth costs no recursion: a nesting far past the default limit is
    // refused quickly and without a crash.
    const std::string veryDeep(200000, '[');
    QElapsedTimer timer;
    timer.start();
    const YamlDocument refused = parse(veryDeep);
    QVERIFY(!refused.root());
    QCOMPARE(QString::fromStdString(refused.diagnostics().format("t")), QString("t:1:66: error: the text nests more than 64 levels deep\n"));
    QVERIFY(timer.elapsed() < 2000);
}

void TestYamlDocument::offsetsMoveDiagnostics()
{
    YamlDocument::Options options;
    options.lineOffset = 10;
    options.columnOffset = 4;
    const YamlDocument doc = parse("a: 1\na: 2\n", options);
    QCOMPARE(QString::fromStdString(doc.diagnostics().format("t")), QString("t:12:5: error: duplicate key 'a'; it is already set on line 11\n"));
    QCOMPARE(mark(doc.root()->key(0).start()), QString("1:1@0")); // the tree stays local
}

void TestYamlDocument::flowTextReadsBack()
{
    const std::string text = "a: ['', 'null', '3', x y, \"q\\\"\", -, -1, 'true', yes, 'a b', \"\\t\", plain]\n"
                             "b: {c: ~, d: \"two\\nlines\\n\", e: !!str 5, f: [[x]]}\n";
    const YamlDocument doc = parse(text);
    QVERIFY(doc.diagnostics().empty());
    const std::string flow = doc.root()->toFlowText();
    QCOMPARE(flow, std::string("{a: [\"\", \"null\", \"3\", \"x y\", \"q\\\"\", \"-\", -1, \"true\", yes, \"a b\", \"\\t\", "
                               "plain], b: {c: null, d: \"two\\nlines\\n\", e: \"5\", f: [[x]]}}"));
    const YamlDocument again = parse(flow);
    QVERIFY(again.diagnostics().empty());
    QCOMPARE(again.root()->toFlowText(), flow);
}

// The inputs yaml-cpp 0.7 never returned on (a ',' opening a node in block
// context, found by the policy fuzzer). Pre-checks used to refuse them;
// libyaml reports them at the same place.
void TestYamlDocument::formerYamlCppHangs_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expected"); // "line:column" of the syntax error, or empty

    QTest::newRow("only comma") << QByteArray(",") << "1:1";
    QTest::newRow("after document marker") << QByteArray("a: 1\n---\n,") << "3:1";
    QTest::newRow("indented after comment") << QByteArray("# c\n  ,") << "2:3";
    QTest::newRow("after tag") << QByteArray("!tag ,") << "1:6";
    QTest::newRow("after anchor") << QByteArray("&a ,") << "1:4";
    QTest::newRow("tag ended by the comma") << QByteArray("!,  !2") << "1:2";
    QTest::newRow("after a closed flow map") << QByteArray("{a: 1}, b") << "1:7";
    QTest::newRow("inside a flow list is fine") << QByteArray("[{a: 1}, b]") << "";
    QTest::newRow("after a quoted key") << QByteArray("\"on\n hello\", x") << "2:8";
    QTest::newRow("quoted item in a flow list") << QByteArray("[\"a\", b]") << "";
    QTest::newRow("after a byte order mark") << QByteArray("\xEF\xBB\xBF,") << "1:4";
    QTest::newRow("after sequence") << QByteArray("- a\n,") << "2:1";
    QTest::newRow("flow list continuation") << QByteArray("a: [1\n, 2]") << "";
    QTest::newRow("flow map continuation") << QByteArray("a: {x: 1\n , y: 2}") << "";
    QTest::newRow("block scalar text") << QByteArray("a: |\n  ,text\nb: 1") << "";
    QTest::newRow("double-quoted continuation") << QByteArray("a: \"x\n , y\"") << "";
    QTest::newRow("single-quoted with escaped quote") << QByteArray("a: 'it''s\n ,b'") << "";
    QTest::newRow("comma in a value") << QByteArray("a: x, y\n") << "";
    QTest::newRow("bracket in a comment") << QByteArray("a: 1 # [\n,") << "2:1";
    // Found by the policy fuzzer after the comma pre-checks were in place.
    QTest::newRow("comma after flow map, brief")
        << fromHex("7b0a74696f6e73223a6973732274797065223b202764656e79227d2c597d0a20205d0a20227d0a") << "2:26";
}

void TestYamlDocument::formerYamlCppHangs()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, expected);
    const YamlDocument doc = parse(text.toStdString());
    if (expected.isEmpty()) {
        QVERIFY2(doc.diagnostics().empty(), doc.diagnostics().format("t").c_str());
        QVERIFY(doc.root());
        return;
    }
    QVERIFY(!doc.root());
    QCOMPARE(doc.diagnostics().size(), std::size_t(1));
    const Diagnostic &d = doc.diagnostics().items().front();
    QVERIFY2(d.message.starts_with("YAML syntax error: "), d.message.c_str());
    QCOMPARE(QString("%1:%2").arg(d.position.line).arg(d.position.column), expected);

    // The same through both real readers.
    DiagnosticList config;
    QVERIFY(!ConfigFile::loadString(text.toStdString(), config));
    QVERIFY(config.hasErrors());
    DiagnosticList policy;
    QVERIFY(!PolicyParser::parse(text.toStdString(), policy));
    QVERIFY(policy.hasErrors());
}

// Every input of the policy seed corpus that once hung the parser.
void TestYamlDocument::hangCorpusEndsInErrors()
{
    const QDir corpus(QStringLiteral(SWITCHYARD_TEST_DATA_DIR "/../fuzz/corpus/policy"));
    const QStringList files = corpus.entryList({"*hang*"}, QDir::Files);
    QVERIFY(files.size() >= 7);
    for (const QString &name : files) {
        QFile file(corpus.filePath(name));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const std::string text = file.readAll().toStdString();
        QElapsedTimer timer;
        timer.start();
        DiagnosticList policy;
        QVERIFY2(!PolicyParser::parse(text, policy), qPrintable(name));
        QVERIFY2(policy.hasErrors(), qPrintable(name));
        DiagnosticList config;
        QVERIFY2(!ConfigFile::loadString(text, config), qPrintable(name));
        QVERIFY2(config.hasErrors(), qPrintable(name));
        QVERIFY2(timer.elapsed() < 2000, qPrintable(name));
    }
}

QTEST_APPLESS_MAIN(TestYamlDocument)
#include "tst_yamldocument.moc"
