// SPDX-License-Identifier: Apache-2.0
#include "models/endpointtablemodel.h"

#include "../endpointfixture.h"

#include <QAbstractItemModelTester>
#include <QFont>
#include <QIcon>
#include <QSignalSpy>
#include <QTest>

using namespace switchyard;
using namespace switchyard::testing;
using switchyard::ui::EndpointTableModel;

class TestEndpointTableModel : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void shape();
    void cells_data();
    void cells();
    void idRole();
    void toolTips();
    void bindingDecoration();
    void filterText();
    void namelessEndpointShowsId();
    void addingInsertsOneRow();
    void removingRemovesOnlyThatRow();
    void removingNonContiguousRows();
    void updateChangesRowInPlace();
    void poolGrowthUpdatesMembers();
    void unchangedSnapshotEmitsNothing();
    void nullSnapshotClears();
    void modelTesterOverChanges();

private:
    QStringList namesInModelOrder() const;

    std::shared_ptr<EndpointRegistry> m_registry;
    std::unique_ptr<EndpointTableModel> m_model;
};

void TestEndpointTableModel::init()
{
    m_registry = makeMixedRegistry();
    m_model = std::make_unique<EndpointTableModel>();
    m_model->setSnapshot(m_registry->snapshot());
}

QStringList TestEndpointTableModel::namesInModelOrder() const
{
    QStringList names;
    for (int row = 0; row < m_model->rowCount(); ++row)
        names << m_model->index(row, EndpointTableModel::NameColumn).data().toString();
    return names;
}

void TestEndpointTableModel::shape()
{
    QCOMPARE(m_model->rowCount(), 5);
    QCOMPARE(m_model->columnCount(), 5);
    QCOMPARE(m_model->rowCount(m_model->index(0, 0)), 0);
    QCOMPARE(m_model->columnCount(m_model->index(0, 0)), 0);
    const QStringList expected{"Name", "URL", "Type", "Binding", "Upstream"};
    for (int column = 0; column < expected.size(); ++column)
        QCOMPARE(m_model->headerData(column, Qt::Horizontal).toString(), expected.at(column));
    QCOMPARE(m_model->headerData(0, Qt::Vertical).toInt(), 1);
    QVERIFY(!m_model->index(5, 0).isValid());
}

void TestEndpointTableModel::cells_data()
{
    QTest::addColumn<int>("row");
    QTest::addColumn<QStringList>("cells");

    QTest::newRow("agent public") << 0
                                  << QStringList{"web", "https://app.localhost", "agent", "public",
                                                 "http://localhost:8080"};
    QTest::newRow("cloud internal") << 1
                                    << QStringList{"gateway", "https://gateway.internal", "cloud", "internal", "—"};
    QTest::newRow("pooled first") << 2
                                  << QStringList{"api-1", "https://api.internal", "agent (pooled ×2)", "internal",
                                                 "http://localhost:9001"};
    QTest::newRow("pooled second") << 3
                                   << QStringList{"api-2", "https://api.internal", "agent (pooled ×2)", "internal",
                                                  "http://localhost:9002"};
    QTest::newRow("wildcard") << 4
                              << QStringList{"tenants", "https://*.apps.localhost", "agent", "public",
                                             "http://localhost:3000"};
}

void TestEndpointTableModel::cells()
{
    QFETCH(int, row);
    QFETCH(QStringList, cells);
    QCOMPARE(cells.size(), m_model->columnCount());
    for (int column = 0; column < cells.size(); ++column)
        QCOMPARE(m_model->index(row, column).data(Qt::DisplayRole).toString(), cells.at(column));
}

void TestEndpointTableModel::idRole()
{
    const auto &endpoints = m_registry->snapshot()->endpoints();
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const QString id = QString::fromStdString(endpoints[static_cast<std::size_t>(row)]->id);
        QVERIFY(id.startsWith("ep_"));
        for (int column = 0; column < m_model->columnCount(); ++column)
            QCOMPARE(m_model->index(row, column).data(EndpointTableModel::EndpointIdRole).toString(), id);
        QCOMPARE(m_model->rowOf(id), row);
    }
    QCOMPARE(m_model->rowOf("ep_nope"), -1);
    QCOMPARE(m_model->index(2, 0).data(EndpointTableModel::PooledRole).toBool(), true);
    QCOMPARE(m_model->index(0, 0).data(EndpointTableModel::PooledRole).toBool(), false);
}

