// SPDX-License-Identifier: Apache-2.0
// Parse trees in normalised s-expression form, and parse errors with columns.
#include <QObject>
#include <QTest>

#include "policy/cel/parser.h"

using namespace switchyard::cel;

class TestCelParser : public QObject
{
    Q_OBJECT

private slots:
    void parseTree_data();
    void parseTree();
    void parseError_data();
    void parseError();
    void nestingLimit();
    void lengthLimit();
    void operatorChainsAreNotNesting();
};

namespace {

void row(const char *expr, const char *tree)
{
    QTest::addRow("%s", expr) << QByteArray(expr) << QByteArray(tree);
}

int columnOf(const char *expr, const ExprError &e)
{
    return locate(expr, e.offset).column;
}

} // namespace

void TestCelParser::parseTree_data()
{
    QTest::addColumn<QByteArray>("expr");
    QTest::addColumn<QByteArray>("tree");

    // Precedence: ?: < || < && < relations < + - < * / % < unary < member
    row("1 + 2 * 3", "(_+_ 1 (_*_ 2 3))");
    row("(1 + 2) * 3", "(_*_ (_+_ 1 2) 3)");
    row("1 - 2 - 3", "(_-_ (_-_ 1 2) 3)");
    row("8 / 4 % 3", "(_%_ (_/_ 8 4) 3)");
    row("a || b && c", "(_||_ a (_&&_ b c))");
    row("a && b || c", "(_||_ (_&&_ a b) c)");
    row("a || b || c", "(_||_ (_||_ a b) c)");
    row("a == b && c != d", "(_&&_ (_==_ a b) (_!=_ c d))");
    row("a < b == c", "(_==_ (_<_ a b) c)");
    row("a + 1 < b * 2", "(_<_ (_+_ a 1) (_*_ b 2))");
    row("a <= b", "(_<=_ a b)");
    row("a >= b", "(_>=_ a b)");
    row("a > b", "(_>_ a b)");
    row("x in [1, 2]", "(@in x [1 2])");
    row("a ? b : c", "(_?_:_ a b c)");
    row("a ? b : c ? d : e", "(_?_:_ a b (_?_:_ c d e))");
    row("a || b ? c : d", "(_?_:_ (_||_ a b) c d)");
    row("!a", "(!_ a)");
    row("!!a", "(!_ (!_ a))");
    row("-a", "(-_ a)");
    row("--a", "(-_ (-_ a))");
    row("-1", "-1");
    row("--1", "(-_ -1)");
    row("-1.5", "-1.5");
    row("1 - -1", "(_-_ 1 -1)");
    row("-a.b", "(-_ (. a b))");
    row("!a.b()", "(!_ (.b a))");
    row("-9223372036854775808", "-9223372036854775808");
    // Literals
    row("0x1f", "31");
    row("7u", "7u");
    row("0x7U", "7u");
    row("1.0", "1.0");
    row("1e2", "100.0");
    row("2.5E-1", "0.25");
    row(".5", "0.5");
    row("'a'", "\"a\"");
    row("\"a\"", "\"a\"");
    row("'''a\nb'''", "\"a\\nb\"");
    row("r'\\d'", "\"\\\\d\"");
    row("b'\\x00'", "b\"\\x00\"");
    row("B'a'", "b\"a\"");
    row("rb'\\n'", "b\"\\\\n\"");
    row("Br'\\n'", "b\"\\\\n\"");
    row("'\\101'", "\"A\"");
    row("b'\\u00FF'", "b\"\\xc3\\xbf\"");
    row("true", "true");
    row("false", "false");
    row("null", "null");
    // Aggregates and members
    row("[]", "[]");
    row("[1, 2,]", "[1 2]");
    row("{}", "{}");
    row("{'a': 1, 'b': 2,}", "{\"a\": 1 \"b\": 2}");
    row("a.b.c", "(. (. a b) c)");
    row("a.if", "(. a if)");
    row("a.while()", "(.while a)");
    row("Msg{for: 1}", "Msg{for: 1}");
    row(".a.b", "(. a b)");
    row("a[0]", "(_[_] a 0)");
    row("a[0][1]", "(_[_] (_[_] a 0) 1)");
    row("a.b[c.d]", "(_[_] (. a b) (. c d))");
    row("f()", "(f)");
    row("f(1, 2)", "(f 1 2)");
    row("s.startsWith('x')", "(.startsWith s \"x\")");
    row("a.b.f(c)", "(.f (. a b) c)");
    row("base64.encode(x)", "(.encode base64 x)");
    row("[1][0].f()", "(.f (_[_] [1] 0))");
    row("Msg{a: 1}", "Msg{a: 1}");
    row("pkg.Msg{}", "pkg.Msg{}");
    // Macros
    row("has(a.b)", "(has a b)");
    row("has(a.b.c)", "(has (. a b) c)");
    row("l.all(x, x > 0)", "(all x l (_>_ x 0))");
    row("l.exists(x, x > 0)", "(exists x l (_>_ x 0))");
    row("l.exists_one(x, x > 0)", "(exists_one x l (_>_ x 0))");
    row("l.map(x, x * 2)", "(map x l (_*_ x 2))");
    row("l.map(x, x > 0, x * 2)", "(map x l (_>_ x 0) (_*_ x 2))");
    row("l.filter(x, x > 0)", "(filter x l (_>_ x 0))");
    row("l.map(x, l.filter(y, y > x))", "(map x l (filter y l (_>_ y x)))");
    row("l.all(x)", "(.all l x)");
    // Whitespace and comments
    row(" 1\t+\n2 ", "(_+_ 1 2)");
    row("1 // one\n+ 2", "(_+_ 1 2)");
}

