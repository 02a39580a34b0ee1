// SPDX-License-Identifier: Apache-2.0
// restrict-ips decisions: allow and deny lists, v4/v6, mapped addresses.
#include <QObject>
#include <QTest>

#include "policy/runtime/iprestriction.h"

using namespace switchyard;

class TestIpRestriction : public QObject
{
    Q_OBJECT

private slots:
    void allowAndDeny_data();
    void allowAndDeny();
    void denyOnly();
    void allowOnly();
    void invalidCidr();
};

void TestIpRestriction::allowAndDeny_data()
{
    QTest::addColumn<QString>("ip");
    QTest::addColumn<bool>("allowed");
    QTest::addColumn<QString>("matched");
    QTest::newRow("in allow") << "10.2.3.4" << true << "10.0.0.0/8";
    QTest::newRow("deny beats allow") << "10.1.2.3" << false << "10.1.0.0/16";
    QTest::newRow("in neither") << "192.168.1.1" << false << "";
    QTest::newRow("v4 mapped v6") << "::ffff:10.2.3.4" << true << "10.0.0.0/8";
    QTest::newRow("v4 mapped v6 denied") << "::ffff:10.1.0.1" << false << "10.1.0.0/16";
    QTest::newRow("bracketed v6") << "[2001:db8::1]" << true << "2001:db8::/32";
    QTest::newRow("v6 denied host") << "2001:db8::dead" << false << "2001:db8::dead";
    QTest::newRow("v6 outside") << "2001:db9::1" << false << "";
    QTest::newRow("zone id") << "fe80::1%eth0" << false << "";
    QTest::newRow("single host allow") << "203.0.113.7" << true << "203.0.113.7";
    QTest::newRow("garbage") << "not-an-ip" << false << "";
    QTest::newRow("empty") << "" << false << "";
    QTest::newRow("v4 with port is not an address") << "10.2.3.4:80" << false << "";
}

void TestIpRestriction::allowAndDeny()
{
    QFETCH(QString, ip);
    QFETCH(bool, allowed);
    QFETCH(QString, matched);
    auto r = IpRestriction::create({"10.0.0.0/8", "2001:db8::/32", "203.0.113.7"}, {"10.1.0.0/16", "2001:db8::dead"});
    QVERIFY2(r.ok(), r.ok() ? "" : r.message().c_str());
    const auto d = r->check(ip.toStdString());
    QCOMPARE(d.allowed, allowed);
    QCOMPARE(QString::fromStdString(d.matchedCidr), matched);
}

void TestIpRestriction::denyOnly()
{
    auto r = IpRestriction::create({}, {"192.0.2.0/24"});
    QVERIFY(r.ok());
    QCOMPARE(r->check("192.0.2.5").allowed, false);
    QCOMPARE(r->check("192.0.2.5").matchedCidr, std::string("192.0.2.0/24"));
    QCOMPARE(r->check("8.8.8.8").allowed, true);
    QCOMPARE(r->check("::1").allowed, true);
}

void TestIpRestriction::allowOnly()
{
    auto r = IpRestriction::create({"127.0.0.1/32", "::1"}, {});
    QVERIFY(r.ok());
    QCOMPARE(r->check("127.0.0.1").allowed, true);
    QCOMPARE(r->check("::1").allowed, true);
    QCOMPARE(r->check("127.0.0.2").allowed, false);
}

void TestIpRestriction::invalidCidr()
{
    auto r = IpRestriction::create({"10.0.0.0/33"}, {});
    QVERIFY(!r.ok());
    QCOMPARE(r.message(), std::string("'10.0.0.0/33' is not an IP address or CIDR block"));
    QVERIFY(!IpRestriction::create({}, {"banana"}).ok());
}

QTEST_GUILESS_MAIN(TestIpRestriction)
#include "tst_iprestriction.moc"
