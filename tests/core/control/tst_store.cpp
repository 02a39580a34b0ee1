// SPDX-License-Identifier: Apache-2.0
#include "control/store.h"
#include "control/storemigrations.h"
#include "model/idgenerator.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include <csignal>
#include <filesystem>
#include <sys/types.h>
#include <thread>

using namespace switchyard;
using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;

namespace {

// Schema version 1 exactly as shipped. Old databases were built by this
// text; if StoreMigrations step 1 ever differs from it, it was edited after
// release instead of adding a new step.
constexpr std::string_view ShippedV1 = R"sql(
CREATE TABLE accounts (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE api_keys (
    id          TEXT PRIMARY KEY NOT NULL,
    account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    hash        TEXT NOT NULL UNIQUE,
    prefix      TEXT NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX api_keys_account ON api_keys(account_id);

CREATE TABLE cloud_endpoints (
    id              TEXT PRIMARY KEY NOT NULL,
    account_id      TEXT NOT NULL REFERENCES accounts(id),
    name            TEXT NOT NULL DEFAULT '',
    url             TEXT NOT NULL,
    binding         TEXT NOT NULL CHECK (binding IN ('public', 'internal')),
    pooling_enabled INTEGER NOT NULL DEFAULT 0 CHECK (pooling_enabled IN (0, 1)),
    traffic_policy  TEXT NOT NULL DEFAULT '',
    description     TEXT NOT NULL DEFAULT '',
    metadata        TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX cloud_endpoints_account ON cloud_endpoints(account_id);

PRAGMA application_id = 1400330596;
)sql";

// A second, raw connection to a store file: what the Store must not be
// trusted to report about itself (file contents, schema version, triggers).
class RawDb
{
public:
    explicit RawDb(const QString &path)
    {
        if (sqlite3_open(path.toUtf8().constData(), &m_db) != SQLITE_OK)
            qFatal("cannot open %s", qPrintable(path));
    }
    ~RawDb() { sqlite3_close(m_db); }
    RawDb(const RawDb &) = delete;
    RawDb &operator=(const RawDb &) = delete;

    bool exec(const char *sql)
    {
        char *message = nullptr;
        const int rc = sqlite3_exec(m_db, sql, nullptr, nullptr, &message);
        if (rc != SQLITE_OK)
            qWarning("sqlite: %s", message ? message : "?");
        sqlite3_free(message);
        return rc == SQLITE_OK;
    }
    // All rows, columns joined by '|'.
    QStringList rows(const char *sql)
    {
        QStringList result;
        sqlite3_stmt *stmt = nullptr;
        if (sqlite3_prepare_v2(m_db, sql, -1, &stmt, nullptr) != SQLITE_OK) {
            qWarning("sqlite: %s", sqlite3_errmsg(m_db));
            return {QStringLiteral("<error>")};
        }
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            QStringList columns;
            for (int i = 0; i < sqlite3_column_count(stmt); ++i)
                columns << QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(stmt, i)));
            result << columns.join(QLatin1Char('|'));
        }
        sqlite3_finalize(stmt);
        return result;
    }
    QString value(const char *sql)
    {
        const QStringList all = rows(sql);
        return all.isEmpty() ? QString() : all.first();
    }

private:
    sqlite3 *m_db = nullptr;
};

Clock::time_point millis(std::int64_t ms)
{
    return Clock::time_point(std::chrono::duration_cast<Clock::duration>(std::chrono::milliseconds(ms)));
}

QString sha256Hex(const std::string &text)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(QByteArrayView(text.data(), static_cast<qsizetype>(text.size())),
                                 QCryptographicHash::Sha256)
            .toHex());
}

Endpoint cloudEndpoint(const std::string &id, const std::string &url, const std::string &policy = "on_http_request: []")
{
    Endpoint endpoint;
    endpoint.id = id;
    endpoint.type = EndpointType::Cloud;
    endpoint.name = "name-" + id;
    endpoint.url = EndpointUrl::parse(url).value();
    endpoint.binding = endpoint.url.isInternal() ? Binding::Internal : Binding::Public;
    endpoint.trafficPolicy = policy;
    endpoint.createdAt = millis(1'700'000'000'123);
    endpoint.updatedAt = millis(1'700'000'000'456);
    return endpoint;
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(bytes), bytes.size());
}

} // namespace

class TestStore : public QObject
{
    Q_OBJECT

private slots:
    void openCreatesDirectoryAndDefaultAccount();
    void reopenKeepsData();
    void accounts();
    void apiKeys();
    void apiKeyNotStoredInPlainText();
    void cloudEndpointRoundTrip_data();
    void cloudEndpointRoundTrip();
    void cloudEndpointUpdateAndDelete();
    void timestampsFloorToMilliseconds();
    void invalidEndpointsRejected();
    void revisionsOnlyOnPolicyChange();
    void failedWriteLeavesNothing();
    void migrationFromVersion1();
    void newerSchemaRefused();
    void garbageFileRefused_data();
    void garbageFileRefused();
    void foreignDatabaseRefused();
    void corruptPageRefused();
    void dataDirIsAFile();
    void survivesKill9();
};

