// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "data/http/httpchunkeddecoder.h"
#include "data/http/httpfeedresult.h"
#include "data/http/httpheadscanner.h"
#include "data/http/httplimits.h"

#include <cstdint>
#include <memory>
#include <string_view>

namespace switchyard {

// Internal to HttpRequestParser/HttpResponseParser: the incremental engine
// shared by both. The head goes through HttpHeadScanner (strict syntax,
// limits) and, byte for byte, through llhttp as a second validator; body
// framing (Content-Length, chunked, until-close) is decoded here so that
// llhttp's lenient body paths are never involved. Role-specific meaning
// (Host, Transfer-Encoding, HEAD/1xx/204/304) is decided by the Delegate.
class HttpParserEngine
{
public:
    enum class Role { Request, Response };

    struct HeadDecision
    {
        HttpBodyFraming framing = HttpBodyFraming::None;
        std::uint64_t contentLength = 0;
        bool keepAlive = true;
        bool upgrade = false;
    };

    class Delegate
    {
    public:
        virtual ~Delegate() = default;
        // Interprets and delivers a complete head. Returns false (with
        // `error` set) to refuse it; nothing has been delivered then.
        virtual bool onHead(HttpRawHead &&head, HeadDecision &decision, HttpParseError &error) = 0;
        virtual void onBody(std::string_view data) = 0;
        virtual void onTrailers(HttpHeaders &&trailers) = 0;
        virtual void onMessageComplete() = 0;
    };

    HttpParserEngine(Role role, const HttpLimits &limits, Delegate &delegate);
    ~HttpParserEngine();
    HttpParserEngine(const HttpParserEngine &) = delete;
    HttpParserEngine &operator=(const HttpParserEngine &) = delete;

    HttpFeedResult feed(std::string_view data);
    HttpFeedResult finish();
    void setPauseAfterMessage(bool on) { m_pauseAfterMessage = on; }
    void resume();
    const HttpParseError &error() const { return m_error; }

private:
    enum class State { Head, Body, Chunked, Trailers, UntilClose, Paused, Upgraded, Closed, Error };
    struct Llhttp;

    bool feedLlhttp(std::string_view bytes);
    bool startBody();
    void completeMessage();
    void startNextMessage();
    HttpFeedResult fail(std::size_t consumed, HttpParseError error);
    HttpFeedStatus statusOf(State state) const;

    Role m_role;
    HttpLimits m_limits;
    Delegate &m_delegate;
    std::unique_ptr<Llhttp> m_llhttp;
    HttpHeadScanner m_scanner;
    HttpChunkedDecoder m_chunked;
    HeadDecision m_decision;
    std::uint64_t m_remaining = 0;
    State m_state = State::Head;
    bool m_pauseAfterMessage = false;
    HttpParseError m_error;
};

} // namespace switchyard
