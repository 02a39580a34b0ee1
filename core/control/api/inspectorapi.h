// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "control/api/apierror.h"
#include "control/api/apirouter.h"
#include "control/api/hostguard.h"
#include "control/inspect/replayclient.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace switchyard {

class CaptureStore;
class CaptureWriter;
class TrafficMetrics;

// The traffic inspector's routes on the agent API (ngrok-semantics.md §5),
// guarded like the agent API (HostGuard):
//   GET /api/requests/http            newest first; `limit` (default 100),
//                                     `endpoint_name` (or `tunnel_name`):
//                                     an endpoint's name or URL;
//                                     `format=har` gives HAR 1.2 instead
//   GET /api/requests/http/{id}       one captured request, 404 if unknown
//   DELETE /api/requests/http         clears every capture → 204
//   POST /api/requests/http           replay {"id", optional "method",
//                                     "path", "headers", "body"} → 204
//   GET /metrics                      Prometheus text (TrafficMetrics)
// A replay is sent over a real socket to the listener serving the
// original's endpoint (replayTarget), so its traffic policy runs again; the
// replay is captured with "replay_of" naming the original.
// Thread affinity: the API thread; replays block it until answered.
class InspectorApi
{
public:
    struct Options
    {
        std::vector<std::string> allowHosts; // agent.api_allow_hosts
        // Where to send a replay for an endpoint URL; nullopt when no
        // listener serves it (the endpoint went offline).
        std::function<std::optional<ReplayClient::Target>(const std::string &endpointUrl)> replayTarget;
        // Captures the queue dropped (for /metrics); unset gives 0.
        std::function<std::uint64_t()> droppedCaptures;
    };

    InspectorApi(CaptureStore &store, CaptureWriter &writer, TrafficMetrics &metrics, Options options);

    void addRoutes(ApiRouter &router);
    // agent.api_allow_hosts changed on a config reload; safe while serving.
    void setAllowHosts(const std::vector<std::string> &allowHosts) { m_guard.setAllowHosts(allowHosts); }

    ApiResponse list(const ApiRequest &request);
    ApiResponse get(const ApiRequest &request, const std::string &id);
    ApiResponse clear(const ApiRequest &request);
    ApiResponse replay(const ApiRequest &request);
    ApiResponse metrics(const ApiRequest &request);

    static constexpr std::size_t DefaultLimit = 100;

private:
    std::optional<ApiError> guard(const ApiRequest &request, bool expectsBody) const;

    CaptureStore &m_store;
    CaptureWriter &m_writer;
    TrafficMetrics &m_metrics;
    Options m_options;
    HostGuard m_guard;
};

} // namespace switchyard