void TestStore::openCreatesDirectoryAndDefaultAccount()
{
    QTemporaryDir tmp;
    const QString dir = tmp.filePath("a/b/data");
    auto store = Store::open(dir.toStdString());
    QVERIFY2(store.ok(), store.ok() ? "" : store.message().c_str());
    QCOMPARE((*store)->path(), (dir + "/switchyard.db").toStdString());
    QCOMPARE((*store)->openedAtVersion(), 0);

    const auto status = std::filesystem::status(dir.toStdString());
    QVERIFY(std::filesystem::is_directory(status));
    QVERIFY((status.permissions() & std::filesystem::perms::all) == std::filesystem::perms::owner_all);

    for (const char *file : {"/switchyard.db", "/switchyard.db-wal"}) {
        const auto perms = std::filesystem::status((dir + file).toStdString()).permissions();
        QVERIFY2((perms & std::filesystem::perms::all)
                     == (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write),
                 file);
    }

    auto accounts = (*store)->accounts();
    QVERIFY(accounts.ok());
    QCOMPARE(accounts->size(), std::size_t(1));
    QCOMPARE(accounts->front().id, std::string(Account::DefaultId));
    QCOMPARE(accounts->front().name, std::string(Account::DefaultName));

    RawDb raw(dir + "/switchyard.db");
    QCOMPARE(raw.value("PRAGMA user_version").toInt(), StoreMigrations::latestVersion());
    QCOMPARE(raw.value("PRAGMA journal_mode"), QStringLiteral("wal"));
    QCOMPARE(raw.value("PRAGMA application_id").toInt(), StoreMigrations::ApplicationId);
}

void TestStore::reopenKeepsData()
{
    QTemporaryDir tmp;
    std::string key;
    Account team;
    const Endpoint endpoint = cloudEndpoint("ep_keep", "https://keep.internal");
    {
        auto store = Store::open(tmp.path().toStdString());
        QVERIFY(store.ok());
        auto created = (*store)->createAccount(Account{"", "team", {}});
        QVERIFY(created.ok());
        team = *created;
        auto madeKey = (*store)->createApiKey(team.id);
        QVERIFY(madeKey.ok());
        key = *madeKey;
        QVERIFY((*store)->saveCloudEndpoint(endpoint).ok());
    }
    auto store = Store::open(tmp.path().toStdString());
    QVERIFY2(store.ok(), store.ok() ? "" : store.message().c_str());
    QCOMPARE((*store)->openedAtVersion(), StoreMigrations::latestVersion());
    auto accounts = (*store)->accounts();
    QVERIFY(accounts.ok());
    QCOMPARE(accounts->size(), std::size_t(2)); // no second default account
    QCOMPARE(accounts->at(1), team);
    auto owner = (*store)->accountForApiKey(key);
    QVERIFY(owner.ok());
    QCOMPARE(owner->value_or("<none>"), team.id);
    auto endpoints = (*store)->cloudEndpoints();
    QVERIFY(endpoints.ok());
    QCOMPARE(endpoints->size(), std::size_t(1));
    QVERIFY(endpoints->front() == endpoint);
}

void TestStore::accounts()
{
    QTemporaryDir tmp;
    auto store = Store::open(tmp.path().toStdString());
    QVERIFY(store.ok());
    Store &s = **store;

    const auto before = Clock::now() - 1ms;
    auto team = s.createAccount(Account{"", "team", {}});
    QVERIFY(team.ok());
    QVERIFY(IdGenerator::looksLike(team->id, "acct_"));
    QCOMPARE(team->name, std::string("team"));
    QVERIFY(team->createdAt >= before && team->createdAt <= Clock::now());

    auto fixed = s.createAccount(Account{"acct_fixed", "ops", millis(1'600'000'000'000)});
    QVERIFY(fixed.ok());
    QCOMPARE(fixed->id, std::string("acct_fixed"));

    auto duplicateName = s.createAccount(Account{"", "team", {}});
    QVERIFY(!duplicateName.ok());
    QCOMPARE(duplicateName.message(), std::string("an account named 'team' already exists"));
    auto duplicateId = s.createAccount(Account{"acct_fixed", "other", {}});
    QVERIFY(!duplicateId.ok());
    QCOMPARE(duplicateId.message(), std::string("an account with id 'acct_fixed' already exists"));
    auto duplicateDefault = s.createAccount(Account{"", Account::DefaultName, {}});
    QVERIFY(!duplicateDefault.ok());
    auto noName = s.createAccount(Account{});
    QVERIFY(!noName.ok());
    QCOMPARE(noName.message(), std::string("cannot create an account without a name"));

    QVERIFY(s.ensureDefaultAccount().ok());
    auto all = s.accounts();
    QVERIFY(all.ok());
    QCOMPARE(all->size(), std::size_t(3));
    // Oldest first: "ops" was created "in 2020".
    QCOMPARE(all->at(0), *fixed);
    QCOMPARE(all->at(1).id, std::string(Account::DefaultId));
    QCOMPARE(all->at(2), *team);
}

