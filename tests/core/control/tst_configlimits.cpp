// SPDX-License-Identifier: Apache-2.0
// `agent.limits` in the config file: read in file order, validated with
// positions, written back by toYaml().
#include "control/configfile.h"
#include "data/engine/enginelimits.h"

#include <QTest>

using namespace switchyard;

class TestConfigLimits : public QObject
{
    Q_OBJECT

private slots:
    void readsInFileOrder();
    void roundTrips();
    void errors_data();
    void errors();
};

void TestConfigLimits::readsInFileOrder()
{
    DiagnosticList diagnostics;
    const auto config = ConfigFile::loadString("version: 3\n"
                                               "agent:\n"
                                               "  limits:\n"
                                               "    max_body_size: 10MiB\n"
                                               "    header_read_timeout: 250ms\n"
                                               "    underscore_headers: reject\n",
                                               diagnostics);
    QVERIFY2(config, diagnostics.format("c.yml").c_str());
    QVERIFY(diagnostics.empty());
    const std::vector<std::pair<std::string, std::string>> expected{
        {"max_body_size", "10MiB"}, {"header_read_timeout", "250ms"}, {"underscore_headers", "reject"}};
    QCOMPARE(config->agent.limits, expected);

    EngineLimits limits;
    for (const auto &[key, value] : config->agent.limits)
        QVERIFY(limits.set(key, value).ok());
    QCOMPARE(limits.http.maxBodySize, std::uint64_t(10 * 1024 * 1024));
    QCOMPARE(limits.headerReadTimeout, std::chrono::milliseconds(250));
    QCOMPARE(limits.http.underscoreHeaders, UnderscoreHeaderAction::Reject);
}

void TestConfigLimits::roundTrips()
{
    ConfigFile config;
    config.agent.limits = {{"drain_timeout", "3s"}, {"max_connections", "100"}};
    const std::string yaml = config.toYaml();
    QVERIFY2(yaml.find("  limits:\n    drain_timeout: 3s\n    max_connections: 100\n") != std::string::npos,
             yaml.c_str());
    DiagnosticList diagnostics;
    const auto back = ConfigFile::loadString(yaml, diagnostics);
    QVERIFY2(back, diagnostics.format("c.yml").c_str());
    QCOMPARE(back->agent, config.agent);
}

void TestConfigLimits::errors_data()
{
    QTest::addColumn<QString>("agent");
    QTest::addColumn<QString>("expected");
    QTest::newRow("bad duration") << "  limits:\n    idle_timeout: 5 s\n"
                                  << "c.yml:4:19: error: invalid limit idle_timeout: '5 s' is not a duration (a number "
                                     "with ms, s, m or h, e.g. 10s)\n";
    QTest::newRow("negative size") << "  limits:\n    max_header_size: -1\n"
                                   << "c.yml:4:22: error: invalid limit max_header_size: '-1' is not a size (a number, "
                                      "optionally with KiB, MiB or GiB)\n";
    QTest::newRow("two errors") << "  limits:\n    max_connections: 0\n    drain: 1s\n"
                                << "c.yml:4:22: error: invalid limit max_connections: must be at least 1\n"
                                   "c.yml:5:5: error: unknown key 'drain' in agent.limits\n";
    QTest::newRow("flat key") << "  max_body_size: 1MiB\n"
                              << "c.yml:3:3: error: 'max_body_size' is an engine limit; put it under 'limits:' in "
                                 "agent, as in 'limits: {max_body_size: ...}'\n";
}

void TestConfigLimits::errors()
{
    QFETCH(QString, agent);
    QFETCH(QString, expected);
    DiagnosticList diagnostics;
    const auto config = ConfigFile::loadString("version: 3\nagent:\n" + agent.toStdString(), diagnostics);
    QVERIFY(!config);
    QCOMPARE(QString::fromStdString(diagnostics.format("c.yml")), expected);
}

QTEST_GUILESS_MAIN(TestConfigLimits)
#include "tst_configlimits.moc"
