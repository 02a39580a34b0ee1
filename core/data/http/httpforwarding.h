// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "data/http/httpmessage.h"

#include <string>

namespace switchyard {

// What the proxy knows about the client connection a request came in on.
struct ForwardingContext
{
    std::string clientIp;       // TCP peer address, no port
    std::string proto = "http"; // scheme of our listener: "http" or "https"
};

// Header rules for forwarding (proxy-hardening §3, §4; ngrok-semantics §1.8).
// Pure functions: they return the head to serialise, framing headers included.
class HttpForwarding
{
public:
    // Request towards the upstream:
    // - removes Connection and every field it nominates, Keep-Alive,
    //   Proxy-Connection, TE, Trailer, Transfer-Encoding, Upgrade,
    //   Proxy-Authorization, Proxy-Authenticate (credentials meant for a
    //   proxy never reach an origin) — before adding ours, so a client cannot
    //   nominate our X-Forwarded-* away (§3 "order matters");
    // - rebuilds Host from the effective authority (absolute-form wins,
    //   RFC 9112 §3.2.2) and turns the target into origin-form;
    // - re-frames: Content-Length: n or Transfer-Encoding: chunked per the
    //   parsed framing (the body is re-encoded by the caller);
    // - keeps a WebSocket upgrade as exactly "Connection: upgrade" +
    //   "Upgrade: websocket" (h2c or other tokens are never forwarded);
    // - X-Forwarded-For: client values merged into one line, then ", clientIp"
    //   (the last value is ours); X-Forwarded-Proto likewise with ctx.proto;
    //   X-Forwarded-Host: the client's value if sent, else the authority.
    // Always HTTP/1.1 towards the upstream.
    static HttpRequestHead prepareUpstreamRequest(const HttpRequestHead &head, const ForwardingContext &ctx);

    // Response towards the client: removes the same hop-by-hop fields,
    // Connection-nominated fields and any switchyard-error-code the upstream
    // set (only Switchyard may set it). Re-frames for the client: a chunked
    // or until-close body becomes chunked for HTTP/1.1 clients and
    // close-delimited (framing UntilClose, Connection: close, keepAlive
    // false) for HTTP/1.0 clients; Content-Length is kept as parsed; a 101
    // keeps "Connection: upgrade" + the upstream's Upgrade value. keepAlive
    // in the result is false only when framing forces the client connection
    // to close; the caller still honours the request's own keepAlive.
    static HttpResponseHead prepareClientResponse(const HttpResponseHead &head,
                                                  HttpVersion clientVersion = HttpVersion::Http11);
};

} // namespace switchyard
