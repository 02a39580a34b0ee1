// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "data/http/httpfeedresult.h"
#include "data/http/httplimits.h"
#include "data/http/httpmessagehandler.h"

#include <memory>
#include <string_view>

namespace switchyard {

// Server side: parses what a client sends, strictly (proxy-hardening §2).
// Sans-io: bytes in through feed(), events out through the handler, in
// order, synchronously. Pipelined requests come out one after the other;
// with setPauseAfterMessage(true) feed() stops after each request so the
// caller can answer it before reading on (backpressure).
// After an Error the caller answers error().status (see HttpErrorResponse)
// and closes; nothing after the bad byte is parsed.
// Not thread-safe; the handler must not destroy the parser from a callback.
class HttpRequestParser
{
public:
    explicit HttpRequestParser(HttpRequestHandler &handler, const HttpLimits &limits = {});
    ~HttpRequestParser();
    HttpRequestParser(const HttpRequestParser &) = delete;
    HttpRequestParser &operator=(const HttpRequestParser &) = delete;

    HttpFeedResult feed(std::string_view bytes);
    // The client closed its sending side. Closed when that was between
    // messages, Error (400) when it cut a message short.
    HttpFeedResult finish();

    void setPauseAfterMessage(bool on);
    // Continues after Paused; feed the unconsumed bytes again.
    void resume();
    const HttpParseError &error() const;

private:
    class Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace switchyard
