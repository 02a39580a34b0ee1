// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>
#include <QTimer>

#include <cstdint>
#include <memory>

namespace switchyard {
class EndpointRegistry;
class RoutingSnapshot;
} // namespace switchyard

namespace switchyard::ui {

// Hands the UI the registry's current RoutingSnapshot and tells it when a
// new one was published. GUI thread only.
//
// The registry has no change notification yet, so this polls: a timer calls
// refresh(), which emits only when the snapshot generation moved. The core
// bridge (batched, queued signals; STYLE.md "One rule for crossing threads")
// replaces the poll; consumers only see snapshotChanged() and are unaffected.
class EndpointSource : public QObject
{
    Q_OBJECT

public:
    static constexpr int DefaultPollIntervalMs = 500;

    explicit EndpointSource(std::shared_ptr<const EndpointRegistry> registry, QObject *parent = nullptr);
    ~EndpointSource() override;

    // The snapshot last seen by refresh() (or at construction). Never null.
    std::shared_ptr<const RoutingSnapshot> snapshot() const { return m_snapshot; }

    // 0 stops polling; refresh() still works when called directly.
    void setPollInterval(int milliseconds);
    int pollInterval() const;

public slots:
    // Reads the registry's snapshot and emits snapshotChanged() if its
    // generation differs from the last one seen.
    void refresh();

signals:
    void snapshotChanged(std::shared_ptr<const switchyard::RoutingSnapshot> snapshot);

private:
    std::shared_ptr<const EndpointRegistry> m_registry;
    std::shared_ptr<const RoutingSnapshot> m_snapshot;
    std::uint64_t m_generation = 0;
    QTimer m_pollTimer;
};

} // namespace switchyard::ui
