// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/exec/policyfiredrule.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace switchyard {

// One HTTP exchange as the engine saw it, for the traffic inspector and the
// metrics. Times are nanoseconds after `start`; -1 means "did not happen".
// Bodies are prefixes of at most the cap (EngineLimits::inspectBodySize);
// the *Bytes counters are the full sizes.
struct CapturedExchange
{
    using Headers = std::vector<std::pair<std::string, std::string>>;

    std::chrono::system_clock::time_point start;
    std::int64_t upstreamConnectedNs = -1;
    std::int64_t firstByteNs = -1;
    std::int64_t durationNs = 0;
    std::string clientAddress; // "127.0.0.1:53211"

    std::string endpointName; // the routed endpoint's name (may be empty)
    std::string endpointUrl;  // the routed endpoint's URL
    std::string accountId;
    // URLs of every endpoint crossed, outermost first (the routed one, then
    // forward-internal targets).
    std::vector<std::string> chain;

    std::string method;
    std::string target;
    std::string requestProto; // "HTTP/1.1"
    Headers requestHeaders;   // as received, before any policy edits
    std::string requestBody;
    bool requestBodyTruncated = false;
    std::uint64_t requestBytes = 0;

    bool hasResponse = false;
    int status = 0;
    std::string reason;
    std::string responseProto;
    Headers responseHeaders; // as sent to the client
    std::string responseBody;
    bool responseBodyTruncated = false;
    std::uint64_t responseBytes = 0;

    // ERR_SWITCHYARD_* when Switchyard produced the response itself.
    std::string errorCode;

    // The traffic policy rules that fired, on_http_request phases first
    // (outermost endpoint first), then on_http_response; and what `log`
    // actions recorded, in the same order.
    std::vector<PolicyFiredRule> firedRules;
    std::vector<PolicyLogEntry> logs;
};

// THE SEAM for the inspector (Engine::setCaptureSink). submit() is called on
// a data-plane worker once per routed exchange, as soon as its response is
// complete and before its last bytes are written to the client (so a client
// that has read a response can find it), or when the connection closed
// early or became a WebSocket tunnel. Exchanges that matched no endpoint
// are not submitted. durationNs ends there. It must not block:
// implementations copy (or encode) what they keep, queue it and drop when
// full; the engine reuses the object for the session's next exchange.
// Thread-safe.
class CaptureSink
{
public:
    virtual ~CaptureSink() = default;
    // False: the engine records nothing at all (no copies, no timings).
    virtual bool enabled() const = 0;
    virtual void submit(const CapturedExchange &exchange) = 0;

    // Client connections, for the per-endpoint metrics. A connection is
    // counted once, for the endpoint its first routed request went to,
    // when that request is routed (only while enabled()); closed() follows
    // exactly once for every opened(), with the same URL, when the
    // connection ends. Called on the worker threads; must not block.
    virtual void connectionOpened(const std::string &endpointUrl, const std::string &endpointName)
    {
        (void)endpointUrl;
        (void)endpointName;
    }
    virtual void connectionClosed(const std::string &endpointUrl, std::int64_t durationNs)
    {
        (void)endpointUrl;
        (void)durationNs;
    }
};

} // namespace switchyard
