// SPDX-License-Identifier: Apache-2.0
#include "data/http/httpresponseparser.h"

#include "data/http/httpparserengine.h"
#include "data/http/httpsyntax.h"

#include <deque>
#include <string>

namespace switchyard {

namespace {

using Decision = HttpParserEngine::HeadDecision;

struct PendingRequest
{
    std::string method;
    bool upgradeRequested = false;
};

bool refuse(HttpParseError &error, const char *reason)
{
    error = HttpParseError{502, reason};
    return false;
}

// RFC 9112 §6.3 message-length rules for responses. Transfer codings other
// than a plain "chunked" are refused: we re-frame bodies and cannot forward
// a coding we do not decode.
bool interpretResponse(HttpRawHead &raw, const PendingRequest &request, HttpResponseHead &head,
                       Decision &decision, HttpParseError &error)
{
    std::uint64_t contentLength = 0;
    const auto cl = httpsyntax::readContentLength(raw.headers, contentLength);
    if (cl == httpsyntax::ContentLengthState::Repeated)
        return refuse(error, "multiple Content-Length headers in response");
    if (cl == httpsyntax::ContentLengthState::Invalid)
        return refuse(error, "invalid Content-Length in response");
    const auto te = httpsyntax::readTransferEncoding(raw.headers);
    if (te != httpsyntax::TransferEncoding::Absent) {
        if (cl != httpsyntax::ContentLengthState::Absent)
            return refuse(error, "Content-Length with Transfer-Encoding in response");
        if (te != httpsyntax::TransferEncoding::Chunked)
            return refuse(error, "unsupported Transfer-Encoding in response");
    }

    const int status = raw.status;
    const bool close = raw.headers.hasToken("connection", "close");
    decision.keepAlive = raw.version == HttpVersion::Http11
                             ? !close
                             : (!close && raw.headers.hasToken("connection", "keep-alive"));
    if (status == 101) {
        if (!request.upgradeRequested)
            return refuse(error, "101 Switching Protocols without an upgrade request");
        // We only ever ask for WebSocket; anything else would be a tunnel we never agreed to.
        if (!raw.headers.hasToken("upgrade", "websocket") || !raw.headers.hasToken("connection", "upgrade"))
            return refuse(error, "101 Switching Protocols to something other than websocket");
        decision.upgrade = true;
        decision.framing = HttpBodyFraming::None;
    } else if ((status >= 100 && status < 200) || status == 204 || status == 304 || request.method == "HEAD") {
        decision.framing = HttpBodyFraming::None;
        if (status < 200)
            decision.keepAlive = true;
    } else if (te == httpsyntax::TransferEncoding::Chunked) {
        decision.framing = HttpBodyFraming::Chunked;
    } else if (cl == httpsyntax::ContentLengthState::Valid) {
        decision.framing = HttpBodyFraming::ContentLength;
        decision.contentLength = contentLength;
    } else {
        decision.framing = HttpBodyFraming::UntilClose;
        decision.keepAlive = false;
    }

    head.version = raw.version;
    head.status = status;
    head.reason = std::move(raw.reason);
    head.framing = decision.framing;
    // For HEAD/304 the Content-Length describes the representation, not a body.
    head.contentLength = cl == httpsyntax::ContentLengthState::Valid ? contentLength : 0;
    head.keepAlive = decision.keepAlive;
    head.upgrade = decision.upgrade;
    head.headers = std::move(raw.headers);
    return true;
}

} // namespace

class HttpResponseParser::Impl : public HttpParserEngine::Delegate
{
public:
    Impl(HttpResponseHandler &handler, const HttpLimits &limits)
        : m_handler(handler), m_engine(HttpParserEngine::Role::Response, limits, *this)
    {
    }

    bool onHead(HttpRawHead &&raw, Decision &decision, HttpParseError &error) override
    {
        if (m_pending.empty())
            return refuse(error, "response without a request");
        HttpResponseHead head;
        if (!interpretResponse(raw, m_pending.front(), head, decision, error))
            return false;
        if (!head.informational() || head.status == 101)
            m_pending.pop_front();
        m_handler.onResponseHead(std::move(head));
        return true;
    }
    void onBody(std::string_view data) override { m_handler.onBody(data); }
    void onTrailers(HttpHeaders &&trailers) override { m_handler.onTrailers(std::move(trailers)); }
    void onMessageComplete() override { m_handler.onMessageComplete(); }

    HttpResponseHandler &m_handler;
    std::deque<PendingRequest> m_pending;
    HttpParserEngine m_engine;
};

HttpResponseParser::HttpResponseParser(HttpResponseHandler &handler, const HttpLimits &limits)
    : m_impl(std::make_unique<Impl>(handler, limits))
{
}

HttpResponseParser::~HttpResponseParser() = default;

void HttpResponseParser::expectResponse(std::string_view requestMethod, bool upgradeRequested)
{
    m_impl->m_pending.push_back(PendingRequest{std::string(requestMethod), upgradeRequested});
}

HttpFeedResult HttpResponseParser::feed(std::string_view bytes)
{
    return m_impl->m_engine.feed(bytes);
}

HttpFeedResult HttpResponseParser::finish()
{
    return m_impl->m_engine.finish();
}

void HttpResponseParser::setPauseAfterMessage(bool on)
{
    m_impl->m_engine.setPauseAfterMessage(on);
}

void HttpResponseParser::resume()
{
    m_impl->m_engine.resume();
}

const HttpParseError &HttpResponseParser::error() const
{
    return m_impl->m_engine.error();
}

} // namespace switchyard
