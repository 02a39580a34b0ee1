// SPDX-License-Identifier: Apache-2.0
// body find-replace: Go's ReplaceAllString/Expand semantics (vectors from
// the Go regexp documentation), ordering, and the size cap.
#include <QObject>
#include <QTest>

#include "policy/runtime/bodyfindreplace.h"

using namespace switchyard;

class TestBodyFindReplace : public QObject
{
    Q_OBJECT

private slots:
    void goSemantics_data();
    void goSemantics();
    void appliedInOrder();
    void unchanged();
    void inputOverCap();
    void outputOverCap();
    void invalidPattern();
};

void TestBodyFindReplace::goSemantics_data()
{
    QTest::addColumn<QString>("from");
    QTest::addColumn<QString>("to");
    QTest::addColumn<QString>("body");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<int>("count");
    // regexp.ReplaceAllString examples from the Go documentation.
    QTest::newRow("literal") << "a(x*)b" << "T" << "-ab-axxb-" << "-T-T-" << 2;
    QTest::newRow("group") << "a(x*)b" << "$1" << "-ab-axxb-" << "--xx-" << 2;
    QTest::newRow("group name swallows letters") << "a(x*)b" << "$1W" << "-ab-axxb-" << "---" << 2;
    QTest::newRow("braced group") << "a(x*)b" << "${1}W" << "-ab-axxb-" << "-W-xxW-" << 2;
    QTest::newRow("named groups") << "(?P<first>\\w+)\\s(?P<last>\\w+)" << "${last} ${first}" << "Alan Turing"
                                  << "Turing Alan" << 1;
    QTest::newRow("named without braces") << "(?P<word>[a-z]+)" << "<$word>" << "ab 12 cd" << "<ab> 12 <cd>" << 2;
    QTest::newRow("dollar dollar") << "price" << "$$5" << "the price" << "the $5" << 1;
    QTest::newRow("lone dollar") << "x" << "$" << "axb" << "a$b" << 1;
    QTest::newRow("unknown group") << "(a)" << "[$7]" << "bab" << "b[]b" << 1;
    QTest::newRow("empty matches") << "a*" << "X" << "baaac" << "XbXcX" << 3;
    QTest::newRow("empty matches over UTF-8") << "x*" << "-" << "\xc3\xa9" << "-\xc3\xa9-" << 2;
    QTest::newRow("delete") << "secret-[0-9]+" << "" << "a secret-123 b secret-4" << "a  b " << 2;
    QTest::newRow("anchor only at start") << "^a" << "X" << "aaa" << "Xaa" << 1;
    QTest::newRow("multiline flag") << "(?m)^a" << "X" << "ab\nab" << "Xb\nXb" << 2;
}

void TestBodyFindReplace::goSemantics()
{
    QFETCH(QString, from);
    QFETCH(QString, to);
    QFETCH(QString, body);
    QFETCH(QString, expected);
    QFETCH(int, count);
    auto r = BodyFindReplace::create({{from.toStdString(), to.toStdString()}});
    QVERIFY2(r.ok(), r.ok() ? "" : r.message().c_str());
    const auto outcome = r->apply(body.toStdString());
    QCOMPARE(outcome.status, BodyFindReplace::Status::Replaced);
    QCOMPARE(QString::fromStdString(outcome.body), expected);
    QCOMPARE(outcome.replacements, std::size_t(count));
}

void TestBodyFindReplace::appliedInOrder()
{
    auto r = BodyFindReplace::create({{"foo", "bar"}, {"bar", "baz"}});
    QVERIFY(r.ok());
    const auto outcome = r->apply("foo bar");
    QCOMPARE(outcome.body, std::string("baz baz"));
    QCOMPARE(outcome.replacements, std::size_t(3));
}

void TestBodyFindReplace::unchanged()
{
    auto r = BodyFindReplace::create({{"absent", "x"}});
    QVERIFY(r.ok());
    const auto outcome = r->apply("nothing to see");
    QCOMPARE(outcome.status, BodyFindReplace::Status::Unchanged);
    QCOMPARE(outcome.replacements, std::size_t(0));
    QVERIFY(outcome.body.empty());
}

void TestBodyFindReplace::inputOverCap()
{
    auto r = BodyFindReplace::create({{"a", "b"}}, 10);
    QVERIFY(r.ok());
    QCOMPARE(r->maxBodyBytes(), std::size_t(10));
    QCOMPARE(r->apply("aaaaaaaaaa").status, BodyFindReplace::Status::Replaced);
    const auto outcome = r->apply("aaaaaaaaaaa");
    QCOMPARE(outcome.status, BodyFindReplace::Status::TooLarge);
    QCOMPARE(outcome.message,
             std::string("body of 11 bytes exceeds the find-replace limit of 10 bytes; forwarded unchanged"));
    QVERIFY(outcome.body.empty());
}

void TestBodyFindReplace::outputOverCap()
{
    auto r = BodyFindReplace::create({{"a", "bbb"}}, 10);
    QVERIFY(r.ok());
    const auto outcome = r->apply("aaaaa");
    QCOMPARE(outcome.status, BodyFindReplace::Status::TooLarge);
    QCOMPARE(outcome.replacements, std::size_t(0));
    QCOMPARE(outcome.message, std::string("the rewritten body exceeds the find-replace limit of 10 bytes; forwarded unchanged"));
}

void TestBodyFindReplace::invalidPattern()
{
    auto r = BodyFindReplace::create({{"ok", "x"}, {"(unclosed", "y"}});
    QVERIFY(!r.ok());
    QVERIFY(r.message().starts_with("invalid regular expression '(unclosed': "));
    QVERIFY(!BodyFindReplace::create({}).ok());
    QVERIFY(!BodyFindReplace::create({{"(?<=x)a", "b"}}).ok()); // no look-behind in RE2
}

QTEST_GUILESS_MAIN(TestBodyFindReplace)
#include "tst_bodyfindreplace.moc"
