// SPDX-License-Identifier: Apache-2.0
#include "models/endpointtablemodel.h"

#include "control/routingsnapshot.h"

#include <QFont>
#include <QPainter>
#include <QPen>
#include <QPixmap>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace switchyard::ui {

namespace {

QString qs(std::string_view text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

QPixmap dotPixmap(const QColor &fill, const QColor &outline)
{
    QPixmap pixmap(16, 16);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(outline, 1.5));
    painter.setBrush(fill);
    painter.drawEllipse(QRectF(3.5, 3.5, 9, 9));
    return pixmap;
}

// A filled dot, so the binding reads at a glance (the text next to it says
// it too, for those who cannot tell the colours apart). Selected rows get a
// white ring: the internal blue is close to common highlight colours.
QIcon dotIcon(const QColor &color)
{
    QIcon icon(dotPixmap(color, color.darker(130)));
    icon.addPixmap(dotPixmap(color, Qt::white), QIcon::Selected);
    return icon;
}

} // namespace

EndpointTableModel::EndpointTableModel(QObject *parent)
    : QAbstractTableModel(parent), m_publicIcon(dotIcon(QColor(0x2e, 0x9d, 0x5b))),
      m_internalIcon(dotIcon(QColor(0x5b, 0x7b, 0xb5)))
{
}

EndpointTableModel::~EndpointTableModel() = default;

std::vector<EndpointTableModel::Row> EndpointTableModel::rowsOf(const RoutingSnapshot *snapshot)
{
    std::vector<Row> rows;
    if (!snapshot)
        return rows;
    std::unordered_map<const Endpoint *, int> poolSizes;
    for (const auto &pool : snapshot->pools())
        for (const EndpointPtr &member : pool->members)
            poolSizes[member.get()] = static_cast<int>(pool->members.size());
    rows.reserve(snapshot->endpoints().size());
    for (const EndpointPtr &ep : snapshot->endpoints()) {
        const auto it = poolSizes.find(ep.get());
        rows.push_back({ep, it == poolSizes.end() ? 1 : it->second});
    }
    return rows;
}

bool EndpointTableModel::sameContent(const Row &a, const Row &b)
{
    return a.poolSize == b.poolSize && (a.endpoint == b.endpoint || *a.endpoint == *b.endpoint);
}

void EndpointTableModel::setSnapshot(std::shared_ptr<const RoutingSnapshot> snapshot)
{
    std::vector<Row> incoming = rowsOf(snapshot.get());
    m_snapshot = std::move(snapshot);

    std::unordered_map<std::string, std::size_t> incomingIndex;
    for (std::size_t i = 0; i < incoming.size(); ++i)
        incomingIndex.emplace(incoming[i].endpoint->id, i);

    // Remove vanished endpoints, one contiguous run at a time from the end
    // so earlier row numbers stay valid.
    for (int last = static_cast<int>(m_rows.size()) - 1; last >= 0;) {
        if (incomingIndex.contains(m_rows[static_cast<std::size_t>(last)].endpoint->id)) {
            --last;
            continue;
        }
        int first = last;
        while (first > 0 && !incomingIndex.contains(m_rows[static_cast<std::size_t>(first - 1)].endpoint->id))
            --first;
        beginRemoveRows({}, first, last);
        m_rows.erase(m_rows.begin() + first, m_rows.begin() + last + 1);
        endRemoveRows();
        last = first - 1;
    }

    // Update the survivors in place, reporting contiguous runs of changes.
    std::unordered_set<std::string> kept;
    int changedFirst = -1;
    auto flushChanged = [&](int end) {
        if (changedFirst >= 0)
            emit dataChanged(index(changedFirst, 0), index(end - 1, ColumnCount - 1));
        changedFirst = -1;
    };
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        const Row &next = incoming[incomingIndex.at(m_rows[i].endpoint->id)];
        kept.insert(next.endpoint->id);
        const bool changed = !sameContent(m_rows[i], next);
        m_rows[i] = next; // keep the newest pointer even when equal, so the old snapshot can go
        if (changed && changedFirst < 0)
            changedFirst = static_cast<int>(i);
        else if (!changed)
            flushChanged(static_cast<int>(i));
    }
    flushChanged(static_cast<int>(m_rows.size()));

    // Append new endpoints in snapshot order.
    std::vector<Row> added;
    for (Row &row : incoming)
        if (!kept.contains(row.endpoint->id))
            added.push_back(std::move(row));
    if (!added.empty()) {
        const int first = static_cast<int>(m_rows.size());
        beginInsertRows({}, first, first + static_cast<int>(added.size()) - 1);
        std::move(added.begin(), added.end(), std::back_inserter(m_rows));
        endInsertRows();
    }
}

