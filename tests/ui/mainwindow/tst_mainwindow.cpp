// SPDX-License-Identifier: Apache-2.0
#include "mainwindow/mainwindow.h"

#include "app/endpointsource.h"
#include "models/endpointtablemodel.h"

#include "../endpointfixture.h"

#include <QAction>
#include <QDir>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QStackedWidget>
#include <QTableView>
#include <QTest>

using namespace switchyard;
using namespace switchyard::testing;
using switchyard::ui::EndpointSource;
using switchyard::ui::EndpointTableModel;
using switchyard::ui::MainWindow;

namespace {

const QString ConfigPath = QStringLiteral("/home/user/.config/switchyard/switchyard.yml");

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void showsEndpoints();
    void statusBar();
    void menus();
    void filterNarrowsRows();
    void headerClickSorts();
    void refreshUpdatesTable();
    void selectionSurvivesRefresh();
    void emptyRegistryShowsHint();
    void screenshot();

private:
    QTableView *table() const { return m_window->findChild<QTableView *>("endpointTable"); }
    QLineEdit *filterEdit() const { return m_window->findChild<QLineEdit *>("filterEdit"); }
    QString statusText() const { return m_window->findChild<QLabel *>("endpointCountLabel")->text(); }
    QString shownName(int row) const;
    int rowWithName(const QString &name) const;
    void clickHeader(int column);

    std::shared_ptr<EndpointRegistry> m_registry;
    std::unique_ptr<EndpointSource> m_source;
    std::unique_ptr<MainWindow> m_window;
};

void TestMainWindow::init()
{
    m_registry = makeMixedRegistry();
    m_source = std::make_unique<EndpointSource>(m_registry);
    m_source->setPollInterval(0); // the tests call refresh() themselves
    m_window = std::make_unique<MainWindow>(m_source.get(), ConfigPath);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QVERIFY(table());
    QVERIFY(filterEdit());
}

void TestMainWindow::cleanup()
{
    m_window.reset();
    m_source.reset();
    m_registry.reset();
}

QString TestMainWindow::shownName(int row) const
{
    return table()->model()->index(row, EndpointTableModel::NameColumn).data().toString();
}

int TestMainWindow::rowWithName(const QString &name) const
{
    for (int row = 0; row < table()->model()->rowCount(); ++row)
        if (shownName(row) == name)
            return row;
    return -1;
}

void TestMainWindow::clickHeader(int column)
{
    QHeaderView *header = table()->horizontalHeader();
    const QPoint centre(header->sectionViewportPosition(column) + header->sectionSize(column) / 2, header->height() / 2);
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, centre);
}

void TestMainWindow::showsEndpoints()
{
    QCOMPARE(m_window->windowTitle(), "Switchyard");
    QCOMPARE(table()->model()->rowCount(), 5);
    QCOMPARE(table()->model()->columnCount(), 5);
    QVERIFY(table()->isVisible());
    QVERIFY(table()->isSortingEnabled());
    QCOMPARE(table()->selectionBehavior(), QAbstractItemView::SelectRows);
    QVERIFY(table()->horizontalHeader()->stretchLastSection());
    // Unsorted until the user picks a column: creation order.
    QStringList names;
    for (int row = 0; row < 5; ++row)
        names << shownName(row);
    QCOMPARE(names, (QStringList{"web", "gateway", "api-1", "api-2", "tenants"}));
    // Every column is wide enough for its header and content.
    QHeaderView *header = table()->horizontalHeader();
    for (int column = 0; column < header->count(); ++column)
        QVERIFY2(header->sectionSize(column) >= 90, qPrintable(QString::number(column)));
    QVERIFY(header->sectionSize(EndpointTableModel::UrlColumn)
            >= table()->fontMetrics().horizontalAdvance("https://gateway.internal"));
}

void TestMainWindow::statusBar()
{
    QCOMPARE(statusText(), "5 endpoints");
    QCOMPARE(m_window->findChild<QLabel *>("configPathLabel")->text(), "Config: " + ConfigPath);
}

void TestMainWindow::menus()
{
    QStringList titles;
    for (QAction *action : m_window->menuBar()->actions())
        titles << action->text();
    QCOMPARE(titles, (QStringList{"&File", "&Help"}));
    auto *quit = m_window->findChild<QAction *>("quitAction");
    QVERIFY(quit);
    QCOMPARE(quit->text(), "&Quit");
    QCOMPARE(quit->shortcut(), QKeySequence(QKeySequence::Quit));
    auto *about = m_window->findChild<QAction *>("aboutAction");
    QVERIFY(about);
    QCOMPARE(about->text(), "&About Switchyard");
}

void TestMainWindow::filterNarrowsRows()
{
    QTest::keyClicks(filterEdit(), "API");
    QCOMPARE(table()->model()->rowCount(), 2);
    QCOMPARE(shownName(0), "api-1");
    QCOMPARE(shownName(1), "api-2");
    QCOMPARE(statusText(), "2 of 5 endpoints");

    // URL text matches too.
    filterEdit()->clear();
    QTest::keyClicks(filterEdit(), "localhost");
    QCOMPARE(table()->model()->rowCount(), 2);
    QCOMPARE(shownName(0), "web");
    QCOMPARE(shownName(1), "tenants");

    // Upstream text is not searched.
    filterEdit()->clear();
    QTest::keyClicks(filterEdit(), "9001");
    QCOMPARE(table()->model()->rowCount(), 0);
    QCOMPARE(statusText(), "0 of 5 endpoints");
    QVERIFY(table()->isVisible()); // no matches is not "no endpoints"

    filterEdit()->clear();
    QCOMPARE(table()->model()->rowCount(), 5);
    QCOMPARE(statusText(), "5 endpoints");
}

