// SPDX-License-Identifier: Apache-2.0
// Drives the real build/bin/switchyard: `switchyard accounts create | list | keys create`.
#include "clirunner.h"
#include "control/store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace switchyard;

class TestAccounts : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void createPrintsKeyOnce();
    void createJson();
    void keysCreate();
    void listShowsAccountsAndKeyCounts();
    void errors_data();
    void errors();
    void keysWorkWithStore();

private:
    CliRun run(QStringList args);
    QTemporaryDir m_home;
    std::unique_ptr<QTemporaryDir> m_data;
};

void TestAccounts::init()
{
    m_data = std::make_unique<QTemporaryDir>();
}

CliRun TestAccounts::run(QStringList args)
{
    args << "--data-dir" << m_data->path();
    return runSwitchyard(args, isolatedEnvironment(m_home.path()));
}

void TestAccounts::createPrintsKeyOnce()
{
    const CliRun r = run({"accounts", "create", "team-a"});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.err, QString());
    const QRegularExpression shape("^Created account 'team-a' \\((acct_[A-Z2-7]{26})\\)\\.\\n"
                                   "API key for account 'team-a' \\(shown only once; store it now\\):\\n"
                                   "(sy_[A-Z2-7]{40})\\n$");
    const auto match = shape.match(r.out);
    QVERIFY2(match.hasMatch(), qPrintable(r.out));
    // The key is stored hashed: the database file never holds it in clear.
    QFile db(m_data->path() + "/switchyard.db");
    QVERIFY(db.open(QIODevice::ReadOnly));
    const QByteArray bytes = db.readAll();
    QVERIFY(!bytes.contains(match.captured(2).toLatin1()));
    QVERIFY(!bytes.contains(match.captured(2).mid(11).toLatin1()));
}

void TestAccounts::createJson()
{
    const CliRun r = run({"accounts", "create", "ops_1", "--json"});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(o.value("account").toObject().value("name").toString(), QString("ops_1"));
    QVERIFY(o.value("account").toObject().value("id").toString().startsWith("acct_"));
    QVERIFY(QRegularExpression("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$")
                .match(o.value("account").toObject().value("created_at").toString())
                .hasMatch());
    QVERIFY(QRegularExpression("^sy_[A-Z2-7]{40}$").match(o.value("api_key").toString()).hasMatch());
}

void TestAccounts::keysCreate()
{
    QCOMPARE(run({"accounts", "create", "team-a"}).exitCode, 0);
    const CliRun byName = run({"accounts", "keys", "create", "team-a"});
    QCOMPARE(byName.exitCode, 0);
    QVERIFY2(QRegularExpression("^API key for account 'team-a' \\(shown only once; store it now\\):\\nsy_[A-Z2-7]{40}\\n$")
                 .match(byName.out)
                 .hasMatch(),
             qPrintable(byName.out));
    // By id, and for the default account.
    const CliRun local = run({"accounts", "keys", "create", "acct_local", "--json"});
    QCOMPARE(local.exitCode, 0);
    const QJsonObject o = QJsonDocument::fromJson(local.out.toUtf8()).object();
    QCOMPARE(o.value("account").toObject().value("name").toString(), QString("local"));
    const QString first = o.value("api_key").toString();
    const CliRun again = run({"accounts", "keys", "create", "local", "--json"});
    QVERIFY(QJsonDocument::fromJson(again.out.toUtf8()).object().value("api_key").toString() != first);
}

