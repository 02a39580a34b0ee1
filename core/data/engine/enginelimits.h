// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "data/http/httplimits.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace switchyard {

// Timeouts and limits of the forwarding engine (docs/config.md "Engine
// limits"). Defaults follow proxy-hardening §1's proposal: Envoy-like
// numbers, stricter than ngrok's because a local process has no DDoS layer
// in front of it. A zero duration turns that timeout off.
struct EngineLimits
{
    using Duration = std::chrono::milliseconds;

    // From the first byte of a request head to its end → 408 + close.
    Duration headerReadTimeout = std::chrono::seconds(10);
    // Longest pause between two reads of a request body → 408 (or close
    // once the response has started).
    Duration bodyReadTimeout = std::chrono::seconds(60);
    // A keep-alive client connection with no request in progress is closed.
    Duration idleTimeout = std::chrono::seconds(75);
    // Longest pause while a client does not take response bytes → close;
    // while an upstream does not take request bytes → 504.
    Duration sendTimeout = std::chrono::seconds(60);
    // TCP connect to an upstream → 502 (ERR_SWITCHYARD_8012).
    Duration upstreamConnectTimeout = std::chrono::seconds(5);
    // From the end of the request to the upstream's response head → 504.
    Duration upstreamResponseTimeout = std::chrono::seconds(60);
    // An idle pooled upstream connection is closed after this long.
    Duration upstreamIdleTimeout = std::chrono::seconds(30);
    // TLS: ClientHello and handshake on the edge-https listener.
    Duration tlsHandshakeTimeout = std::chrono::seconds(10);
    // A WebSocket tunnel with no byte in either direction is closed.
    Duration tunnelIdleTimeout = std::chrono::hours(1);
    // In-flight requests get this long to finish on stop().
    Duration drainTimeout = std::chrono::seconds(10);

    // Client connections open at once over all listeners (the API listener
    // excluded); beyond it a new connection gets 503 and is closed.
    std::size_t maxConnections = 16384;
    // Idle upstream connections kept per upstream address and worker.
    std::size_t maxIdleUpstreamPerAddress = 1024;

    // Bodies a traffic policy needs whole (verify-webhook,
    // request-/response-body-find-replace) are buffered up to this many
    // bytes: a larger request body is refused with 413 (ERR_SWITCHYARD_4130),
    // a larger response body is forwarded as it is.
    std::size_t maxPolicyBodySize = 1024 * 1024;
    // Traffic inspector (docs/config.md "Inspector"): the longest body
    // prefix kept per request and per response (0 keeps none), the number
    // of captured exchanges kept, and the capture database's size budget
    // (`inspect_db_size`; 0 turns capturing off).
    std::size_t inspectBodySize = 1024 * 1024;
    std::size_t inspectMaxRequests = 10000;
    std::uint64_t inspectDbSize = 50ull * 1024 * 1024;

    // Parser limits: head size (431), header count (431), target (414),
    // body size (413, 0 = unlimited), underscore headers.
    HttpLimits http;

    // Sets one limit from its config key (`header_read_timeout: 10s`).
    // Durations take ms, s, m or h (a bare number is seconds); sizes take a
    // plain number or a KiB/MiB/GiB suffix. Errors name the key.
    Result<void> set(std::string_view key, std::string_view value);
    // Every key set() accepts, in documentation order.
    static std::vector<std::string> keys();
    // The value of a key in one canonical spelling (durations in ms, sizes
    // in bytes), so "1m" and "60s" compare equal; empty for an unknown key.
    std::string get(std::string_view key) const;
    // The keys whose values differ from `other`'s, in keys() order.
    std::vector<std::string> changedKeys(const EngineLimits &other) const;
    // Whether Engine::setLimits() applies a key while running. The capture
    // store's keys (inspect_max_requests, inspect_db_size) are read once when
    // it opens: a change of them needs a restart.
    static bool appliesLive(std::string_view key);
};

} // namespace switchyard
