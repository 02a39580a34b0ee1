// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "data/http/httpfeedresult.h"
#include "data/http/httplimits.h"
#include "data/http/httpmessagehandler.h"

#include <memory>
#include <string_view>

namespace switchyard {

// Client side: parses what an upstream sends back. Response framing depends
// on the request (HEAD, upgrade), so call expectResponse() once per request
// sent, in order; a response with nothing expected is an error.
// 1xx responses other than 101 are delivered as complete messages and keep
// the request pending; 101 to an upgrade request ends parsing (Upgraded).
// Every error has status 502: the upstream broke the protocol.
// Until-close bodies end with finish() (upstream EOF).
class HttpResponseParser
{
public:
    explicit HttpResponseParser(HttpResponseHandler &handler, const HttpLimits &limits = {});
    ~HttpResponseParser();
    HttpResponseParser(const HttpResponseParser &) = delete;
    HttpResponseParser &operator=(const HttpResponseParser &) = delete;

    void expectResponse(std::string_view requestMethod, bool upgradeRequested = false);

    HttpFeedResult feed(std::string_view bytes);
    HttpFeedResult finish();
    void setPauseAfterMessage(bool on);
    void resume();
    const HttpParseError &error() const;

private:
    class Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace switchyard
