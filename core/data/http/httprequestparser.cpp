// SPDX-License-Identifier: Apache-2.0
#include "data/http/httprequestparser.h"

#include "data/http/httpparserengine.h"
#include "data/http/httpsyntax.h"
#include "data/http/httptarget.h"

#include <algorithm>

namespace switchyard {

namespace {

using Decision = HttpParserEngine::HeadDecision;

bool refuse(HttpParseError &error, int status, const char *reason)
{
    error = HttpParseError{status, reason};
    return false;
}

// RFC 9112 §3.2, §6, §9.3 and RFC 9110 §7.2, §7.8 applied to a head that
// is already syntactically valid.
bool interpretRequest(HttpRawHead &raw, const HttpLimits &limits, HttpRequestHead &head, Decision &decision,
                      HttpParseError &error)
{
    auto &fields = raw.headers.fields();
    const auto hasUnderscore = [](const HttpHeaderField &f) { return f.name.find('_') != std::string::npos; };
    if (std::any_of(fields.begin(), fields.end(), hasUnderscore)) {
        if (limits.underscoreHeaders == UnderscoreHeaderAction::Reject)
            return refuse(error, 400, "header name with underscore");
        fields.erase(std::remove_if(fields.begin(), fields.end(), hasUnderscore), fields.end());
    }

    if (raw.method == "CONNECT")
        return refuse(error, 501, "CONNECT is not supported");
    const auto target = HttpTargetParser::parseTarget(raw.target, raw.method);
    if (!target)
        return refuse(error, 400, "invalid request-target");

    const auto hosts = raw.headers.values("host");
    if (hosts.size() > 1)
        return refuse(error, 400, "multiple Host headers");
    if (hosts.empty() && raw.version == HttpVersion::Http11)
        return refuse(error, 400, "missing Host header");
    std::optional<HttpAuthority> hostAuthority;
    if (!hosts.empty()) {
        hostAuthority = HttpTargetParser::parseAuthority(hosts.front());
        if (!hostAuthority)
            return refuse(error, 400, "invalid Host header");
    }

    std::uint64_t contentLength = 0;
    const auto cl = httpsyntax::readContentLength(raw.headers, contentLength);
    if (cl == httpsyntax::ContentLengthState::Repeated)
        return refuse(error, 400, "multiple Content-Length headers");
    if (cl == httpsyntax::ContentLengthState::Invalid)
        return refuse(error, 400, "invalid Content-Length");
    const auto te = httpsyntax::readTransferEncoding(raw.headers);
    if (te != httpsyntax::TransferEncoding::Absent) {
        if (cl != httpsyntax::ContentLengthState::Absent)
            return refuse(error, 400, "Content-Length with Transfer-Encoding");
        if (raw.version == HttpVersion::Http10)
            return refuse(error, 400, "Transfer-Encoding in an HTTP/1.0 request");
        switch (te) {
        case httpsyntax::TransferEncoding::Repeated:
            return refuse(error, 400, "repeated Transfer-Encoding header");
        case httpsyntax::TransferEncoding::Malformed:
            return refuse(error, 400, "malformed Transfer-Encoding");
        case httpsyntax::TransferEncoding::NotFinalChunked:
            return refuse(error, 400, "Transfer-Encoding does not end in chunked");
        case httpsyntax::TransferEncoding::OtherCodings:
            return refuse(error, 501, "transfer coding not implemented");
        default:
            break;
        }
        decision.framing = HttpBodyFraming::Chunked;
    } else if (cl == httpsyntax::ContentLengthState::Valid) {
        if (limits.maxBodySize != 0 && contentLength > limits.maxBodySize)
            return refuse(error, 413, "request body too large");
        decision.framing = HttpBodyFraming::ContentLength;
        decision.contentLength = contentLength;
    }

    const bool close = raw.headers.hasToken("connection", "close");
    decision.keepAlive = raw.version == HttpVersion::Http11
                             ? !close
                             : (!close && raw.headers.hasToken("connection", "keep-alive"));
    const bool noBody = decision.framing == HttpBodyFraming::None
                        || (decision.framing == HttpBodyFraming::ContentLength && decision.contentLength == 0);
    decision.upgrade = raw.version == HttpVersion::Http11 && raw.method == "GET" && noBody
                       && raw.headers.hasToken("connection", "upgrade")
                       && raw.headers.hasToken("upgrade", "websocket");

    head.method = std::move(raw.method);
    head.target = std::move(raw.target);
    head.version = raw.version;
    head.framing = decision.framing;
    head.contentLength = decision.contentLength;
    head.keepAlive = decision.keepAlive;
    head.upgrade = decision.upgrade;
    head.expectContinue = false;
    // RFC 9110 §10.1.1: a 100-continue expectation in HTTP/1.0 is ignored.
    for (std::string_view v : raw.headers.values("expect")) {
        if (raw.version == HttpVersion::Http11 && HttpHeaders::equalsIgnoreCase(httpsyntax::trimOws(v), "100-continue"))
            head.expectContinue = true;
    }
    head.targetForm = target->form;
    head.pathAndQuery = target->pathAndQuery;
    if (target->form == HttpTargetForm::Absolute) {
        // RFC 9112 §3.2.2: the target's authority wins over Host.
        head.authority = target->authority;
        const auto parsed = HttpTargetParser::parseAuthority(target->authority);
        head.authorityHost = parsed->host;
        head.authorityPort = parsed->port;
    } else if (hostAuthority) {
        head.authority = std::string(hosts.front());
        head.authorityHost = hostAuthority->host;
        head.authorityPort = hostAuthority->port;
    }
    head.headers = std::move(raw.headers);
    return true;
}

} // namespace

class HttpRequestParser::Impl : public HttpParserEngine::Delegate
{
public:
    Impl(HttpRequestHandler &handler, const HttpLimits &limits)
        : m_handler(handler), m_limits(limits), m_engine(HttpParserEngine::Role::Request, limits, *this)
    {
    }

    bool onHead(HttpRawHead &&raw, Decision &decision, HttpParseError &error) override
    {
        HttpRequestHead head;
        if (!interpretRequest(raw, m_limits, head, decision, error))
            return false;
        m_handler.onRequestHead(std::move(head));
        return true;
    }
    void onBody(std::string_view data) override { m_handler.onBody(data); }
    void onTrailers(HttpHeaders &&trailers) override { m_handler.onTrailers(std::move(trailers)); }
    void onMessageComplete() override { m_handler.onMessageComplete(); }

    HttpRequestHandler &m_handler;
    HttpLimits m_limits;
    HttpParserEngine m_engine;
};

HttpRequestParser::HttpRequestParser(HttpRequestHandler &handler, const HttpLimits &limits)
    : m_impl(std::make_unique<Impl>(handler, limits))
{
}

HttpRequestParser::~HttpRequestParser() = default;

HttpFeedResult HttpRequestParser::feed(std::string_view bytes)
{
    return m_impl->m_engine.feed(bytes);
}

HttpFeedResult HttpRequestParser::finish()
{
    return m_impl->m_engine.finish();
}

void HttpRequestParser::setPauseAfterMessage(bool on)
{
    m_impl->m_engine.setPauseAfterMessage(on);
}

void HttpRequestParser::resume()
{
    m_impl->m_engine.resume();
}

const HttpParseError &HttpRequestParser::error() const
{
    return m_impl->m_engine.error();
}

} // namespace switchyard
