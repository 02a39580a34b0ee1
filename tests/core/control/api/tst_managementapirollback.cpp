// SPDX-License-Identifier: Apache-2.0
// When the store cannot write (another connection holds the write lock past
// the busy timeout), a change answers 500 and the running registry is put
// back exactly as it was: create, update and delete.
#include "managementfixture.h"

#include <sqlite3.h>

class TestManagementApiRollback : public QObject, protected ManagementFixture
{
    Q_OBJECT

private slots:
    void init() { setUp(); }
    void cleanup() { tearDown(); }
    void storeFailureRollsBackRegistry();

private:
    // Holds SQLite's write lock on the store until released.
    struct WriteLock
    {
        sqlite3 *db = nullptr;
        explicit WriteLock(const std::string &path)
        {
            sqlite3_open(path.c_str(), &db);
            sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
        }
        ~WriteLock()
        {
            sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
            sqlite3_close(db);
        }
    };
};

void TestManagementApiRollback::storeFailureRollsBackRegistry()
{
    const QJsonObject existing = createOk("https://keep.internal");
    const std::string id = existing.value("id").toString().toStdString();
    const EndpointPtr before = m_registry->snapshot()->endpoint(id);
    const std::size_t count = m_registry->snapshot()->endpoints().size();
    {
        WriteLock lock(m_store->path());
        const ApiResponse created = call("POST", "/endpoints", createBody("https://new.internal"));
        QCOMPARE(created.status, 500);
        QCOMPARE(errorShapeProblem(created), QString());
        QCOMPARE(errorCodeOf(created), QString("ERR_SWITCHYARD_500"));
        QVERIFY2(messageOf(created).startsWith("Could not save the endpoint: "), qPrintable(messageOf(created)));
        QCOMPARE(m_registry->snapshot()->endpoints().size(), count);

        const ApiResponse patched = call("PATCH", "/endpoints/" + id, R"({"description":"lost"})");
        QCOMPARE(patched.status, 500);
        QCOMPARE(*m_registry->snapshot()->endpoint(id), *before);

        const ApiResponse deleted = call("DELETE", "/endpoints/" + id);
        QCOMPARE(deleted.status, 500);
        QVERIFY(m_registry->snapshot()->endpoint(id));
        QCOMPARE(*m_registry->snapshot()->endpoint(id), *before);
    }
    // The store holds what it held; the API works again once the lock is gone.
    auto stored = m_store->cloudEndpoints();
    QVERIFY(stored);
    QCOMPARE(stored->size(), std::size_t(1));
    QCOMPARE(stored->front(), *before);
    QCOMPARE(jsonOf(call("GET", "/endpoints/" + id)), existing);
    QCOMPARE(call("DELETE", "/endpoints/" + id).status, 204);
}

QTEST_GUILESS_MAIN(TestManagementApiRollback)
#include "tst_managementapirollback.moc"