int EndpointTableModel::rowOf(const QString &endpointId) const
{
    const std::string id = endpointId.toStdString();
    const auto it = std::find_if(m_rows.begin(), m_rows.end(), [&](const Row &r) { return r.endpoint->id == id; });
    return it == m_rows.end() ? -1 : static_cast<int>(it - m_rows.begin());
}

int EndpointTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int EndpointTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EndpointTableModel::displayText(const Row &row, int column) const
{
    const Endpoint &ep = *row.endpoint;
    switch (column) {
    case NameColumn:
        // Cloud endpoints may be nameless; the id is what the CLI and API use then.
        return ep.name.empty() ? qs(ep.id) : qs(ep.name);
    case UrlColumn:
        return qs(ep.url.toString());
    case TypeColumn: {
        QString text = qs(toString(ep.type));
        if (ep.poolingEnabled)
            text += row.poolSize > 1 ? tr(" (pooled ×%1)").arg(row.poolSize) : tr(" (pooled)");
        return text;
    }
    case BindingColumn:
        return qs(toString(ep.binding));
    case UpstreamColumn:
        return ep.upstream ? qs(ep.upstream->toString()) : QStringLiteral("—");
    default:
        return {};
    }
}

QString EndpointTableModel::toolTip(const Row &row) const
{
    const Endpoint &ep = *row.endpoint;
    QStringList lines;
    lines << (ep.name.empty() ? qs(ep.id) : qs(ep.name));
    if (!ep.description.empty())
        lines << qs(ep.description);
    lines << tr("ID: %1").arg(qs(ep.id));
    lines << (ep.binding == Binding::Internal
                  ? tr("Internal: reachable only through another endpoint's forward-internal")
                  : tr("Public: served on this machine's edge listeners"));
    if (ep.poolingEnabled) {
        lines << (row.poolSize > 1
                      ? tr("Pooled: %1 endpoints share %2 and take turns with its traffic")
                            .arg(row.poolSize)
                            .arg(qs(ep.url.toString()))
                      : tr("Pooling enabled: other endpoints may join %1").arg(qs(ep.url.toString())));
    }
    return lines.join(QLatin1Char('\n'));
}

QVariant EndpointTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[static_cast<std::size_t>(index.row())];
    const Endpoint &ep = *row.endpoint;
    switch (role) {
    case Qt::DisplayRole:
        return displayText(row, index.column());
    case Qt::ToolTipRole:
        return toolTip(row);
    case Qt::DecorationRole:
        if (index.column() == BindingColumn)
            return ep.binding == Binding::Internal ? m_internalIcon : m_publicIcon;
        return {};
    case Qt::FontRole:
        if (index.column() == NameColumn && ep.name.empty()) {
            QFont font;
            font.setItalic(true);
            return font;
        }
        return {};
    case EndpointIdRole:
        return qs(ep.id);
    case PooledRole:
        return ep.poolingEnabled;
    case InternalRole:
        return ep.binding == Binding::Internal;
    case SearchTextRole:
        // What the Name and URL columns show, so a filter matches what the user sees.
        return displayText(row, NameColumn).toString() + QLatin1Char('\n') + qs(ep.url.toString());
    default:
        return {};
    }
}

QVariant EndpointTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn:
        return tr("Name");
    case UrlColumn:
        return tr("URL");
    case TypeColumn:
        return tr("Type");
    case BindingColumn:
        return tr("Binding");
    case UpstreamColumn:
        return tr("Upstream");
    default:
        return {};
    }
}

} // namespace switchyard::ui