void TestCelParser::parseTree()
{
    QFETCH(QByteArray, expr);
    QFETCH(QByteArray, tree);
    ParseResult r = parseExpression(expr.toStdString());
    QVERIFY2(r.ok(), r.error.message.c_str());
    QCOMPARE(QByteArray::fromStdString(toSExpression(*r.expr)), tree);
}

void TestCelParser::parseError_data()
{
    QTest::addColumn<QByteArray>("expr");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("message");

    auto err = [](const char *expr, int column, const char *message) {
        QTest::addRow("%s", expr) << QByteArray(expr) << column << QString(message);
    };
    err("", 1, "Syntax error: unexpected end of expression");
    err("1 +", 4, "Syntax error: unexpected end of expression");
    err("(1 + 2", 7, "Syntax error: missing ')' at end of expression");
    err("f(1, 2))", 8, "Syntax error: unexpected ')'");
    err("a.b + (c * d))", 14, "Syntax error: unexpected ')'");
    err("[1, 2", 6, "Syntax error: missing ']' at end of expression");
    err("{1: 2", 6, "Syntax error: missing '}' at end of expression");
    err("{1 2}", 4, "Syntax error: mismatched input '2' expecting ':'");
    err("a ? b", 6, "Syntax error: missing ':' at end of expression");
    err("1 = 2", 3, "Syntax error: token recognition error at: '='");
    err("a & b", 3, "Syntax error: token recognition error at: '&'");
    err("a | b", 3, "Syntax error: token recognition error at: '|'");
    err("'abc", 1, "Syntax error: unterminated string literal");
    err("'a\nb'", 1, "Syntax error: unterminated string literal");
    err("'''abc''", 1, "Syntax error: unterminated string literal");
    err("'\\q'", 2, "Syntax error: invalid escape sequence '\\q'");
    err("'\\x4'", 2, "Syntax error: invalid escape sequence");
    err("'\\ud800'", 2, "Syntax error: invalid unicode code point in escape sequence");
    err("'\\400'", 2, "Syntax error: invalid escape sequence '\\4'");
    err("'\\19'", 2, "Syntax error: invalid octal escape sequence");
    err("9223372036854775808", 1, "Syntax error: integer literal out of range");
    err("-9223372036854775809", 1, "Syntax error: integer literal out of range");
    err("18446744073709551616u", 1, "Syntax error: uint literal out of range");
    err("0x", 1, "Syntax error: invalid hex literal");
    err("1abc", 2, "Syntax error: invalid number suffix");
    err("if", 1, "Syntax error: reserved word 'if' cannot be used as an identifier");
    err("while.a", 1, "Syntax error: reserved word 'while' cannot be used as an identifier");
    err("var + 1", 1, "Syntax error: reserved word 'var' cannot be used as an identifier");
    err("package", 1, "Syntax error: reserved word 'package' cannot be used as an identifier");
    err("a.", 3, "Syntax error: unexpected end of expression");
    err("a.1", 2, "Syntax error: unexpected '.1'");
    err("has(a)", 5, "invalid argument to has() macro");
    err("has(1 + 2)", 7, "invalid argument to has() macro");
    err("l.all(1, true)", 7, "argument is not an identifier");
    err("l.map(x.y, 1)", 8, "argument is not an identifier");
    err("f(1,)", 5, "Syntax error: unexpected ')'");
    err("[,]", 2, "Syntax error: unexpected ','");
    err("#", 1, "Syntax error: token recognition error at: '#'");
    err("x é", 3, "Syntax error: token recognition error at: 'é'");
    err("é + #", 1, "Syntax error: token recognition error at: 'é'");
    err("1 +\n  )", 3, "Syntax error: unexpected ')'");
}