void TestStore::apiKeys()
{
    QTemporaryDir tmp;
    auto store = Store::open(tmp.path().toStdString());
    QVERIFY(store.ok());
    Store &s = **store;
    auto team = s.createAccount(Account{"", "team", {}});
    QVERIFY(team.ok());

    auto localKey = s.createApiKey(Account::DefaultId);
    auto teamKey = s.createApiKey(team->id);
    QVERIFY(localKey.ok() && teamKey.ok());
    QVERIFY(*localKey != *teamKey);
    const QRegularExpression shape(QStringLiteral("^sy_[A-Z2-7]{40}$"));
    QVERIFY2(shape.match(QString::fromStdString(*localKey)).hasMatch(), localKey->c_str());
    QCOMPARE(localKey->size(), Store::ApiKeyLength);

    auto owner = s.accountForApiKey(*localKey);
    QVERIFY(owner.ok());
    QCOMPARE(owner->value_or("<none>"), std::string(Account::DefaultId));
    owner = s.accountForApiKey(*teamKey);
    QVERIFY(owner.ok());
    QCOMPARE(owner->value_or("<none>"), team->id);

    // Same display prefix, different secret: must not match.
    std::string wrong = *localKey;
    wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
    for (const std::string &bad : {wrong, std::string(), std::string("sy_"), localKey->substr(0, 42), *localKey + "A",
                                   "xx" + localKey->substr(2)}) {
        auto none = s.accountForApiKey(bad);
        QVERIFY(none.ok());
        QVERIFY2(!none->has_value(), bad.c_str());
    }

    auto listed = s.apiKeys(Account::DefaultId);
    QVERIFY(listed.ok());
    QCOMPARE(listed->size(), std::size_t(1));
    QVERIFY(IdGenerator::looksLike(listed->front().id, "ak_"));
    QCOMPARE(listed->front().accountId, std::string(Account::DefaultId));
    QCOMPARE(listed->front().prefix, localKey->substr(0, 11));
    QVERIFY(listed->front().createdAt <= Clock::now());
    auto none = s.apiKeys("acct_nobody");
    QVERIFY(none.ok() && none->empty());

    auto orphan = s.createApiKey("acct_nobody");
    QVERIFY(!orphan.ok());
    QCOMPARE(orphan.message(), std::string("cannot create an API key for account 'acct_nobody': no such account"));
}

void TestStore::apiKeyNotStoredInPlainText()
{
    QTemporaryDir tmp;
    std::string key;
    {
        auto store = Store::open(tmp.path().toStdString());
        QVERIFY(store.ok());
        auto made = (*store)->createApiKey(Account::DefaultId);
        QVERIFY(made.ok());
        key = *made;

        // While open the key may sit in the WAL; check both files.
        const QByteArray secret = QByteArray::fromStdString(key.substr(Store::ApiKeyDisplayLength));
        const QByteArray files = readFile(tmp.filePath("switchyard.db")) + readFile(tmp.filePath("switchyard.db-wal"));
        QVERIFY(files.size() > 4096);
        QVERIFY(!files.contains(QByteArray::fromStdString(key)));
        QVERIFY(!files.contains(secret));
        QVERIFY(files.contains(sha256Hex(key).toLatin1()));
    }
    RawDb raw(tmp.filePath("switchyard.db"));
    const QStringList rows = raw.rows("SELECT id, account_id, hash, prefix, created_at FROM api_keys");
    QCOMPARE(rows.size(), 1);
    QVERIFY(!rows.first().contains(QString::fromStdString(key.substr(Store::ApiKeyDisplayLength))));
    QCOMPARE(raw.value("SELECT hash FROM api_keys"), sha256Hex(key));
    QCOMPARE(raw.value("SELECT prefix FROM api_keys"), QString::fromStdString(key.substr(0, 11)));
    const QByteArray file = readFile(tmp.filePath("switchyard.db"));
    QVERIFY(file.contains(sha256Hex(key).toLatin1())); // checkpointed on close: we read the right file
    QVERIFY(!file.contains(QByteArray::fromStdString(key.substr(Store::ApiKeyDisplayLength))));
}

void TestStore::cloudEndpointRoundTrip_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("pooling");
    QTest::addColumn<QString>("policy");

    QTest::newRow("https internal") << "https://api.internal" << false << "on_http_request: []";
    QTest::newRow("http public port pooled") << "http://app.example.com:8080" << true << "";
    QTest::newRow("tls wildcard internal") << "tls://*.foo.internal" << true << "{\"on_tcp_connect\": []}";
    QTest::newRow("tcp internal") << "tcp://db.internal:5432" << false << "x";
    QTest::newRow("ipv6 public") << "https://[::1]:8443" << false << "unicode: \"h\u00e9llo \u2603\"\n";
}

