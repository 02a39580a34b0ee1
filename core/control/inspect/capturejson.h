// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "control/inspect/capturerecord.h"

#include <QJsonArray>
#include <QJsonObject>

#include <optional>
#include <string>

namespace switchyard {

// The agent API's request object (ngrok-semantics.md §5:
// id, uri, tunnel_name, remote_addr, start, duration, request, response),
// extended with Switchyard's fields (timings, chain, error_code, truncation,
// replay_of).
class CaptureJson
{
public:
    static QJsonObject toApi(const CaptureRecord &record);
    // The raw bytes of the request/response as HTTP/1.1 text (head + the
    // captured body prefix).
    static std::string rawRequest(const CapturedExchange &exchange);
    static std::string rawResponse(const CapturedExchange &exchange);
    // The rules that fired and the `log` entries, as the API (and the HAR
    // export's `_rules`/`_logs`) shows them.
    static QJsonArray firedRulesJson(const std::vector<PolicyFiredRule> &rules);
    static QJsonArray logsJson(const std::vector<PolicyLogEntry> &logs);
    // RFC 3339 UTC with microseconds and a trailing Z.
    static std::string timestamp(std::chrono::system_clock::time_point time);
};

} // namespace switchyard