void TestCelParser::parseError()
{
    QFETCH(QByteArray, expr);
    QFETCH(int, column);
    QFETCH(QString, message);
    ParseResult r = parseExpression(expr.toStdString());
    QVERIFY(!r.ok());
    QCOMPARE(QString::fromStdString(r.error.message), message);
    QCOMPARE(columnOf(expr.constData(), r.error), column);
}

void TestCelParser::nestingLimit()
{
    const std::string ok = std::string(99, '(') + "1" + std::string(99, ')');
    QVERIFY(parseExpression(ok).ok());
    const std::string deep = std::string(101, '(') + "1" + std::string(101, ')');
    ParseResult r = parseExpression(deep);
    QVERIFY(!r.ok());
    QCOMPARE(QString::fromStdString(r.error.message), QString("expression nests too deeply (limit 100)"));
    const std::string lists = std::string(150, '[') + std::string(150, ']');
    QVERIFY(!parseExpression(lists).ok());
    // The cel-spec "must support" depths.
    QVERIFY(parseExpression("a[a[a[a[a[a[a[a[a[a[a[a[0]]]]]]]]]]]]").ok());
    QVERIFY(parseExpression(std::string(32, '(') + "7" + std::string(32, ')')).ok());
    QVERIFY(parseExpression(std::string(32, '!') + "true").ok());
}

void TestCelParser::lengthLimit()
{
    ParseLimits limits;
    limits.maxLength = 10;
    ParseResult r = Parser("1 + 2 + 3 + 4", limits).parse();
    QVERIFY(!r.ok());
    QVERIFY(r.error.message.starts_with("expression is too long"));
}

void TestCelParser::operatorChainsAreNotNesting()
{
    std::string chain = "1";
    for (int i = 0; i < 500; ++i)
        chain += " + 1";
    QVERIFY(parseExpression(chain).ok());
    for (int i = 0; i < 600; ++i)
        chain += " + 1";
    ParseResult r = parseExpression(chain);
    QVERIFY(!r.ok());
    QCOMPARE(QString::fromStdString(r.error.message), QString("expression nests too deeply (limit 1000)"));
}

QTEST_APPLESS_MAIN(TestCelParser)
#include "tst_celparser.moc"
