// SPDX-License-Identifier: Apache-2.0
// Drives the real build/bin/switchyard: `switchyard ca path`.
#include <QDir>
#include <QFile>
#include "clirunner.h"

#include <QTemporaryDir>
#include <QTest>

class TestCaCommand : public QObject
{
    Q_OBJECT

private slots:
    void printsPathAndCreatesCa();
    void defaultDataDirFromXdg();
    void usageErrors_data();
    void usageErrors();
    void brokenCaIsRuntimeError();

private:
    using Run = CliRun;
    Run run(const QStringList &args);
    QTemporaryDir m_home;
};

TestCaCommand::Run TestCaCommand::run(const QStringList &args)
{
    return runSwitchyard(args, isolatedEnvironment(m_home.path()));
}

void TestCaCommand::printsPathAndCreatesCa()
{
    QTemporaryDir dataDir;
    const QString expected = dataDir.path() + "/ca/switchyard-ca.pem";
    const Run first = run({"ca", "path", "--data-dir", dataDir.path()});
    QCOMPARE(first.exitCode, 0);
    QCOMPARE(first.out, expected + "\n");
    QCOMPARE(first.err, QString());
    QVERIFY(QFile::exists(expected));
    QVERIFY(QFile::exists(dataDir.path() + "/ca/switchyard-ca.key"));
    QFile cert(expected);
    QVERIFY(cert.open(QIODevice::ReadOnly));
    const QByteArray pem = cert.readAll();
    QVERIFY(pem.startsWith("-----BEGIN CERTIFICATE-----"));

    const Run second = run({"ca", "path", "--data-dir", dataDir.path()});
    QCOMPARE(second.exitCode, 0);
    QCOMPARE(second.out, first.out);
    cert.seek(0);
    QCOMPARE(cert.readAll(), pem); // loaded, not re-created

    // A relative --data-dir is printed as an absolute path.
    QProcess p;
    p.setWorkingDirectory(dataDir.path());
    p.start(SWITCHYARD_BINARY, {"ca", "path", "--data-dir", "."});
    QVERIFY(p.waitForFinished(20000));
    QCOMPARE(p.exitCode(), 0);
    QCOMPARE(QString::fromUtf8(p.readAllStandardOutput()), expected + "\n");
}

void TestCaCommand::defaultDataDirFromXdg()
{
    const Run r = run({"ca", "path"});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.out, m_home.path() + "/data/switchyard/ca/switchyard-ca.pem\n");
}

void TestCaCommand::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("stderrContains");
    QTest::newRow("no subcommand") << QStringList{"ca"} << "expected a subcommand: path";
    QTest::newRow("unknown subcommand") << QStringList{"ca", "frobnicate"} << "unknown subcommand 'frobnicate'";
    QTest::newRow("typo") << QStringList{"ca", "pth"} << "Did you mean 'path'?";
    QTest::newRow("extra argument") << QStringList{"ca", "path", "extra"} << "unexpected argument 'extra'";
    QTest::newRow("unknown flag") << QStringList{"ca", "path", "--nope"} << "Unknown option 'nope'";
}

void TestCaCommand::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, stderrContains);
    const Run r = run(args);
    QVERIFY2(r.err.contains(stderrContains), qPrintable("stderr was: " + r.err));
    QCOMPARE(r.exitCode, 2);
    QCOMPARE(r.out, QString());
}

void TestCaCommand::brokenCaIsRuntimeError()
{
    QTemporaryDir dataDir;
    QVERIFY(QDir().mkpath(dataDir.path() + "/ca"));
    QFile key(dataDir.path() + "/ca/switchyard-ca.key");
    QVERIFY(key.open(QIODevice::WriteOnly));
    key.write("not a key");
    key.close();
    QFile cert(dataDir.path() + "/ca/switchyard-ca.pem");
    QVERIFY(cert.open(QIODevice::WriteOnly));
    cert.write("not a cert");
    cert.close();
    const Run r = run({"ca", "path", "--data-dir", dataDir.path()});
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.startsWith("switchyard ca: local CA key '"), qPrintable(r.err));
    QVERIFY2(r.err.contains("is unreadable"), qPrintable(r.err));
    QCOMPARE(r.out, QString());
}

QTEST_GUILESS_MAIN(TestCaCommand)
#include "tst_cacommand.moc"
