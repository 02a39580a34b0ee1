// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QAbstractTableModel>
#include <QIcon>

#include <memory>
#include <vector>

namespace switchyard {
struct Endpoint;
class RoutingSnapshot;
} // namespace switchyard

namespace switchyard::ui {

// One row per endpoint of a RoutingSnapshot. GUI thread only.
//
// Row order is stable across updates: setSnapshot() removes rows whose
// endpoint is gone, updates rows whose endpoint changed in place and appends
// new endpoints in snapshot (creation) order, so selections and the view's
// scroll position survive a refresh. Sorting and filtering belong to a
// QSortFilterProxyModel on top (SearchTextRole is meant as its filter role).
class EndpointTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { NameColumn, UrlColumn, TypeColumn, BindingColumn, UpstreamColumn, ColumnCount };

    enum Role {
        EndpointIdRole = Qt::UserRole + 1, // QString "ep_…", any column
        PooledRole,                        // bool: pooling enabled, any column
        InternalRole,                      // bool: internal binding, any column
        SearchTextRole,                    // QString: Name and URL column text, for filtering
    };

    explicit EndpointTableModel(QObject *parent = nullptr);
    ~EndpointTableModel() override;

    // Null clears the model.
    void setSnapshot(std::shared_ptr<const RoutingSnapshot> snapshot);
    std::shared_ptr<const RoutingSnapshot> snapshot() const { return m_snapshot; }

    // The row showing the endpoint with this id, or -1.
    int rowOf(const QString &endpointId) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        std::shared_ptr<const Endpoint> endpoint;
        int poolSize = 1; // endpoints sharing this one's URL and binding
    };

    static std::vector<Row> rowsOf(const RoutingSnapshot *snapshot);
    static bool sameContent(const Row &a, const Row &b);
    QVariant displayText(const Row &row, int column) const;
    QString toolTip(const Row &row) const;

    std::shared_ptr<const RoutingSnapshot> m_snapshot;
    std::vector<Row> m_rows;
    QIcon m_publicIcon;
    QIcon m_internalIcon;
};

} // namespace switchyard::ui
