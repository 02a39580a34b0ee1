// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <string>

namespace switchyard {

enum class HttpFeedStatus {
    Ok,       // every byte consumed; feed more when it arrives
    Paused,   // a message completed and pause-after-message is on: call resume()
    Upgraded, // an upgrade completed: the unconsumed bytes belong to the new protocol
    Closed,   // the last message was not keep-alive: no further message is parsed
    Error,    // see error(); answer error().status and close
};

// A parse failure. For the request parser `status` is what to answer the
// client (400, 413, 414, 431, 501, 505); for the response parser it is
// always 502. `reason` is a short text for logs and the error body.
struct HttpParseError
{
    int status = 400;
    std::string reason;
};

// consumed: bytes of the fed buffer that were used. On Paused/Upgraded/Closed
// the rest of the buffer was not looked at and must be kept by the caller
// (for Upgraded it is tunnel data). On Error it is unspecified.
struct HttpFeedResult
{
    std::size_t consumed = 0;
    HttpFeedStatus status = HttpFeedStatus::Ok;
};

const char *toString(HttpFeedStatus status);

} // namespace switchyard