void TestStore::cloudEndpointRoundTrip()
{
    QFETCH(QString, url);
    QFETCH(bool, pooling);
    QFETCH(QString, policy);

    QTemporaryDir tmp;
    auto store = Store::open(tmp.path().toStdString());
    QVERIFY(store.ok());
    auto team = (*store)->createAccount(Account{"", "team", {}});
    QVERIFY(team.ok());

    Endpoint endpoint = cloudEndpoint("ep_round", url.toStdString(), policy.toStdString());
    endpoint.accountId = team->id;
    endpoint.poolingEnabled = pooling;
    endpoint.description = "a description with 'quotes'; DROP TABLE accounts; --";
    endpoint.metadata = R"({"team":"ops","n":1})";
    QVERIFY((*store)->saveCloudEndpoint(endpoint).ok());

    store = Store::open(tmp.path().toStdString()); // reopen: nothing comes from memory
    QVERIFY(store.ok());
    auto endpoints = (*store)->cloudEndpoints();
    QVERIFY2(endpoints.ok(), endpoints.ok() ? "" : endpoints.message().c_str());
    QCOMPARE(endpoints->size(), std::size_t(1));
    const Endpoint &loaded = endpoints->front();
    QCOMPARE(loaded.id, endpoint.id);
    QCOMPARE(loaded.name, endpoint.name);
    QCOMPARE(loaded.accountId, team->id);
    QVERIFY(loaded.type == EndpointType::Cloud);
    QCOMPARE(loaded.url.toString(), url.toStdString());
    QVERIFY(loaded.binding == endpoint.binding);
    QCOMPARE(loaded.poolingEnabled, pooling);
    QVERIFY(!loaded.upstream);
    QCOMPARE(loaded.trafficPolicy, policy.toStdString());
    QCOMPARE(loaded.description, endpoint.description);
    QCOMPARE(loaded.metadata, endpoint.metadata);
    QVERIFY(loaded.createdAt == endpoint.createdAt);
    QVERIFY(loaded.updatedAt == endpoint.updatedAt);
    QVERIFY(loaded == endpoint);
    auto accounts = (*store)->accounts();
    QVERIFY(accounts.ok() && accounts->size() == 2); // the description's SQL stayed text
}

void TestStore::cloudEndpointUpdateAndDelete()
{
    QTemporaryDir tmp;
    auto store = Store::open(tmp.path().toStdString());
    QVERIFY(store.ok());
    Store &s = **store;
    auto team = s.createAccount(Account{"", "team", {}});
    QVERIFY(team.ok());

    Endpoint first = cloudEndpoint("ep_first", "https://one.internal", std::string("nul\0inside", 10));
    Endpoint second = cloudEndpoint("ep_second", "https://two.example.com");
    second.createdAt = first.createdAt + 1ms;
    QVERIFY(s.saveCloudEndpoint(first).ok());
    QVERIFY(s.saveCloudEndpoint(second).ok());

    // Change every field but the id.
    Endpoint changed = first;
    changed.name = "renamed";
    changed.accountId = team->id;
    changed.url = EndpointUrl::parse("tcp://moved.example.com:9000").value();
    changed.binding = Binding::Public;
    changed.poolingEnabled = true;
    changed.trafficPolicy = "on_tcp_connect: []";
    changed.description = "now public";
    changed.metadata = "{}";
    changed.createdAt = millis(1'650'000'000'001);
    changed.updatedAt = millis(1'750'000'000'002);
    QVERIFY(s.saveCloudEndpoint(changed).ok());

    auto endpoints = s.cloudEndpoints();
    QVERIFY(endpoints.ok());
    QCOMPARE(endpoints->size(), std::size_t(2));
    QVERIFY(endpoints->at(0) == changed); // created_at moved it first
    QVERIFY(endpoints->at(1) == second);

    auto removed = s.deleteCloudEndpoint("ep_first");
    QVERIFY(removed.ok());
    QCOMPARE(*removed, true);
    removed = s.deleteCloudEndpoint("ep_first");
    QVERIFY(removed.ok());
    QCOMPARE(*removed, false);
    endpoints = s.cloudEndpoints();
    QVERIFY(endpoints.ok());
    QCOMPARE(endpoints->size(), std::size_t(1));
    QVERIFY(endpoints->front() == second);
    auto revisions = s.policyRevisions("ep_first");
    QVERIFY(revisions.ok());
    QVERIFY(revisions->empty());
}

