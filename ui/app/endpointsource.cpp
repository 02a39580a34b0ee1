// SPDX-License-Identifier: Apache-2.0
#include "app/endpointsource.h"

#include "control/endpointregistry.h"

namespace switchyard::ui {

EndpointSource::EndpointSource(std::shared_ptr<const EndpointRegistry> registry, QObject *parent)
    : QObject(parent), m_registry(std::move(registry)), m_snapshot(m_registry->snapshot()),
      m_generation(m_snapshot->generation())
{
    connect(&m_pollTimer, &QTimer::timeout, this, &EndpointSource::refresh);
    setPollInterval(DefaultPollIntervalMs);
}

EndpointSource::~EndpointSource() = default;

void EndpointSource::setPollInterval(int milliseconds)
{
    if (milliseconds <= 0) {
        m_pollTimer.stop();
        return;
    }
    m_pollTimer.start(milliseconds);
}

int EndpointSource::pollInterval() const
{
    return m_pollTimer.isActive() ? m_pollTimer.interval() : 0;
}

void EndpointSource::refresh()
{
    auto current = m_registry->snapshot();
    if (current->generation() == m_generation)
        return;
    m_generation = current->generation();
    m_snapshot = std::move(current);
    emit snapshotChanged(m_snapshot);
}

} // namespace switchyard::ui