void TestEndpointTableModel::toolTips()
{
    const QString webId = m_model->index(0, 0).data(EndpointTableModel::EndpointIdRole).toString();
    QCOMPARE(m_model->index(0, EndpointTableModel::UrlColumn).data(Qt::ToolTipRole).toString(),
             "web\nThe web front end\nID: " + webId + "\nPublic: served on this machine's edge listeners");

    const QString apiId = m_model->index(2, 0).data(EndpointTableModel::EndpointIdRole).toString();
    QCOMPARE(m_model->index(2, EndpointTableModel::TypeColumn).data(Qt::ToolTipRole).toString(),
             "api-1\nID: " + apiId
                 + "\nInternal: reachable only through another endpoint's forward-internal"
                   "\nPooled: 2 endpoints share https://api.internal and take turns with its traffic");

    // A pooling-enabled endpoint alone on its URL says so.
    addEndpoint(*m_registry, {"solo", "https://solo.internal", EndpointType::Agent, "7000", true, ""});
    m_model->setSnapshot(m_registry->snapshot());
    QCOMPARE(m_model->index(5, EndpointTableModel::TypeColumn).data().toString(), "agent (pooled)");
    QVERIFY(m_model->index(5, 0).data(Qt::ToolTipRole).toString().endsWith(
        "\nPooling enabled: other endpoints may join https://solo.internal"));
}

void TestEndpointTableModel::bindingDecoration()
{
    const QVariant publicIcon = m_model->index(0, EndpointTableModel::BindingColumn).data(Qt::DecorationRole);
    const QVariant internalIcon = m_model->index(1, EndpointTableModel::BindingColumn).data(Qt::DecorationRole);
    QCOMPARE(publicIcon.typeId(), QMetaType::QIcon);
    QCOMPARE(internalIcon.typeId(), QMetaType::QIcon);
    QVERIFY(!publicIcon.value<QIcon>().isNull());
    QVERIFY(publicIcon.value<QIcon>().cacheKey() != internalIcon.value<QIcon>().cacheKey());
    // Same binding, same icon.
    QCOMPARE(m_model->index(2, EndpointTableModel::BindingColumn).data(Qt::DecorationRole).value<QIcon>().cacheKey(),
             internalIcon.value<QIcon>().cacheKey());
    QVERIFY(!m_model->index(0, EndpointTableModel::NameColumn).data(Qt::DecorationRole).isValid());
    QCOMPARE(m_model->index(0, 0).data(EndpointTableModel::InternalRole).toBool(), false);
    QCOMPARE(m_model->index(1, 0).data(EndpointTableModel::InternalRole).toBool(), true);
}

void TestEndpointTableModel::filterText()
{
    QCOMPARE(m_model->index(4, 3).data(EndpointTableModel::SearchTextRole).toString(),
             "tenants\nhttps://*.apps.localhost");
}

void TestEndpointTableModel::namelessEndpointShowsId()
{
    const std::string id = addEndpoint(*m_registry, {"", "https://anon.internal", EndpointType::Cloud, "", false, ""});
    m_model->setSnapshot(m_registry->snapshot());
    const QModelIndex name = m_model->index(5, EndpointTableModel::NameColumn);
    QCOMPARE(name.data().toString(), QString::fromStdString(id));
    QCOMPARE(name.data(Qt::FontRole).value<QFont>().italic(), true);
    QVERIFY(!m_model->index(0, EndpointTableModel::NameColumn).data(Qt::FontRole).isValid());
    QCOMPARE(name.data(EndpointTableModel::SearchTextRole).toString(),
             QString::fromStdString(id) + "\nhttps://anon.internal");
}

void TestEndpointTableModel::addingInsertsOneRow()
{
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);

    addEndpoint(*m_registry, {"db", "tcp://db.internal:5432", EndpointType::Agent, "5432", false, ""});
    m_model->setSnapshot(m_registry->snapshot());

    QCOMPARE(inserted.size(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 5);
    QCOMPARE(inserted.at(0).at(2).toInt(), 5);
    QCOMPARE(removed.size(), 0);
    QCOMPARE(reset.size(), 0);
    QCOMPARE(changed.size(), 0);
    QCOMPARE(namesInModelOrder(), (QStringList{"web", "gateway", "api-1", "api-2", "tenants", "db"}));
    QCOMPARE(m_model->index(5, EndpointTableModel::UpstreamColumn).data().toString(), "tcp://localhost:5432");
    QCOMPARE(m_model->index(5, EndpointTableModel::UrlColumn).data().toString(), "tcp://db.internal:5432");
}

void TestEndpointTableModel::removingRemovesOnlyThatRow()
{
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelReset);

    const QString gatewayId = m_model->index(1, 0).data(EndpointTableModel::EndpointIdRole).toString();
    QVERIFY(m_registry->remove(gatewayId.toStdString()).ok());
    m_model->setSnapshot(m_registry->snapshot());

    QCOMPARE(removed.size(), 1);
    QCOMPARE(removed.at(0).at(1).toInt(), 1);
    QCOMPARE(removed.at(0).at(2).toInt(), 1);
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(reset.size(), 0);
    QCOMPARE(namesInModelOrder(), (QStringList{"web", "api-1", "api-2", "tenants"}));
    QCOMPARE(m_model->rowOf(gatewayId), -1);
}

