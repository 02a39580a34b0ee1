// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/compile/compiledpolicy.h"
#include "policy/exec/actionrunner.h"
#include "policy/exec/exchangeactivation.h"

namespace switchyard {

// The actions the executor runs itself, with the reference's semantics
// (ngrok-semantics.md §6): add-headers, remove-headers, custom-response,
// deny, close-connection, forward-internal, redirect, url-rewrite,
// set-vars, log, restrict-ips and basic-auth. A failed `${…}`
// interpolation answers 500 with switchyard-error-code ERR_SWITCHYARD_3900
// (on_tcp_connect: closes the connection).
class BuiltinActions
{
public:
    static ActionRunResult run(const CompiledAction &action, PolicyPhase phase, PolicyExchange &exchange,
                               ExchangeActivation &activation);

    // A response Switchyard generates: text/plain body `message` + "\n" and
    // the switchyard-error-code header when `code` is set.
    static PolicyResponse errorResponse(int status, const std::string &message, const std::string &code);
};

} // namespace switchyard
