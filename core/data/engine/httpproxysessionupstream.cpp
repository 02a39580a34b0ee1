// SPDX-License-Identifier: Apache-2.0
// HttpProxySession, upstream side: dialing or reusing the upstream
// connection, writing the request, reading and relaying the response.
#include "data/engine/httpproxysession.h"

#include "data/engine/engineerrors.h"
#include "data/engine/enginestate.h"
#include "data/engine/upstreamconnector.h"
#include "data/http/httpforwarding.h"
#include "data/http/httpserializer.h"

namespace switchyard {

std::string HttpProxySession::upstreamKey() const
{
    const Upstream &upstream = *m_endpoint->upstream;
    return std::string(upstream.isTls() ? "s|" : "h|") + upstream.host() + ':' + std::to_string(upstream.port());
}

void HttpProxySession::startForwarding()
{
    const ForwardingContext context{m_info.clientIp, m_info.proto};
    const HttpRequestHead out = HttpForwarding::prepareUpstreamRequest(m_request, context);
    m_upChunked = out.framing == HttpBodyFraming::Chunked;
    m_upOut.clear();
    HttpSerializer::appendRequestHead(m_upOut, out);
    m_upOut += m_requestBody; // a body a policy read whole
    m_requestBody.clear();
    m_responseParser = std::make_unique<HttpResponseParser>(*m_responseSide);
    m_responseParser->setPauseAfterMessage(true);
    m_responseParser->expectResponse(m_request.method, m_request.upgrade);

    m_upstream = m_worker.upstreams().take(upstreamKey(), Clock::now(),
                                           m_limits->upstreamIdleTimeout);
    if (m_upstream) {
        captureUpstreamConnected();
        m_upstreamReused = true;
        if (m_request.framing == HttpBodyFraming::None && !m_request.upgrade)
            m_retryHead = m_upOut;
        readUpstream();
        return;
    }
    connectUpstream();
}

void HttpProxySession::connectUpstream()
{
    setUpstreamWait(UpstreamWait::Connect);
    const EngineState &state = m_worker.state();
    const std::uint64_t exchange = m_exchange;
    // The callback owns the session while connecting (nothing else may be
    // pending); the connector drops it once it has run.
    m_connector = UpstreamConnector::start(
        m_worker.context(), *m_endpoint->upstream, state.tlsClient ? &*state.tlsClient : nullptr,
        [self = shared_from_this(), exchange](std::shared_ptr<ByteStream> stream, const std::string &error) {
            self->onUpstreamConnected(exchange, std::move(stream), error);
        });
}

void HttpProxySession::onUpstreamConnected(std::uint64_t exchange, std::shared_ptr<ByteStream> stream,
                                           const std::string &error)
{
    m_connector.reset();
    if (exchange != m_exchange || m_phase != Phase::Exchange) {
        if (stream)
            stream->close();
        return;
    }
    setUpstreamWait(UpstreamWait::None);
    if (!stream) {
        upstreamFailed(502, "Switchyard could not connect to the upstream " + m_endpoint->upstream->toString() + ": "
                                + error + ".",
                       EngineErrors::UpstreamUnreachable);
        return;
    }
    m_upstream = std::move(stream);
    captureUpstreamConnected();
    readUpstream();
    flushUpstream();
    maybeReadClient();
}

void HttpProxySession::flushUpstream()
{
    if (!m_upstream || m_upWriting || m_upOut.empty())
        return;
    m_upWriting = true;
    if (m_phase == Phase::Exchange && m_upstreamWait == UpstreamWait::None)
        setUpstreamWait(UpstreamWait::Send);
    m_upSending.swap(m_upOut);
    m_upOut.clear();
    m_upstream->asyncWrite(m_upSending.data(), m_upSending.size(),
                           [self = shared_from_this(), stream = m_upstream](const std::error_code &error, std::size_t) {
                               self->onUpstreamWritten(stream, error);
                           });
}

void HttpProxySession::onUpstreamWritten(const std::shared_ptr<ByteStream> &stream, const std::error_code &error)
{
    if (stream != m_upstream)
        return;
    m_upWriting = false;
    m_upSending.clear();
    if (m_upstreamWait == UpstreamWait::Send)
        setUpstreamWait(UpstreamWait::None);
    if (m_phase == Phase::Tunnel) {
        if (error) {
            closeNow();
            return;
        }
        if (!m_upOut.empty())
            flushUpstream();
        else if (!m_tunnelClientDone)
            readClientNow();
        return;
    }
    if (m_phase != Phase::Exchange)
        return;
    if (error) {
        // The read side sees the reset too; make sure it does.
        if (!m_upReading) {
            upstreamFailed(502, "The upstream " + m_endpoint->upstream->toString()
                                    + " closed the connection while receiving the request.",
                           EngineErrors::BadUpstreamResponse);
        }
        m_upstreamClean = false;
        return;
    }
    if (!m_upOut.empty()) {
        flushUpstream();
        return;
    }
    // A head held for on_http_response's http-request has arrived already.
    if (m_requestComplete && !m_responseStarted && !m_responseCall && m_upstreamWait == UpstreamWait::None)
        setUpstreamWait(UpstreamWait::Response);
    maybeReadClient();
    maybeFinish();
}

void HttpProxySession::readUpstream()
{
    // While on_http_response waits for a call, what was read is held: the
    // upstream waits too (backpressure).
    if (m_upReading || !m_upstream || m_phase >= Phase::Closing || m_responseCall)
        return;
    if (!m_upIn)
        m_upIn = m_worker.takeBuffer();
    m_upReading = true;
    if (!m_upstreamBytesSeen && !m_upstream->isTls()) {
        // Nothing of the response yet: it cannot have arrived before the
        // request went out, so a read now (asio tries one at once) would
        // be a wasted syscall. Wait for readiness, then read directly.
        m_upstream->asyncWaitReadable([self = shared_from_this(), stream = m_upstream](const std::error_code &error,
                                                                                        std::size_t) {
            if (stream != self->m_upstream)
                return;
            if (error) {
                self->onUpstreamRead(stream, error, 0);
                return;
            }
            std::error_code readError;
            const std::size_t size =
                stream->socket().read_some(asio::buffer(self->m_upIn.get(), EngineWorker::BufferSize), readError);
            if (readError == asio::error::would_block || readError == asio::error::try_again) {
                self->m_upReading = false;
                self->readUpstream();
                return;
            }
            self->onUpstreamRead(stream, readError, size);
        });
        return;
    }
    m_upstream->asyncReadSome(m_upIn.get(), EngineWorker::BufferSize,
                              [self = shared_from_this(), stream = m_upstream](const std::error_code &error,
                                                                                 std::size_t size) {
                                  self->onUpstreamRead(stream, error, size);
                              });
}

void HttpProxySession::onUpstreamRead(const std::shared_ptr<ByteStream> &stream, const std::error_code &error,
                                      std::size_t size)
{
    if (stream != m_upstream)
        return;
    m_upReading = false;
    if (m_phase == Phase::Tunnel) {
        if (error) {
            m_tunnelUpstreamDone = true;
            m_client->shutdownSend();
            if (m_tunnelClientDone)
                closeNow();
            return;
        }
        setReadWait(ReadWait::Tunnel);
        m_clientOut.append(m_upIn.get(), size);
        flushClient();
        return;
    }
    if (m_phase != Phase::Exchange)
        return;
    if (error) {
        onUpstreamEof();
        return;
    }
    m_upstreamBytesSeen = true;
    feedUpstream(std::string_view(m_upIn.get(), size));
}

void HttpProxySession::feedUpstream(std::string_view data)
{
    while (true) {
        const HttpFeedResult result = m_responseParser->feed(data);
        if (m_phase != Phase::Exchange)
            return;
        if (result.status == HttpFeedStatus::Error) {
            if (!m_responseStarted)
                upstreamFailed(502, "The upstream " + m_endpoint->upstream->toString()
                                        + " sent an invalid response: " + m_responseParser->error().reason + ".",
                               EngineErrors::BadUpstreamResponse);
            else
                closeNow();
            return;
        }
        data.remove_prefix(result.consumed);
        if (result.status == HttpFeedStatus::Paused && !m_responseComplete && !m_heldResponseComplete) {
            // A 1xx went by; the final response follows.
            m_responseParser->resume();
            continue;
        }
        if (result.status == HttpFeedStatus::Upgraded) {
            m_responseUpgraded = true;
            m_clientOut.append(data);
        } else if (result.status == HttpFeedStatus::Closed) {
            m_upstreamKeepAlive = false;
        } else if (result.status == HttpFeedStatus::Paused && !data.empty()) {
            // Bytes after a complete response that nobody asked for.
            m_upstreamClean = false;
        }
        break;
    }
    flushClient();
    if (!m_clientWriting && !m_responseComplete && !m_responseUpgraded)
        readUpstream();
    maybeFinish();
}

void HttpProxySession::onUpstreamEof()
{
    m_upstreamClean = false;
    if (!m_responseStarted && m_upstreamReused && !m_upstreamBytesSeen && !m_retryHead.empty()) {
        // The pooled connection had been closed by the upstream in the
        // meantime; a bodiless request that got no byte back is safe to send
        // once more on a fresh connection.
        dropUpstream();
        m_upOut = std::move(m_retryHead);
        m_retryHead.clear();
        m_upstreamReused = false;
        m_responseParser = std::make_unique<HttpResponseParser>(*m_responseSide);
        m_responseParser->setPauseAfterMessage(true);
        m_responseParser->expectResponse(m_request.method, m_request.upgrade);
        connectUpstream();
        return;
    }
    const HttpFeedResult result = m_responseParser->finish();
    if (m_phase != Phase::Exchange)
        return;
    m_upstreamKeepAlive = false;
    if (result.status == HttpFeedStatus::Error || !m_responseComplete) {
        if (!m_responseStarted)
            upstreamFailed(502, "The upstream " + m_endpoint->upstream->toString()
                                    + " closed the connection without a complete response.",
                           EngineErrors::BadUpstreamResponse);
        else
            closeNow();
        return;
    }
    flushClient();
    maybeFinish();
}

void HttpProxySession::upstreamFailed(int status, const std::string &message, std::string_view code)
{
    dropUpstream();
    if (m_responseStarted) {
        closeNow();
        return;
    }
    reportUpstreamFailure(status);
    respondError(status, message, code);
    flushClient();
    maybeFinish();
}

void HttpProxySession::dropUpstream()
{
    setUpstreamWait(UpstreamWait::None);
    if (m_connector) {
        auto connector = std::move(m_connector);
        connector->cancel();
    }
    if (m_upstream) {
        m_upstream->close();
        m_upstream.reset();
    }
    m_upWriting = m_upReading = false;
    m_upOut.clear();
}

// ----------------------------------------------------------- response events

void HttpProxySession::onResponseHead(HttpResponseHead head)
{
    if (head.informational() && !head.upgrade) {
        m_informational = true;
        if (head.status == 100 && m_request.version == HttpVersion::Http11)
            m_clientOut += "HTTP/1.1 100 Continue\r\n\r\n";
        return;
    }
    setUpstreamWait(UpstreamWait::None);
    m_retryHead.clear();
    HttpResponseHead out = HttpForwarding::prepareClientResponse(head, m_request.version);
    m_upstreamKeepAlive = head.keepAlive;
    if (m_request.upgrade && !head.upgrade)
        m_clientKeepAlive = false; // the request parser stopped at the upgrade head
    if (m_policyRuns && holdResponseForPolicy(out))
        return;
    sendResponseHead(std::move(out));
}

void HttpProxySession::sendResponseHead(HttpResponseHead out)
{
    if (!out.upgrade) {
        if (!out.keepAlive || !m_clientKeepAlive || m_worker.state().stopping.load(std::memory_order_relaxed)) {
            m_clientKeepAlive = false;
            out.headers.set("connection", "close");
        } else if (m_request.version == HttpVersion::Http10) {
            out.headers.set("connection", "keep-alive");
        }
    }
    m_clientChunked = out.framing == HttpBodyFraming::Chunked;
    captureResponseHead(out);
    HttpSerializer::appendResponseHead(m_clientOut, out);
    m_responseStarted = true;
}

void HttpProxySession::onResponseBody(std::string_view data)
{
    if (m_informational)
        return;
    // Policy bodies are captured where they reach the client
    // (appendClientBody, sendWholeResponse): the inspector shows what was sent.
    if (m_responseCall || m_bufferResponse || m_discardResponseBody || m_compressor) {
        relayPolicyBody(data);
        return;
    }
    captureResponseBody(data);
    if (m_clientChunked)
        HttpSerializer::appendChunk(m_clientOut, data);
    else
        m_clientOut.append(data);
}

void HttpProxySession::onResponseTrailers(HttpHeaders trailers)
{
    m_responseTrailers = std::move(trailers);
}

void HttpProxySession::onResponseComplete()
{
    if (m_informational) {
        m_informational = false;
        return;
    }
    if (m_responseCall) {
        m_heldResponseComplete = true; // replayed when the call is over
        return;
    }
    if (completePolicyBody()) {
        m_responseTrailers = {};
        m_responseComplete = true;
        return;
    }
    if (m_clientChunked)
        HttpSerializer::appendLastChunk(m_clientOut, m_responseTrailers);
    m_responseTrailers = {};
    m_responseComplete = true;
    // Handed over before the last bytes go out, so a client that saw the
    // whole response finds it in the inspector.
    captureEnd();
}

} // namespace switchyard