void TestEndpointTableModel::removingNonContiguousRows()
{
    QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
    RegistryChange change;
    for (int row : {0, 2, 3})
        change.removeIds.push_back(m_model->index(row, 0).data(EndpointTableModel::EndpointIdRole).toString().toStdString());
    QVERIFY(m_registry->apply(change).ok());
    m_model->setSnapshot(m_registry->snapshot());

    // Runs are removed from the bottom up: rows 2-3, then row 0.
    QCOMPARE(removed.size(), 2);
    QCOMPARE(removed.at(0).at(1).toInt(), 2);
    QCOMPARE(removed.at(0).at(2).toInt(), 3);
    QCOMPARE(removed.at(1).at(1).toInt(), 0);
    QCOMPARE(removed.at(1).at(2).toInt(), 0);
    QCOMPARE(namesInModelOrder(), (QStringList{"gateway", "tenants"}));
}

void TestEndpointTableModel::updateChangesRowInPlace()
{
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);

    // update() moves the endpoint to the end of the snapshot; the row stays put.
    Endpoint web = *m_registry->snapshot()->endpoints().front();
    web.upstream = *Upstream::parse("8081", Scheme::Https);
    QVERIFY(m_registry->update(web).ok());
    QCOMPARE(m_registry->snapshot()->endpoints().back()->name, "web");
    m_model->setSnapshot(m_registry->snapshot());

    QCOMPARE(inserted.size(), 0);
    QCOMPARE(removed.size(), 0);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.at(0).at(0).toModelIndex(), m_model->index(0, 0));
    QCOMPARE(changed.at(0).at(1).toModelIndex(), m_model->index(0, EndpointTableModel::ColumnCount - 1));
    QCOMPARE(namesInModelOrder(), (QStringList{"web", "gateway", "api-1", "api-2", "tenants"}));
    QCOMPARE(m_model->index(0, EndpointTableModel::UpstreamColumn).data().toString(), "http://localhost:8081");
}

void TestEndpointTableModel::poolGrowthUpdatesMembers()
{
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    addEndpoint(*m_registry, {"api-3", "https://api.internal", EndpointType::Agent, "9003", true, ""});
    m_model->setSnapshot(m_registry->snapshot());

    QCOMPARE(inserted.size(), 1);
    // api-1 and api-2 are one contiguous run.
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.at(0).at(0).toModelIndex(), m_model->index(2, 0));
    QCOMPARE(changed.at(0).at(1).toModelIndex(), m_model->index(3, EndpointTableModel::ColumnCount - 1));
    for (int row : {2, 3, 5})
        QCOMPARE(m_model->index(row, EndpointTableModel::TypeColumn).data().toString(), "agent (pooled ×3)");
}

void TestEndpointTableModel::unchangedSnapshotEmitsNothing()
{
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    // A new generation whose endpoints are equal (an account was added).
    QVERIFY(m_registry->createAccount("team").ok());
    m_model->setSnapshot(m_registry->snapshot());
    QCOMPARE(inserted.size() + removed.size() + changed.size(), 0);
    QCOMPARE(m_model->snapshot(), m_registry->snapshot());
}

void TestEndpointTableModel::nullSnapshotClears()
{
    QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
    m_model->setSnapshot(nullptr);
    QCOMPARE(m_model->rowCount(), 0);
    QCOMPARE(removed.size(), 1);
    m_model->setSnapshot(m_registry->snapshot());
    QCOMPARE(m_model->rowCount(), 5);
}

void TestEndpointTableModel::modelTesterOverChanges()
{
    QAbstractItemModelTester tester(m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);

    addEndpoint(*m_registry, {"db", "tcp://db.internal:5432", EndpointType::Agent, "5432", false, ""});
    addEndpoint(*m_registry, {"api-3", "https://api.internal", EndpointType::Agent, "9003", true, ""});
    m_model->setSnapshot(m_registry->snapshot());
    QVERIFY(!QTest::currentTestFailed());

    RegistryChange change;
    for (int row : {0, 3, 5})
        change.removeIds.push_back(m_model->index(row, 0).data(EndpointTableModel::EndpointIdRole).toString().toStdString());
    QVERIFY(m_registry->apply(change).ok());
    m_model->setSnapshot(m_registry->snapshot());
    QVERIFY(!QTest::currentTestFailed());
    QCOMPARE(namesInModelOrder(), (QStringList{"gateway", "api-1", "tenants", "api-3"}));

    m_model->setSnapshot(nullptr);
    m_model->setSnapshot(m_registry->snapshot());
    QCOMPARE(m_model->rowCount(), 4);
}

QTEST_MAIN(TestEndpointTableModel)
#include "tst_endpointtablemodel.moc"
