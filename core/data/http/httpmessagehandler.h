// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "data/http/httpheaders.h"
#include "data/http/httpmessage.h"

#include <string_view>

namespace switchyard {

// Events common to requests and responses, delivered synchronously from
// feed()/finish(), in wire order. Body data is streamed: each view points
// into the buffer passed to feed() and is valid only during the call.
class HttpMessageHandler
{
public:
    virtual ~HttpMessageHandler() = default;
    virtual void onBody(std::string_view data) = 0;
    // Only for chunked messages that carried trailer fields (after dropping
    // those RFC 9110 §6.5.1 forbids, see README.md); before onMessageComplete.
    virtual void onTrailers(HttpHeaders trailers) = 0;
    virtual void onMessageComplete() = 0;
};

class HttpRequestHandler : public HttpMessageHandler
{
public:
    virtual void onRequestHead(HttpRequestHead head) = 0;
};

class HttpResponseHandler : public HttpMessageHandler
{
public:
    virtual void onResponseHead(HttpResponseHead head) = 0;
};

} // namespace switchyard
