// SPDX-License-Identifier: Apache-2.0
#include "data/http/httpparserengine.h"

#include <llhttp.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>

namespace switchyard {

namespace {

// Fields that must not arrive as trailers (RFC 9110 §6.5.1: framing,
// routing, connection control, authentication, content processing), nor
// our own error header. Dropped so no later hop can merge them into a head.
constexpr std::array<std::string_view, 19> ForbiddenTrailers = {
    "content-length", "transfer-encoding", "trailer", "host", "connection", "keep-alive",
    "proxy-connection", "te", "upgrade", "authorization", "proxy-authorization",
    "proxy-authenticate", "www-authenticate", "cookie", "set-cookie", "content-encoding",
    "content-type", "content-range", "switchyard-error-code",
};

bool forbiddenTrailer(const HttpHeaderField &f)
{
    return std::find(ForbiddenTrailers.begin(), ForbiddenTrailers.end(), f.lowerName) != ForbiddenTrailers.end();
}

} // namespace

// llhttp sees exactly the bytes of each head. It never parses a body: its
// on_headers_complete answers 1 ("no body"), so its lenient body and
// keep-alive paths stay out of play. Lenient flags are never set.
struct HttpParserEngine::Llhttp
{
    llhttp_t parser{};
    llhttp_settings_t settings{};
    int messagesBegun = 0;
    bool headersComplete = false;

    static Llhttp *self(llhttp_t *p) { return static_cast<Llhttp *>(p->data); }

    static int onMessageBegin(llhttp_t *p)
    {
        // A second message inside one head means llhttp and the scanner
        // disagree about where the head ends: refuse rather than guess.
        if (++self(p)->messagesBegun > 1) {
            llhttp_set_error_reason(p, "head boundaries disagree");
            return HPE_USER;
        }
        return 0;
    }

    static int onHeadersComplete(llhttp_t *p)
    {
        self(p)->headersComplete = true;
        p->upgrade = 0;
        return 1;
    }

    explicit Llhttp(Role role)
    {
        llhttp_settings_init(&settings);
        settings.on_message_begin = &Llhttp::onMessageBegin;
        settings.on_headers_complete = &Llhttp::onHeadersComplete;
        llhttp_init(&parser, role == Role::Request ? HTTP_REQUEST : HTTP_RESPONSE, &settings);
        parser.data = this;
    }

    void reset()
    {
        llhttp_reset(&parser);
        parser.data = this;
        messagesBegun = 0;
        headersComplete = false;
    }
};

HttpParserEngine::HttpParserEngine(Role role, const HttpLimits &limits, Delegate &delegate)
    : m_role(role),
      m_limits(limits),
      m_delegate(delegate),
      m_llhttp(std::make_unique<Llhttp>(role)),
      m_scanner(role == Role::Request ? HttpHeadScanner::Mode::Request : HttpHeadScanner::Mode::Response,
                m_limits)
{
}

HttpParserEngine::~HttpParserEngine() = default;

HttpFeedStatus HttpParserEngine::statusOf(State state) const
{
    switch (state) {
    case State::Paused: return HttpFeedStatus::Paused;
    case State::Upgraded: return HttpFeedStatus::Upgraded;
    case State::Closed: return HttpFeedStatus::Closed;
    case State::Error: return HttpFeedStatus::Error;
    default: return HttpFeedStatus::Ok;
    }
}

HttpFeedResult HttpParserEngine::fail(std::size_t consumed, HttpParseError error)
{
    if (m_role == Role::Response)
        error.status = 502;
    m_error = std::move(error);
    m_state = State::Error;
    return {consumed, HttpFeedStatus::Error};
}

bool HttpParserEngine::feedLlhttp(std::string_view bytes)
{
    if (bytes.empty())
        return true;
    const llhttp_errno_t err = llhttp_execute(&m_llhttp->parser, bytes.data(), bytes.size());
    if (err == HPE_OK)
        return true;
    const char *llReason = llhttp_get_error_reason(&m_llhttp->parser);
    HttpParseError error{400, std::string("malformed message: ") + (llReason ? llReason : llhttp_errno_name(err))};
    if (m_role == Role::Request) {
        // The scanner has already checked the method is a token and the
        // version's shape, so what llhttp refuses here is an unknown method
        // or an unsupported version.
        if (err == HPE_INVALID_METHOD)
            error = HttpParseError{501, "method not implemented"};
        else if (err == HPE_INVALID_VERSION && llReason && std::strcmp(llReason, "Invalid HTTP version") == 0)
            error = HttpParseError{505, "HTTP version not supported"};
    }
    fail(0, std::move(error));
    return false;
}

HttpFeedResult HttpParserEngine::feed(std::string_view data)
{
    if (m_state == State::Paused || m_state == State::Upgraded || m_state == State::Closed
        || m_state == State::Error)
        return {0, statusOf(m_state)};

    std::size_t pos = 0;
    while (pos < data.size()) {
        const std::string_view rest = data.substr(pos);
        switch (m_state) {
        case State::Head: {
            const auto step = m_scanner.scan(rest);
            if (!feedLlhttp(rest.substr(0, step.consumed)))
                return {pos, HttpFeedStatus::Error};
            pos += step.consumed;
            if (step.outcome == HttpHeadScanner::Outcome::Error)
                return fail(pos, m_scanner.error());
            if (step.outcome == HttpHeadScanner::Outcome::Complete && !startBody())
                return {pos, HttpFeedStatus::Error};
            break;
        }
        case State::Body: {
            const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(m_remaining, rest.size()));
            m_delegate.onBody(rest.substr(0, n));
            m_remaining -= n;
            pos += n;
            if (m_remaining == 0)
                completeMessage();
            break;
        }
        case State::Chunked: {
            const auto step = m_chunked.feed(rest);
            if (!step.data.empty())
                m_delegate.onBody(step.data);
            pos += step.consumed;
            if (step.outcome == HttpChunkedDecoder::Outcome::Error)
                return fail(pos, m_chunked.error());
            if (step.outcome == HttpChunkedDecoder::Outcome::LastChunk) {
                m_scanner.reset(HttpHeadScanner::Mode::Trailers);
                m_state = State::Trailers;
            }
            break;
        }
        case State::Trailers: {
            const auto step = m_scanner.scan(rest);
            pos += step.consumed;
            if (step.outcome == HttpHeadScanner::Outcome::Error)
                return fail(pos, m_scanner.error());
            if (step.outcome == HttpHeadScanner::Outcome::Complete) {
                auto &fields = m_scanner.head().headers.fields();
                const auto underscore = [](const HttpHeaderField &f) { return f.name.find('_') != std::string::npos; };
                if (m_role == Role::Request && std::any_of(fields.begin(), fields.end(), underscore)) {
                    if (m_limits.underscoreHeaders == UnderscoreHeaderAction::Reject)
                        return fail(pos, HttpParseError{400, "trailer name with underscore"});
                    fields.erase(std::remove_if(fields.begin(), fields.end(), underscore), fields.end());
                }
                fields.erase(std::remove_if(fields.begin(), fields.end(), forbiddenTrailer), fields.end());
                if (!fields.empty())
                    m_delegate.onTrailers(std::move(m_scanner.head().headers));
                completeMessage();
            }
            break;
        }
        case State::UntilClose:
            m_delegate.onBody(rest);
            pos = data.size();
            break;
        case State::Paused:
        case State::Upgraded:
        case State::Closed:
        case State::Error:
            return {pos, statusOf(m_state)};
        }
    }
    return {pos, statusOf(m_state)};
}