void TestMainWindow::headerClickSorts()
{
    clickHeader(EndpointTableModel::NameColumn);
    QCOMPARE(table()->horizontalHeader()->sortIndicatorSection(), int(EndpointTableModel::NameColumn));
    QCOMPARE(table()->horizontalHeader()->sortIndicatorOrder(), Qt::AscendingOrder);
    QCOMPARE(shownName(0), "api-1");
    QCOMPARE(shownName(4), "web");

    clickHeader(EndpointTableModel::NameColumn);
    QCOMPARE(shownName(0), "web");

    clickHeader(EndpointTableModel::UrlColumn);
    QCOMPARE(table()->model()->index(0, EndpointTableModel::UrlColumn).data().toString(), "https://*.apps.localhost");

    // New rows land in sorted position.
    clickHeader(EndpointTableModel::NameColumn);
    QCOMPARE(table()->horizontalHeader()->sortIndicatorOrder(), Qt::AscendingOrder);
    addEndpoint(*m_registry, {"aardvark", "https://aardvark.internal", EndpointType::Agent, "1234", false, ""});
    m_source->refresh();
    QCOMPARE(shownName(0), "aardvark");
}

void TestMainWindow::refreshUpdatesTable()
{
    const std::string id = addEndpoint(*m_registry, {"db", "tcp://db.internal:5432", EndpointType::Agent, "5432", false, ""});
    QCOMPARE(table()->model()->rowCount(), 5); // nothing until the source refreshes
    m_source->refresh();
    QCOMPARE(table()->model()->rowCount(), 6);
    QCOMPARE(shownName(5), "db");
    QCOMPARE(statusText(), "6 endpoints");

    QVERIFY(m_registry->remove(id).ok());
    QVERIFY(m_registry->remove(m_registry->snapshot()->endpoints().front()->id).ok());
    m_source->refresh();
    QCOMPARE(table()->model()->rowCount(), 4);
    QCOMPARE(rowWithName("db"), -1);
    QCOMPARE(rowWithName("web"), -1);
    QCOMPARE(statusText(), "4 endpoints");

    // The filter applies to arriving endpoints too.
    QTest::keyClicks(filterEdit(), "api");
    addEndpoint(*m_registry, {"api-3", "https://api.internal", EndpointType::Agent, "9003", true, ""});
    addEndpoint(*m_registry, {"other", "https://other.internal", EndpointType::Agent, "9004", false, ""});
    m_source->refresh();
    QCOMPARE(table()->model()->rowCount(), 3);
    QCOMPARE(statusText(), "3 of 6 endpoints");
}

void TestMainWindow::selectionSurvivesRefresh()
{
    const int row = rowWithName("tenants");
    QVERIFY(row >= 0);
    QTest::mouseClick(table()->viewport(), Qt::LeftButton, {}, table()->visualRect(table()->model()->index(row, 1)).center());
    const QString tenantsId = QString::fromStdString(m_registry->snapshot()->endpointByName(Account::DefaultId, "tenants")->id);
    QCOMPARE(m_window->selectedEndpointIds(), QStringList{tenantsId});

    QVERIFY(m_registry->remove(m_registry->snapshot()->endpoints().front()->id).ok());
    addEndpoint(*m_registry, {"db", "tcp://db.internal:5432", EndpointType::Agent, "5432", false, ""});
    m_source->refresh();
    QCOMPARE(table()->model()->rowCount(), 5);
    QCOMPARE(m_window->selectedEndpointIds(), QStringList{tenantsId});
    QCOMPARE(table()->selectionModel()->selectedRows().size(), 1);
}

void TestMainWindow::emptyRegistryShowsHint()
{
    auto registry = std::make_shared<EndpointRegistry>();
    EndpointSource source(registry);
    source.setPollInterval(0);
    MainWindow window(&source, ConfigPath);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto *pages = window.findChild<QStackedWidget *>();
    auto *hint = window.findChild<QLabel *>("emptyLabel");
    QVERIFY(pages && hint);
    QCOMPARE(pages->currentWidget(), hint);
    QCOMPARE(hint->text(), "No endpoints yet.\n\nAdd them under 'endpoints:' in\n" + ConfigPath);
    QCOMPARE(window.findChild<QLabel *>("endpointCountLabel")->text(), "0 endpoints");

    addEndpoint(*registry, {"web", "https://app.localhost", EndpointType::Agent, "8080", false, ""});
    source.refresh();
    QCOMPARE(pages->currentWidget(), window.findChild<QTableView *>("endpointTable"));
    QCOMPARE(window.findChild<QLabel *>("endpointCountLabel")->text(), "1 endpoint");
}

void TestMainWindow::screenshot()
{
    QCOMPARE(m_window->size(), QSize(1000, 600));
    table()->selectRow(rowWithName("api-1"));
    const QString dir = QStringLiteral(SWITCHYARD_SCREENSHOT_DIR);
    QVERIFY(QDir().mkpath(dir));
    const QImage image = m_window->grab().toImage();
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), m_window->size() * m_window->devicePixelRatio());
    const QString path = dir + "/mainwindow.png";
    QVERIFY(image.save(path));
    QVERIFY(!QImage(path).isNull());
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