void TestAccounts::listShowsAccountsAndKeyCounts()
{
    QCOMPARE(run({"accounts", "create", "team-a"}).exitCode, 0);
    QCOMPARE(run({"accounts", "keys", "create", "team-a"}).exitCode, 0);
    QCOMPARE(run({"accounts", "create", "b"}).exitCode, 0);

    const CliRun text = run({"accounts", "list"});
    QCOMPARE(text.exitCode, 0);
    const QStringList lines = text.out.split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 4);
    QVERIFY2(QRegularExpression("^ID +NAME +KEYS +CREATED$").match(lines[0]).hasMatch(), qPrintable(lines[0]));
    QVERIFY2(QRegularExpression("^acct_local +local +0 +\\d{4}-").match(lines[1]).hasMatch(), qPrintable(lines[1]));
    QVERIFY2(QRegularExpression("^acct_[A-Z2-7]{26} +team-a +2 +\\d{4}-").match(lines[2]).hasMatch(), qPrintable(lines[2]));
    QVERIFY2(QRegularExpression("^acct_[A-Z2-7]{26} +b +1 +\\d{4}-").match(lines[3]).hasMatch(), qPrintable(lines[3]));
    // Columns line up.
    QCOMPARE(lines[1].indexOf(" local ") + 1, lines[0].indexOf("NAME"));
    QCOMPARE(lines[2].indexOf("team-a"), lines[0].indexOf("NAME"));

    const CliRun json = run({"accounts", "list", "--json"});
    QCOMPARE(json.exitCode, 0);
    const QJsonArray accounts = QJsonDocument::fromJson(json.out.toUtf8()).object().value("accounts").toArray();
    QCOMPARE(accounts.size(), 3);
    const QJsonObject teamA = accounts.at(1).toObject();
    QCOMPARE(teamA.value("name").toString(), QString("team-a"));
    const QJsonArray keys = teamA.value("api_keys").toArray();
    QCOMPARE(keys.size(), 2);
    QVERIFY(keys.first().toObject().value("id").toString().startsWith("ak_"));
    QCOMPARE(keys.first().toObject().value("prefix").toString().size(), 11);
    QVERIFY(!json.out.contains(QRegularExpression("sy_[A-Z2-7]{40}"))); // never the whole key
}

void TestAccounts::errors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("stderr");
    QTest::newRow("no subcommand") << QStringList{"accounts"} << 2 << "switchyard accounts: expected a subcommand: create, list or keys";
    QTest::newRow("typo") << QStringList{"accounts", "lst"} << 2 << "switchyard accounts: unknown subcommand 'lst'. Did you mean 'list'?";
    QTest::newRow("create without name") << QStringList{"accounts", "create"} << 2
                                         << "switchyard accounts: accounts create: expected the account's NAME";
    QTest::newRow("create extra") << QStringList{"accounts", "create", "a", "b"} << 2
                                  << "switchyard accounts: accounts create: unexpected argument 'b'";
    QTest::newRow("bad name") << QStringList{"accounts", "create", "Team A"} << 1
                              << "switchyard accounts create: account name 'Team A' may use only lower-case letters, digits, '-' and '_'";
    QTest::newRow("long name") << QStringList{"accounts", "create", QString(65, 'a')} << 1
                               << "switchyard accounts create: account name must be 1-64 characters long";
    QTest::newRow("duplicate default") << QStringList{"accounts", "create", "local"} << 1
                                       << "switchyard accounts create: an account named 'local' already exists";
    QTest::newRow("keys without sub") << QStringList{"accounts", "keys"} << 2
                                      << "switchyard accounts: accounts keys: expected a subcommand: create";
    QTest::newRow("keys typo") << QStringList{"accounts", "keys", "craete"} << 2
                               << "switchyard accounts: unknown keys subcommand 'craete'. Did you mean 'create'?";
    QTest::newRow("keys no account") << QStringList{"accounts", "keys", "create"} << 2
                                     << "switchyard accounts: accounts keys create: expected the ACCOUNT (name or id)";
    QTest::newRow("keys unknown account") << QStringList{"accounts", "keys", "create", "locl"} << 1
                                          << "switchyard accounts keys create: no account named 'locl'. Did you mean 'local'?";
    QTest::newRow("list extra") << QStringList{"accounts", "list", "x"} << 2
                                << "switchyard accounts: accounts list: unexpected argument 'x'";
    QTest::newRow("unknown flag") << QStringList{"accounts", "list", "--nope"} << 2 << "switchyard accounts: Unknown option 'nope'.";
}

void TestAccounts::errors()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QString, stderr);
    const CliRun r = run(args);
    QCOMPARE(r.exitCode, exitCode);
    QCOMPARE(r.out, QString());
    QCOMPARE(r.err.split('\n').first(), stderr);
}

void TestAccounts::keysWorkWithStore()
{
    const CliRun created = run({"accounts", "create", "team-a", "--json"});
    QCOMPARE(created.exitCode, 0);
    const QJsonObject o = QJsonDocument::fromJson(created.out.toUtf8()).object();
    const std::string key = o.value("api_key").toString().toStdString();
    auto store = Store::open(m_data->path().toStdString());
    QVERIFY(store);
    auto account = (*store)->accountForApiKey(key);
    QVERIFY(account && *account);
    QCOMPARE(QString::fromStdString(**account), o.value("account").toObject().value("id").toString());
}

QTEST_GUILESS_MAIN(TestAccounts)
#include "tst_accounts.moc"
