// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string_view>

namespace switchyard {

// Error codes the engine puts in `switchyard-error-code` (docs/errors.md).
// Numbers follow ngrok's ERR_NGROK_* where one exists (ngrok-semantics §1.9).
namespace EngineErrors {

inline constexpr std::string_view EndpointOffline = "ERR_SWITCHYARD_3200";     // 404: no endpoint for the host
inline constexpr std::string_view UpstreamUnreachable = "ERR_SWITCHYARD_8012"; // 502: connect failed
inline constexpr std::string_view BadUpstreamResponse = "ERR_SWITCHYARD_3004"; // 502: invalid/incomplete response
inline constexpr std::string_view UpstreamTimeout = "ERR_SWITCHYARD_3008";     // 504: no response in time
inline constexpr std::string_view PolicyNotExecutable = "ERR_SWITCHYARD_2301"; // 503: no policy executor
inline constexpr std::string_view MalformedRequest = "ERR_SWITCHYARD_4000";    // 400/413/414/431/501/505
inline constexpr std::string_view PolicyBodyTooLarge = "ERR_SWITCHYARD_4130"; // 413: body over max_policy_body_size
inline constexpr std::string_view RequestTimeout = "ERR_SWITCHYARD_4080";      // 408: head/body too slow
inline constexpr std::string_view MisdirectedRequest = "ERR_SWITCHYARD_4210";  // 421: Host is not the SNI name
inline constexpr std::string_view TooManyConnections = "ERR_SWITCHYARD_5030";  // 503: connection cap
inline constexpr std::string_view ShuttingDown = "ERR_SWITCHYARD_5031";        // 503: engine is stopping

} // namespace EngineErrors

} // namespace switchyard
