// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/exec/policysimulator.h"

#include <string>

namespace switchyard {

// The human-readable form of a simulation (`switchyard policy simulate`
// without --json; docs/simulator.md shows it):
//   outcome: response 200 from https://example.internal
//     content-type: text/plain; charset=utf-8
//   body: Hello world!
//   trace:
//     https://app.example.com on_http_request rule 0 (name): matched
//       expression req.url.path == '/' = true
//       action forward-internal: forward to https://example.internal
//   log on_http_request[0].actions[1]: k=v
class SimulationReport
{
public:
    // No trailing newline.
    static std::string text(const SimulationResult &result);
};

} // namespace switchyard
