// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QMainWindow>
#include <QStringList>

class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QStackedWidget;
class QTableView;

namespace switchyard::ui {

class EndpointSource;
class EndpointTableModel;

// The desktop app's main window: the endpoints of the running core in a
// sortable, filterable table. It only arranges views; the data comes from
// the EndpointSource (not owned, must outlive the window) and the
// presentation rules from EndpointTableModel. GUI thread only.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    MainWindow(EndpointSource *source, const QString &configPath, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Ids of the selected endpoints, top to bottom as shown.
    QStringList selectedEndpointIds() const;

private:
    void createMenus();
    void updateStatus();
    void showAbout();

    EndpointTableModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QLineEdit *m_filterEdit = nullptr;
    QStackedWidget *m_pages = nullptr;
    QTableView *m_view = nullptr;
    QLabel *m_emptyLabel = nullptr;
    QLabel *m_countLabel = nullptr;
    QLabel *m_configLabel = nullptr;
    QString m_configPath;
    bool m_columnsSized = false;
};

} // namespace switchyard::ui