bool HttpParserEngine::startBody()
{
    if (!m_llhttp->headersComplete || m_llhttp->messagesBegun != 1) {
        fail(0, HttpParseError{400, "malformed message head"});
        return false;
    }
    HttpParseError error;
    m_decision = HeadDecision{};
    if (!m_delegate.onHead(std::move(m_scanner.head()), m_decision, error)) {
        fail(0, std::move(error));
        return false;
    }
    switch (m_decision.framing) {
    case HttpBodyFraming::None:
        completeMessage();
        break;
    case HttpBodyFraming::ContentLength:
        m_remaining = m_decision.contentLength;
        if (m_remaining == 0)
            completeMessage();
        else
            m_state = State::Body;
        break;
    case HttpBodyFraming::Chunked:
        m_chunked.reset(m_role == Role::Request ? m_limits.maxBodySize : 0, m_limits.maxChunkLineLength);
        m_state = State::Chunked;
        break;
    case HttpBodyFraming::UntilClose:
        m_state = State::UntilClose;
        break;
    }
    return true;
}

void HttpParserEngine::completeMessage()
{
    m_delegate.onMessageComplete();
    if (m_decision.upgrade)
        m_state = State::Upgraded;
    else if (!m_decision.keepAlive)
        m_state = State::Closed;
    else if (m_pauseAfterMessage)
        m_state = State::Paused;
    else
        startNextMessage();
}

void HttpParserEngine::startNextMessage()
{
    m_scanner.reset(m_role == Role::Request ? HttpHeadScanner::Mode::Request : HttpHeadScanner::Mode::Response);
    m_llhttp->reset();
    m_state = State::Head;
}

void HttpParserEngine::resume()
{
    if (m_state == State::Paused)
        startNextMessage();
}

HttpFeedResult HttpParserEngine::finish()
{
    switch (m_state) {
    case State::UntilClose:
        completeMessage();
        return {0, statusOf(m_state)};
    case State::Head:
        if (m_scanner.idle()) {
            m_state = State::Closed;
            return {0, HttpFeedStatus::Closed};
        }
        return fail(0, HttpParseError{400, "connection closed inside a message head"});
    case State::Body:
    case State::Chunked:
    case State::Trailers:
        return fail(0, HttpParseError{400, "connection closed before the body was complete"});
    case State::Paused:
    case State::Upgraded:
    case State::Closed:
    case State::Error:
        break;
    }
    return {0, statusOf(m_state)};
}

} // namespace switchyard
