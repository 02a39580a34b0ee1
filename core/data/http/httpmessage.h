// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "data/http/httpheaders.h"

#include <cstdint>
#include <string>

namespace switchyard {

enum class HttpVersion { Http10, Http11 };

// How the body of a message is delimited on the wire.
enum class HttpBodyFraming {
    None,          // no body (no CL/TE in a request; HEAD/1xx/204/304 responses)
    ContentLength, // exactly contentLength bytes (may be 0)
    Chunked,       // Transfer-Encoding: chunked
    UntilClose,    // responses only: body ends when the upstream closes
};

enum class HttpTargetForm { Origin, Absolute, Asterisk };

const char *toString(HttpVersion version);
const char *toString(HttpBodyFraming framing);

struct HttpRequestHead
{
    std::string method;
    std::string target; // as received (absolute-form stays absolute)
    HttpVersion version = HttpVersion::Http11;
    HttpHeaders headers;

    HttpBodyFraming framing = HttpBodyFraming::None;
    std::uint64_t contentLength = 0; // meaningful when framing == ContentLength
    bool keepAlive = true;
    // A WebSocket upgrade (GET, HTTP/1.1, Connection: upgrade, Upgrade:
    // websocket, no body). Other upgrade protocols (h2c, ...) are ignored and
    // the request is handled as a plain request.
    bool upgrade = false;
    bool expectContinue = false; // Expect: 100-continue

    HttpTargetForm targetForm = HttpTargetForm::Origin;
    // Effective authority (RFC 9112 §3.2.2/§3.3): the absolute-form target's
    // authority when present, else the Host header, exactly as sent.
    std::string authority;
    // authority's host, lower-cased, one trailing dot removed, IPv6 literal
    // without brackets; authorityPort is 0 when no port was given.
    std::string authorityHost;
    std::uint16_t authorityPort = 0;
    // origin-form path and query of the target ("/" for an empty path,
    // "*" for asterisk-form).
    std::string pathAndQuery;
};

struct HttpResponseHead
{
    HttpVersion version = HttpVersion::Http11;
    int status = 200;
    std::string reason;
    HttpHeaders headers;

    HttpBodyFraming framing = HttpBodyFraming::None;
    std::uint64_t contentLength = 0;
    bool keepAlive = true;
    bool upgrade = false; // 101 Switching Protocols to an upgrade request

    bool informational() const { return status >= 100 && status < 200; }
};

} // namespace switchyard