void TestStore::timestampsFloorToMilliseconds()
{
    QTemporaryDir tmp;
    auto store = Store::open(tmp.path().toStdString());
    QVERIFY(store.ok());
    Endpoint endpoint = cloudEndpoint("ep_time", "https://time.internal");
    endpoint.createdAt = millis(1'700'000'000'123) + 999us;
    endpoint.updatedAt = millis(-1'501) + 500us; // before 1970: floored, not truncated toward zero
    QVERIFY((*store)->saveCloudEndpoint(endpoint).ok());
    auto endpoints = (*store)->cloudEndpoints();
    QVERIFY(endpoints.ok() && endpoints->size() == 1);
    QVERIFY(endpoints->front().createdAt == millis(1'700'000'000'123));
    QVERIFY(endpoints->front().updatedAt == millis(-1'501));
}

void TestStore::invalidEndpointsRejected()
{
    QTemporaryDir tmp;
    auto store = Store::open(tmp.path().toStdString());
    QVERIFY(store.ok());
    Store &s = **store;

    Endpoint agent = cloudEndpoint("ep_agent", "https://agent.internal");
    agent.type = EndpointType::Agent;
    auto saved = s.saveCloudEndpoint(agent);
    QVERIFY(!saved.ok());
    QCOMPARE(saved.message(), std::string("cannot save cloud endpoint 'ep_agent': only cloud endpoints are stored"));

    Endpoint upstream = cloudEndpoint("ep_up", "https://up.internal");
    upstream.upstream = Upstream::parse("8080", Scheme::Https).value();
    saved = s.saveCloudEndpoint(upstream);
    QVERIFY(!saved.ok());
    QCOMPARE(saved.message(), std::string("cannot save cloud endpoint 'ep_up': a cloud endpoint has no upstream"));

    saved = s.saveCloudEndpoint(cloudEndpoint("", "https://noid.internal"));
    QVERIFY(!saved.ok());
    QCOMPARE(saved.message(), std::string("cannot save a cloud endpoint without an id"));

    Endpoint noUrl = cloudEndpoint("ep_nourl", "https://x.internal");
    noUrl.url = EndpointUrl();
    saved = s.saveCloudEndpoint(noUrl);
    QVERIFY(!saved.ok());
    QCOMPARE(saved.message(), std::string("cannot save cloud endpoint 'ep_nourl': it has no URL"));

    Endpoint orphan = cloudEndpoint("ep_orphan", "https://orphan.internal");
    orphan.accountId = "acct_nobody";
    saved = s.saveCloudEndpoint(orphan);
    QVERIFY(!saved.ok());
    QCOMPARE(saved.message(), std::string("cannot save cloud endpoint 'ep_orphan': no account with id 'acct_nobody'"));

    auto endpoints = s.cloudEndpoints();
    QVERIFY(endpoints.ok());
    QVERIFY(endpoints->empty());
    RawDb raw(tmp.filePath("switchyard.db"));
    QCOMPARE(raw.value("SELECT count(*) FROM policy_revisions"), QStringLiteral("0"));
}

void TestStore::revisionsOnlyOnPolicyChange()
{
    QTemporaryDir tmp;
    auto store = Store::open(tmp.path().toStdString());
    QVERIFY(store.ok());
    Store &s = **store;

    const auto before = Clock::now() - 1ms;
    Endpoint endpoint = cloudEndpoint("ep_rev", "https://rev.internal", "policy: 1");
    QVERIFY(s.saveCloudEndpoint(endpoint).ok());
    endpoint.description = "only the description";
    endpoint.poolingEnabled = true;
    endpoint.updatedAt += 1s;
    QVERIFY(s.saveCloudEndpoint(endpoint).ok());
    endpoint.trafficPolicy = "policy: 2";
    QVERIFY(s.saveCloudEndpoint(endpoint).ok());
    QVERIFY(s.saveCloudEndpoint(endpoint).ok()); // same policy again
    endpoint.trafficPolicy = "policy: 1";       // back to the first text: still a new revision
    QVERIFY(s.saveCloudEndpoint(endpoint).ok());
    endpoint.trafficPolicy.clear();
    QVERIFY(s.saveCloudEndpoint(endpoint).ok());
    QVERIFY(s.saveCloudEndpoint(cloudEndpoint("ep_other", "https://other.internal", "other")).ok());

    auto revisions = s.policyRevisions("ep_rev");
    QVERIFY(revisions.ok());
    QCOMPARE(revisions->size(), std::size_t(4));
    const std::vector<std::string> texts{"policy: 1", "policy: 2", "policy: 1", ""};
    for (std::size_t i = 0; i < revisions->size(); ++i) {
        const Store::PolicyRevision &revision = revisions->at(i);
        QCOMPARE(revision.endpointId, std::string("ep_rev"));
        QCOMPARE(revision.revision, int(i) + 1);
        QCOMPARE(revision.trafficPolicy, texts[i]);
        QVERIFY(revision.createdAt >= before && revision.createdAt <= Clock::now());
        if (i > 0)
            QVERIFY(revision.createdAt >= revisions->at(i - 1).createdAt);
    }
    auto other = s.policyRevisions("ep_other");
    QVERIFY(other.ok());
    QCOMPARE(other->size(), std::size_t(1));
    QCOMPARE(other->front().revision, 1);
    QCOMPARE(other->front().trafficPolicy, std::string("other"));
}

void TestStore::failedWriteLeavesNothing()
{
    QTemporaryDir tmp;
    auto store = Store::open(tmp.path().toStdString());
    QVERIFY(store.ok());
    Store &s = **store;
    const Endpoint original = cloudEndpoint("ep_atomic", "https://atomic.internal", "policy: old");
    QVERIFY(s.saveCloudEndpoint(original).ok());

    // Make the second statement of the save (the revision insert) fail after
    // the endpoint row has already been updated in the transaction.
    RawDb raw(tmp.filePath("switchyard.db"));
    QVERIFY(raw.exec("CREATE TRIGGER fail_revisions BEFORE INSERT ON policy_revisions "
                     "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"));

    Endpoint changed = original;
    changed.trafficPolicy = "policy: new";
    changed.description = "should not stick";
    auto saved = s.saveCloudEndpoint(changed);
    QVERIFY(!saved.ok());
    QVERIFY2(saved.message().starts_with("cannot save cloud endpoint 'ep_atomic': injected failure"), saved.message().c_str());

    auto fresh = s.saveCloudEndpoint(cloudEndpoint("ep_new", "https://new.internal"));
    QVERIFY(!fresh.ok());

    auto endpoints = s.cloudEndpoints();
    QVERIFY(endpoints.ok());
    QCOMPARE(endpoints->size(), std::size_t(1));
    QVERIFY(endpoints->front() == original);
    auto revisions = s.policyRevisions("ep_atomic");
    QVERIFY(revisions.ok());
    QCOMPARE(revisions->size(), std::size_t(1));
    QCOMPARE(raw.value("SELECT description || '/' || traffic_policy FROM cloud_endpoints"), QStringLiteral("/policy: old"));

    // The connection is usable again once the cause is gone.
    QVERIFY(raw.exec("DROP TRIGGER fail_revisions"));
    QVERIFY(s.saveCloudEndpoint(changed).ok());
    revisions = s.policyRevisions("ep_atomic");
    QVERIFY(revisions.ok());
    QCOMPARE(revisions->size(), std::size_t(2));
}

void TestStore::migrationFromVersion1()
{
    const auto steps = StoreMigrations::steps();
    QVERIFY(steps.size() >= 2);
    QCOMPARE(steps[0].version, 1);
    QCOMPARE(std::string(steps[0].sql), std::string(ShippedV1));

    QTemporaryDir tmp;
    const QString path = tmp.filePath("switchyard.db");
    const std::string key = "sy_" + std::string(40, 'Q');
    {
        RawDb raw(path);
        QVERIFY(raw.exec("PRAGMA journal_mode = WAL"));
        QVERIFY(raw.exec(std::string(ShippedV1).c_str()));
        QVERIFY(raw.exec("PRAGMA user_version = 1"));
        QVERIFY(raw.exec("INSERT INTO accounts VALUES ('acct_local', 'local', 1000), ('acct_team', 'team', 2000)"));
        QVERIFY(raw.exec(("INSERT INTO api_keys VALUES ('ak_1', 'acct_team', '" + sha256Hex(key).toStdString()
                          + "', 'sy_QQQQQQQQ', 3000)")
                             .c_str()));
        QVERIFY(raw.exec("INSERT INTO cloud_endpoints VALUES ('ep_old', 'acct_team', 'old', 'https://old.internal', "
                         "'internal', 1, 'policy: v1', 'desc', 'meta', 4000, 5000)"));
        QVERIFY(raw.exec("INSERT INTO cloud_endpoints VALUES ('ep_bare', 'acct_local', '', 'http://bare.example.com', "
                         "'public', 0, '', '', '', 6000, 7000)"));
    }

    auto store = Store::open(tmp.path().toStdString());
    QVERIFY2(store.ok(), store.ok() ? "" : store.message().c_str());
    Store &s = **store;
    QCOMPARE(s.openedAtVersion(), 1);
    {
        RawDb raw(path);
        QCOMPARE(raw.value("PRAGMA user_version").toInt(), StoreMigrations::latestVersion());
    }

    auto accounts = s.accounts();
    QVERIFY(accounts.ok());
    QCOMPARE(accounts->size(), std::size_t(2));
    QCOMPARE(accounts->at(1), (Account{"acct_team", "team", millis(2000)}));
    auto owner = s.accountForApiKey(key);
    QVERIFY(owner.ok());
    QCOMPARE(owner->value_or("<none>"), std::string("acct_team"));

    auto endpoints = s.cloudEndpoints();
    QVERIFY(endpoints.ok());
    QCOMPARE(endpoints->size(), std::size_t(2));
    Endpoint expected = cloudEndpoint("ep_old", "https://old.internal", "policy: v1");
    expected.name = "old";
    expected.accountId = "acct_team";
    expected.poolingEnabled = true;
    expected.description = "desc";
    expected.metadata = "meta";
    expected.createdAt = millis(4000);
    expected.updatedAt = millis(5000);
    QVERIFY(endpoints->at(0) == expected);
    QCOMPARE(endpoints->at(1).url.toString(), std::string("http://bare.example.com"));

    // Existing policies became revision 1, dated by the endpoint's last update.
    auto revisions = s.policyRevisions("ep_old");
    QVERIFY(revisions.ok());
    QCOMPARE(revisions->size(), std::size_t(1));
    QVERIFY(revisions->front() == (Store::PolicyRevision{"ep_old", 1, "policy: v1", millis(5000)}));
    expected.trafficPolicy = "policy: v2";
    QVERIFY(s.saveCloudEndpoint(expected).ok());
    revisions = s.policyRevisions("ep_old");
    QVERIFY(revisions.ok());
    QCOMPARE(revisions->size(), std::size_t(2));
    QCOMPARE(revisions->back().revision, 2);
}

void TestStore::newerSchemaRefused()
{
    QTemporaryDir tmp;
    const QString path = tmp.filePath("switchyard.db");
    {
        auto store = Store::open(tmp.path().toStdString());
        QVERIFY(store.ok());
    }
    {
        RawDb raw(path);
        QVERIFY(raw.exec("PRAGMA user_version = 99"));
    }
    auto store = Store::open(tmp.path().toStdString());
    QVERIFY(!store.ok());
    QCOMPARE(store.message(),
             path.toStdString()
                 + " has schema version 99, newer than this build of Switchyard understands (up to "
                 + std::to_string(StoreMigrations::latestVersion()) + "); run a newer Switchyard or use another --data-dir");
    RawDb raw(path);
    QCOMPARE(raw.value("PRAGMA user_version"), QStringLiteral("99"));
}

void TestStore::garbageFileRefused_data()
{
    QTest::addColumn<QByteArray>("content");
    QByteArray text;
    while (text.size() < 10000)
        text += "this is not a database\n";
    QByteArray noise(8192, '\0');
    QRandomGenerator random(42);
    for (char &c : noise)
        c = char(random.bounded(256));
    QTest::newRow("text") << text;
    QTest::newRow("random bytes") << noise;
    QTest::newRow("short") << QByteArray("hello");
    QTest::newRow("sqlite header only") << QByteArray("SQLite format 3\0", 16) + QByteArray(84, '\xff');
}

void TestStore::garbageFileRefused()
{
    QFETCH(QByteArray, content);
    QTemporaryDir tmp;
    const QString path = tmp.filePath("switchyard.db");
    writeFile(path, content);
    auto store = Store::open(tmp.path().toStdString());
    QVERIFY(!store.ok());
    QVERIFY2(store.message().starts_with(path.toStdString() + " is not a Switchyard store or is damaged ("),
             store.message().c_str());
    QVERIFY2(store.message().ends_with("); move it aside to start with an empty store"), store.message().c_str());
    QCOMPARE(readFile(path), content); // refused without writing
}

void TestStore::foreignDatabaseRefused()
{
    QTemporaryDir tmp;
    const QString path = tmp.filePath("switchyard.db");
    {
        RawDb raw(path);
        QVERIFY(raw.exec("CREATE TABLE photos (id INTEGER PRIMARY KEY, data BLOB)"));
    }
    auto store = Store::open(tmp.path().toStdString());
    QVERIFY(!store.ok());
    QCOMPARE(store.message(),
             path.toStdString() + " is a SQLite database but not a Switchyard store (it has tables and no schema version)");
    {
        RawDb raw(path);
        QVERIFY(raw.exec("PRAGMA user_version = 1"));
    }
    store = Store::open(tmp.path().toStdString());
    QVERIFY(!store.ok());
    QCOMPARE(store.message(), path.toStdString() + " is a SQLite database but not a Switchyard store (application id 0)");
}

void TestStore::corruptPageRefused()
{
    QTemporaryDir tmp;
    const QString path = tmp.filePath("switchyard.db");
    {
        auto store = Store::open(tmp.path().toStdString());
        QVERIFY(store.ok());
        for (int i = 0; i < 4; ++i) {
            const std::string id = "ep_" + std::to_string(i);
            QVERIFY((*store)->saveCloudEndpoint(cloudEndpoint(id, "https://e" + std::to_string(i) + ".internal",
                                                              std::string(20000, char('a' + i))))
                        .ok());
        }
    }
    QByteArray bytes = readFile(path);
    QVERIFY(bytes.size() >= 8 * 4096);
    QVERIFY(!QFileInfo::exists(path + "-wal") || QFileInfo(path + "-wal").size() == 0);
    // Pages 2 and up hold the schema's tables and indexes: wreck a few.
    bytes.replace(4096, 3 * 4096, QByteArray(3 * 4096, '\x5a'));
    writeFile(path, bytes);

    auto store = Store::open(tmp.path().toStdString());
    QVERIFY(!store.ok());
    // Depending on which page broke first, SQLite reports it while reading
    // the schema (SQLITE_CORRUPT) or quick_check does; both are refused.
    const std::string message = store.message();
    QVERIFY2(message.starts_with(path.toStdString() + " is damaged (")
                 || message.starts_with(path.toStdString() + " is not a Switchyard store or is damaged ("),
             message.c_str());
    QVERIFY2(message.ends_with("); move it aside to start with an empty store"), message.c_str());
    QVERIFY2(message.find('\n') == std::string::npos, message.c_str());
}

void TestStore::dataDirIsAFile()
{
    QTemporaryDir tmp;
    const QString file = tmp.filePath("plain");
    writeFile(file, "x");
    auto store = Store::open(file.toStdString());
    QVERIFY(!store.ok());
    QCOMPARE(store.message(), "cannot use data directory " + file.toStdString() + ": not a directory");
    auto empty = Store::open("");
    QVERIFY(!empty.ok());
}

void TestStore::survivesKill9()
{
    QTemporaryDir tmp;
    const QString dataDir = tmp.path();
    // Large policies (and an fsync per commit) make each write take a while,
    // so a kill aimed just after "saving" lands inside the transaction.
    const QString policyBytes = QStringLiteral("262144");
    constexpr int Rounds = 4;

    QSet<QString> inserted;
    QSet<QString> updated;
    int savesStarted = 0;
    QByteArray pending;
    auto takeLines = [&](QProcess &process) {
        pending += process.readAllStandardOutput();
        int newline;
        while ((newline = pending.indexOf('\n')) >= 0) {
            const QList<QByteArray> parts = pending.left(newline).split(' ');
            pending.remove(0, newline + 1);
            if (parts.size() != 2)
                continue;
            if (parts[0] == "saving")
                ++savesStarted;
            else if (parts[0] == "inserted")
                inserted.insert(QString::fromLatin1(parts[1]));
            else if (parts[0] == "updated")
                updated.insert(QString::fromLatin1(parts[1]));
        }
    };

    QElapsedTimer total;
    total.start();
    for (int round = 0; round < Rounds; ++round) {
        QProcess writer;
        writer.start(QStringLiteral(SWITCHYARD_STORE_WRITER), {dataDir, policyBytes});
        QVERIFY2(writer.waitForStarted(5000), qPrintable(writer.errorString()));
        const qint64 pid = writer.processId();
        QVERIFY(pid > 0);

        const qsizetype target = inserted.size() + updated.size() + 3 + QRandomGenerator::global()->bounded(3);
        QElapsedTimer waited;
        waited.start();
        while (inserted.size() + updated.size() < target && waited.elapsed() < 5000
               && writer.state() == QProcess::Running) {
            writer.waitForReadyRead(100);
            takeLines(writer);
        }
        if (inserted.size() + updated.size() < target) {
            ::kill(pid_t(pid), SIGKILL);
            writer.waitForFinished(5000);
            QFAIL(qPrintable("writer made no progress: " + writer.readAllStandardError()));
        }
        // Aim at the next write: kill a few ms after it was announced, while
        // its transaction is (most likely) writing pages.
        const int started = savesStarted;
        while (savesStarted == started && waited.elapsed() < 5000 && writer.state() == QProcess::Running) {
            writer.waitForReadyRead(100);
            takeLines(writer);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(QRandomGenerator::global()->bounded(1, 6)));
        // Only the child we started, by its pid.
        QCOMPARE(::kill(pid_t(pid), SIGKILL), 0);
        QVERIFY(writer.waitForFinished(5000));
        QCOMPARE(writer.exitStatus(), QProcess::CrashExit);
        takeLines(writer); // lines already in the pipe were acknowledged before the kill
    }
    QVERIFY(!inserted.isEmpty());

    {
        RawDb raw(dataDir + "/switchyard.db");
        QCOMPARE(raw.value("PRAGMA integrity_check"), QStringLiteral("ok"));
        QCOMPARE(raw.value("PRAGMA foreign_key_check"), QString());
    }
    auto store = Store::open(dataDir.toStdString());
    QVERIFY2(store.ok(), store.ok() ? "" : store.message().c_str());
    auto endpoints = (*store)->cloudEndpoints();
    QVERIFY(endpoints.ok());

    // Every acknowledged commit is there; at most one unacknowledged commit
    // per kill (done, but killed before it could print).
    QVERIFY2(endpoints->size() >= std::size_t(inserted.size()),
             qPrintable(QStringLiteral("%1 endpoints, %2 acknowledged").arg(endpoints->size()).arg(inserted.size())));
    QVERIFY(endpoints->size() <= std::size_t(inserted.size() + Rounds));
    QSet<QString> present;
    for (const Endpoint &endpoint : *endpoints) {
        const QString id = QString::fromStdString(endpoint.id);
        present.insert(id);
        QCOMPARE(endpoint.trafficPolicy.size(), std::size_t(policyBytes.toInt()));
        QCOMPARE(QString::fromStdString(endpoint.metadata), sha256Hex(endpoint.trafficPolicy));
        auto revisions = (*store)->policyRevisions(endpoint.id);
        QVERIFY(revisions.ok());
        QVERIFY(!revisions->empty() && revisions->size() <= 2);
        for (std::size_t i = 0; i < revisions->size(); ++i)
            QCOMPARE(revisions->at(i).revision, int(i) + 1);
        QVERIFY(revisions->back().trafficPolicy == endpoint.trafficPolicy);
        const std::string header = " revision " + std::to_string(revisions->size()) + "\n";
        QVERIFY2(endpoint.trafficPolicy.find(header) != std::string::npos, qPrintable(id));
        if (updated.contains(id))
            QCOMPARE(revisions->size(), std::size_t(2));
    }
    for (const QString &id : inserted)
        QVERIFY2(present.contains(id), qPrintable(id + " was acknowledged but is missing"));
    qInfo("%lld acknowledged commits, %zu endpoints, %lld ms", qlonglong(inserted.size() + updated.size()),
          endpoints->size(), qlonglong(total.elapsed()));
}

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
