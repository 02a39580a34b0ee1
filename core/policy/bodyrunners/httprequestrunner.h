// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/exec/actionrunner.h"
#include "policy/exec/policyhttpcall.h"

namespace switchyard {

// `http-request`: renders the call (url, method, query_params, headers,
// body) and suspends the phase on it (ActionRunResult::Kind::Suspend with
// exchange.httpCall set); the engine makes the call asynchronously and
// resumes the phase after this action. Only internal endpoints may be
// called: any other URL is an error at run time (ERR_SWITCHYARD_3605),
// handled per on_error like a failed call. The helpers below are what
// whoever resumes the phase applies to a finished call. Thread-safe.
class HttpRequestRunner final : public ActionRunner
{
public:
    ActionRunResult run(const ActionRunContext &context) const override;

    // actions.ngrok.http_request: {req, res, attempts, error}.
    static cel::Value resultValue(const PolicyHttpCall &call);
    // Whether retry_condition holds over the finished attempt (false without
    // one, after MaxRetries retries, or past the deadline).
    static bool shouldRetry(const PolicyHttpCall &call, const PolicyExchange &exchange, PolicyPhase phase);
    // The answer of a failed call under `on_error: halt`.
    static PolicyResponse haltResponse(const PolicyHttpCall &call);
};

} // namespace switchyard
