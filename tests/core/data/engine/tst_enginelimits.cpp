// SPDX-License-Identifier: Apache-2.0
#include "data/engine/enginelimits.h"

#include <QTest>

using namespace switchyard;

class TestEngineLimits : public QObject
{
    Q_OBJECT

private slots:
    void defaults();
    void durations_data();
    void durations();
    void sizes();
    void errors_data();
    void errors();
    void everyKeyIsSettable();
    void canonicalValues();
    void changedKeys();
    void liveKeys();
};

void TestEngineLimits::defaults()
{
    const EngineLimits limits;
    QCOMPARE(limits.headerReadTimeout, EngineLimits::Duration(10'000));
    QCOMPARE(limits.bodyReadTimeout, EngineLimits::Duration(60'000));
    QCOMPARE(limits.idleTimeout, EngineLimits::Duration(75'000));
    QCOMPARE(limits.upstreamConnectTimeout, EngineLimits::Duration(5'000));
    QCOMPARE(limits.upstreamResponseTimeout, EngineLimits::Duration(60'000));
    QCOMPARE(limits.maxConnections, std::size_t(16384));
    QCOMPARE(limits.http.maxHeadSize, std::size_t(64 * 1024));
    QCOMPARE(limits.http.maxHeaderCount, std::size_t(100));
}

void TestEngineLimits::durations_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("ms");
    QTest::newRow("seconds") << "10s" << qint64(10'000);
    QTest::newRow("bare number is seconds") << "3" << qint64(3'000);
    QTest::newRow("ms") << "250ms" << qint64(250);
    QTest::newRow("minutes") << "5m" << qint64(300'000);
    QTest::newRow("hours") << "1h" << qint64(3'600'000);
    QTest::newRow("zero turns off") << "0" << qint64(0);
}

void TestEngineLimits::durations()
{
    QFETCH(QString, text);
    QFETCH(qint64, ms);
    EngineLimits limits;
    QVERIFY(limits.set("idle_timeout", text.toStdString()));
    QCOMPARE(static_cast<qint64>(limits.idleTimeout.count()), ms);
}

void TestEngineLimits::sizes()
{
    EngineLimits limits;
    QVERIFY(limits.set("max_body_size", "10MiB"));
    QCOMPARE(limits.http.maxBodySize, std::uint64_t(10 * 1024 * 1024));
    QVERIFY(limits.set("max_header_size", "32KiB"));
    QCOMPARE(limits.http.maxHeadSize, std::size_t(32 * 1024));
    QVERIFY(limits.set("max_policy_body_size", "64KiB"));
    QCOMPARE(limits.maxPolicyBodySize, std::size_t(64 * 1024));
    QCOMPARE(EngineLimits().maxPolicyBodySize, std::size_t(1024 * 1024));
    QVERIFY(limits.set("max_connections", "100"));
    QCOMPARE(limits.maxConnections, std::size_t(100));
    QVERIFY(limits.set("underscore_headers", "reject"));
    QCOMPARE(limits.http.underscoreHeaders, UnderscoreHeaderAction::Reject);
}

void TestEngineLimits::errors_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown key") << "header_timeout" << "1s" << "unknown limit 'header_timeout'";
    QTest::newRow("bad duration") << "idle_timeout" << "soon" << "idle_timeout: 'soon' is not a duration";
    QTest::newRow("negative") << "idle_timeout" << "-1s" << "idle_timeout: '-1s' is not a duration";
    QTest::newRow("bad size") << "max_body_size" << "10MB" << "max_body_size: '10MB' is not a size";
    QTest::newRow("zero cap") << "max_connections" << "0" << "max_connections: must be at least 1";
    QTest::newRow("underscores") << "underscore_headers" << "keep" << "underscore_headers: must be drop or reject";
}

void TestEngineLimits::errors()
{
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(QString, message);
    EngineLimits limits;
    const auto result = limits.set(key.toStdString(), value.toStdString());
    QVERIFY(!result);
    QVERIFY2(QString::fromStdString(result.message()).startsWith(message), result.message().c_str());
}

void TestEngineLimits::everyKeyIsSettable()
{
    for (const std::string &key : EngineLimits::keys()) {
        EngineLimits limits;
        const bool duration = key.ends_with("_timeout");
        const auto result = limits.set(key, key == "underscore_headers" ? "drop" : duration ? "1s" : "7");
        QVERIFY2(result.ok(), key.c_str());
    }
    QCOMPARE(EngineLimits::keys().size(), std::size_t(21));
}

void TestEngineLimits::canonicalValues()
{
    EngineLimits limits;
    QCOMPARE(limits.get("idle_timeout"), std::string("75000ms"));
    QCOMPARE(limits.get("max_header_size"), std::string("65536"));
    QCOMPARE(limits.get("underscore_headers"), std::string("drop"));
    QCOMPARE(limits.get("no_such_key"), std::string());
    QVERIFY(limits.set("idle_timeout", "2m"));
    QVERIFY(limits.set("max_header_size", "2KiB"));
    QVERIFY(limits.set("underscore_headers", "reject"));
    QCOMPARE(limits.get("idle_timeout"), std::string("120000ms"));
    QCOMPARE(limits.get("max_header_size"), std::string("2048"));
    QCOMPARE(limits.get("underscore_headers"), std::string("reject"));
    for (const std::string &key : EngineLimits::keys())
        QVERIFY2(!limits.get(key).empty(), key.c_str());
}

void TestEngineLimits::changedKeys()
{
    EngineLimits a;
    EngineLimits b;
    QCOMPARE(a.changedKeys(b), std::vector<std::string>{});
    // Another spelling of the same value is no change.
    QVERIFY(b.set("idle_timeout", "75s"));
    QVERIFY(b.set("max_header_size", "64KiB"));
    QCOMPARE(a.changedKeys(b), std::vector<std::string>{});
    QVERIFY(b.set("max_header_count", "50"));
    QVERIFY(b.set("idle_timeout", "1m"));
    QVERIFY(b.set("inspect_db_size", "0"));
    const std::vector<std::string> expected{"idle_timeout", "max_header_count", "inspect_db_size"};
    QCOMPARE(a.changedKeys(b), expected);
    QCOMPARE(b.changedKeys(a), expected);
}

void TestEngineLimits::liveKeys()
{
    std::vector<std::string> restart;
    for (const std::string &key : EngineLimits::keys())
        if (!EngineLimits::appliesLive(key))
            restart.push_back(key);
    const std::vector<std::string> expected{"inspect_max_requests", "inspect_db_size"};
    QCOMPARE(restart, expected);
}

QTEST_GUILESS_MAIN(TestEngineLimits)
#include "tst_enginelimits.moc"
