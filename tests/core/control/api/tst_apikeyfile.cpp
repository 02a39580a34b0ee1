// SPDX-License-Identifier: Apache-2.0
// DATA_DIR/api_key: created on first start (mode 0600), kept while valid,
// replaced when stale.
#include "control/api/apikeyfile.h"
#include "managementfixture.h"

#include <QFile>

#include <sys/stat.h>

class TestApiKeyFile : public QObject, protected ManagementFixture
{
    Q_OBJECT

private slots:
    void init() { setUp(); }
    void cleanup() { tearDown(); }
    void ensureDefault();
};

void TestApiKeyFile::ensureDefault()
{
    const std::string dir = m_dir->path().toStdString();
    const std::string path = ApiKeyFile::path(dir);
    QVERIFY(!QFile::exists(QString::fromStdString(path)));
    auto key = ApiKeyFile::ensureDefault(*m_store, dir);
    QVERIFY2(key, key ? "" : key.message().c_str());
    struct stat info{};
    QCOMPARE(::stat(path.c_str(), &info), 0);
    QCOMPARE(info.st_mode & 0777, 0600u);
    auto read = ApiKeyFile::read(dir);
    QVERIFY(read);
    QCOMPARE(*read, *key);
    auto account = m_store->accountForApiKey(*key);
    QVERIFY(account && *account);
    QCOMPARE(**account, std::string(Account::DefaultId));
    QCOMPARE(call("GET", "/endpoints", {}, *key).status, 200);

    // Idempotent: the same key on the next start.
    auto again = ApiKeyFile::ensureDefault(*m_store, dir);
    QVERIFY(again);
    QCOMPARE(*again, *key);

    // A stale file (a key the store does not know) is replaced.
    QFile file(QString::fromStdString(path));
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write("sy_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n");
    file.close();
    auto replaced = ApiKeyFile::ensureDefault(*m_store, dir);
    QVERIFY(replaced);
    QVERIFY(*replaced != *key);
    QCOMPARE(*ApiKeyFile::read(dir), *replaced);
    QCOMPARE(::stat(path.c_str(), &info), 0);
    QCOMPARE(info.st_mode & 0777, 0600u);
    // Another account's key in the file is not the default account's: replaced too.
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(QByteArray::fromStdString(m_otherKey));
    file.close();
    auto fixed = ApiKeyFile::ensureDefault(*m_store, dir);
    QVERIFY(fixed);
    QVERIFY(*fixed != m_otherKey);
    QVERIFY(!ApiKeyFile::read(m_dir->path().toStdString() + "/missing"));
}
QTEST_GUILESS_MAIN(TestApiKeyFile)
#include "tst_apikeyfile.moc"
