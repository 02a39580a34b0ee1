// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/cel/program.h"
#include "policy/exec/policyexchange.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace switchyard {

// One `http-request` action in flight: what the HttpRequestRunner rendered
// (the executor suspends the phase on it) and what the engine's attempts
// made of it. The whole action, retries included, has `timeout`.
struct PolicyHttpCall
{
    PolicyRequest request; // method, absolute URL with query, headers, body
    std::chrono::milliseconds timeout{3000};
    std::shared_ptr<const cel::Program> retryCondition; // null: never retry
    int maxRedirects = 0;
    bool haltOnError = false;

    // Filled by whoever makes the call.
    int attempts = 0;
    std::chrono::steady_clock::time_point deadline{}; // set on the first attempt
    std::optional<PolicyResponse> response;            // the last attempt's answer
    std::string errorCode;                             // "ERR_SWITCHYARD_3602"; empty: no error
    std::string errorMessage;
    int errorStatus = 502; // the halt response's status

    static constexpr int MaxRetries = 3;
    static constexpr std::size_t MaxResponseBody = 256 * 1024;
    static constexpr int MaxHops = 3;
    // Spelled like our other headers (switchyard-error-code), not Ngrok-…
    static constexpr const char *RequestTypeHeader = "switchyard-req-type";
};

} // namespace switchyard
