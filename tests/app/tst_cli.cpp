// SPDX-License-Identifier: Apache-2.0
// Drives the real build/bin/switchyard: dispatch, help, version, usage
// errors and exit codes of CONTRACT.md.
#include "clirunner.h"

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

class TestCli : public QObject
{
    Q_OBJECT

private slots:
    void version();
    void help();
    void exitCodes_data();
    void exitCodes();
    void commandHelp_data();
    void commandHelp();

private:
    using Run = CliRun;
    static Run run(const QStringList &args);
};

TestCli::Run TestCli::run(const QStringList &args)
{
    static QTemporaryDir home;
    return runSwitchyard(args, isolatedEnvironment(home.path()));
}

void TestCli::version()
{
    const Run r = run({"--version"});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.out, QString("switchyard " SWITCHYARD_VERSION "\n"));
    QCOMPARE(run({"version"}).out, r.out);
}

void TestCli::help()
{
    const Run r = run({"--help"});
    QCOMPARE(r.exitCode, 0);
    for (const char *command : {"http", "tcp", "tls", "start", "config", "api", "policy", "expr"})
        QVERIFY2(r.out.contains(QRegularExpression(QString("\\n  %1 ").arg(command))), command);
    for (const char *flag : {"--config", "--data-dir", "--api-addr", "--edge-http", "--edge-https", "--workers",
                             "--log-level", "--log-format"})
        QVERIFY2(r.out.contains(flag), flag);
}

void TestCli::exitCodes_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("stderrContains");

    QTest::newRow("unknown command") << QStringList{"frobnicate"} << 2 << "unknown command 'frobnicate'";
    QTest::newRow("typo suggests") << QStringList{"confg"} << 2 << "Did you mean 'config'?";
    QTest::newRow("unknown global flag") << QStringList{"--frob"} << 2 << "Unknown option 'frob'";
    QTest::newRow("bad workers") << QStringList{"--workers", "zero"} << 2 << "--workers must be a number from 1 to 256";
    QTest::newRow("bad log level") << QStringList{"--log-level", "loud"} << 2 << "--log-level must be debug, info, warn or error";
    QTest::newRow("flag missing value") << QStringList{"--config"} << 2 << "Missing value after '--config'";
    QTest::newRow("http unknown flag") << QStringList{"http", "8080", "--nope"} << 2 << "Unknown option 'nope'";
    QTest::newRow("http no upstream") << QStringList{"http"} << 2 << "expected exactly one UPSTREAM argument, got 0";
    QTest::newRow("http two upstreams") << QStringList{"http", "1", "2"} << 2 << "expected exactly one UPSTREAM argument, got 2";
    QTest::newRow("http bad url") << QStringList{"http", "8080", "--url", "https://a.b.c.d.e.f.internal"} << 1
                                  << "invalid --url: internal hostname 'a.b.c.d.e.f.internal' has 6 labels";
    QTest::newRow("http bad binding") << QStringList{"http", "8080", "--binding", "private"} << 2
                                      << "--binding must be public or internal, not 'private'";
    QTest::newRow("http public on internal") << QStringList{"http", "8080", "--url", "https://x.internal", "--binding", "public"}
                                             << 1 << "binding 'public' cannot be used with 'x.internal'";
    QTest::newRow("http bad upstream") << QStringList{"http", "99999"} << 1 << "upstream '99999' has port 99999, out of range";
    QTest::newRow("http tcp url") << QStringList{"http", "8080", "--url", "tcp://db.internal:5432"} << 1
                                  << "is a tcp URL; use 'switchyard tcp' for it";
    QTest::newRow("tcp needs port") << QStringList{"tcp", "localhost"} << 1 << "needs a port";
    QTest::newRow("app extra positional") << QStringList{"--config", "x.yml", "http"} << 2 << "put the command first";
}

void TestCli::exitCodes()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QString, stderrContains);
    const Run r = run(args);
    QVERIFY2(r.err.contains(stderrContains), qPrintable("stderr was: " + r.err));
    QCOMPARE(r.exitCode, exitCode);
}

void TestCli::commandHelp_data()
{
    QTest::addColumn<QString>("command");
    for (const char *c : {"http", "tcp", "tls", "start", "config", "api", "policy", "expr", "version"})
        QTest::newRow(c) << QString(c);
}

void TestCli::commandHelp()
{
    QFETCH(QString, command);
    const Run r = run({command, "--help"});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains("Usage: switchyard " + command), qPrintable(r.out));
    const Run viaHelp = run({"help", command});
    QCOMPARE(viaHelp.out, r.out);
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
