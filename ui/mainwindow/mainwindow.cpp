// SPDX-License-Identifier: Apache-2.0
#include "mainwindow/mainwindow.h"

#include "app/endpointsource.h"
#include "models/endpointtablemodel.h"

#include <QApplication>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace switchyard::ui {

MainWindow::MainWindow(EndpointSource *source, const QString &configPath, QWidget *parent)
    : QMainWindow(parent), m_configPath(configPath)
{
    setWindowTitle(tr("Switchyard"));

    m_model = new EndpointTableModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterRole(EndpointTableModel::SearchTextRole);
    m_proxy->setFilterKeyColumn(EndpointTableModel::NameColumn);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setSortCaseSensitivity(Qt::CaseInsensitive);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);

    m_filterEdit = new QLineEdit(central);
    m_filterEdit->setObjectName(QStringLiteral("filterEdit"));
    m_filterEdit->setPlaceholderText(tr("Filter by name or URL"));
    m_filterEdit->setClearButtonEnabled(true);
    layout->addWidget(m_filterEdit);

    m_view = new QTableView(central);
    m_view->setObjectName(QStringLiteral("endpointTable"));
    m_view->setModel(m_proxy);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setShowGrid(false);
    m_view->setWordWrap(false);
    m_view->setTextElideMode(Qt::ElideMiddle);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setHighlightSections(false);
    m_view->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    // Creation order until the user picks a column.
    m_view->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_view->setSortingEnabled(true);

    m_emptyLabel = new QLabel(central);
    m_emptyLabel->setObjectName(QStringLiteral("emptyLabel"));
    m_emptyLabel->setAlignment(Qt::AlignCenter);
    m_emptyLabel->setWordWrap(true);
    m_emptyLabel->setTextFormat(Qt::PlainText);
    m_emptyLabel->setText(tr("No endpoints yet.\n\nAdd them under 'endpoints:' in\n%1").arg(configPath));

    m_pages = new QStackedWidget(central);
    m_pages->addWidget(m_view);
    m_pages->addWidget(m_emptyLabel);
    layout->addWidget(m_pages);
    setCentralWidget(central);

    m_countLabel = new QLabel(this);
    m_countLabel->setObjectName(QStringLiteral("endpointCountLabel"));
    m_configLabel = new QLabel(tr("Config: %1").arg(configPath), this);
    m_configLabel->setObjectName(QStringLiteral("configPathLabel"));
    m_configLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    statusBar()->addWidget(m_countLabel);
    statusBar()->addPermanentWidget(m_configLabel);

    createMenus();

    connect(m_filterEdit, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    for (QAbstractItemModel *model : {static_cast<QAbstractItemModel *>(m_model), static_cast<QAbstractItemModel *>(m_proxy)}) {
        connect(model, &QAbstractItemModel::rowsInserted, this, &MainWindow::updateStatus);
        connect(model, &QAbstractItemModel::rowsRemoved, this, &MainWindow::updateStatus);
        connect(model, &QAbstractItemModel::modelReset, this, &MainWindow::updateStatus);
        connect(model, &QAbstractItemModel::layoutChanged, this, &MainWindow::updateStatus);
    }
    connect(source, &EndpointSource::snapshotChanged, m_model, &EndpointTableModel::setSnapshot);

    m_model->setSnapshot(source->snapshot());
    updateStatus();
    resize(1000, 600);
}

MainWindow::~MainWindow() = default;

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QCoreApplication::quit);
    quit->setObjectName(QStringLiteral("quitAction"));
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About Switchyard"), this, &MainWindow::showAbout);
    about->setObjectName(QStringLiteral("aboutAction"));
    about->setMenuRole(QAction::AboutRole);
}

void MainWindow::updateStatus()
{
    const int total = m_model->rowCount();
    const int shown = m_proxy->rowCount();
    if (shown == total)
        m_countLabel->setText(total == 1 ? tr("1 endpoint") : tr("%1 endpoints").arg(total));
    else
        m_countLabel->setText(tr("%1 of %2 endpoints").arg(shown).arg(total));

    m_pages->setCurrentWidget(total == 0 ? static_cast<QWidget *>(m_emptyLabel) : m_view);

    // Size the columns to their content once there is content; later
    // updates keep whatever widths the user chose.
    if (!m_columnsSized && total > 0) {
        m_columnsSized = true;
        m_view->resizeColumnsToContents();
        QHeaderView *header = m_view->horizontalHeader();
        for (int column = 0; column < header->count() - 1; ++column)
            header->resizeSection(column, std::clamp(header->sectionSize(column) + 24, 90, 360));
    }
}

QStringList MainWindow::selectedEndpointIds() const
{
    QModelIndexList rows = m_view->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(), [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    QStringList ids;
    for (const QModelIndex &index : rows)
        ids << index.data(EndpointTableModel::EndpointIdRole).toString();
    return ids;
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Switchyard"),
                       tr("<h3>Switchyard %1</h3>"
                          "<p>A desktop endpoint manager with an embedded agent and edge.</p>"
                          "<p>Config file: %2</p>")
                           .arg(QStringLiteral(SWITCHYARD_VERSION), m_configPath.toHtmlEscaped()));
}

} // namespace switchyard::ui
