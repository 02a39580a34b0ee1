// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "data/engine/capturesink.h"
#include "data/engine/enginestate.h"

#include <chrono>
#include <memory>
#include <string>

namespace switchyard {

// One client connection of an endpoint, for its connection metrics: opened
// on construction (when capture is on), closed with its duration when the
// last owner lets go. Held in a shared_ptr by the handlers of a relay
// (tls:// passthrough, terminate-tls), so the count ends however the relay
// does.
class EndpointConnectionCount
{
public:
    EndpointConnectionCount(const EngineState &state, std::string endpointUrl, const std::string &endpointName)
        : m_url(std::move(endpointUrl))
    {
        auto sink = state.captureSink.load(std::memory_order_relaxed);
        if (!sink || !sink->enabled())
            return;
        sink->connectionOpened(m_url, endpointName);
        m_sink = std::move(sink);
    }
    ~EndpointConnectionCount()
    {
        if (m_sink)
            m_sink->connectionClosed(
                m_url, std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - m_start)
                           .count());
    }
    EndpointConnectionCount(const EndpointConnectionCount &) = delete;
    EndpointConnectionCount &operator=(const EndpointConnectionCount &) = delete;

private:
    std::string m_url;
    std::shared_ptr<CaptureSink> m_sink;
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
};

} // namespace switchyard
