// SPDX-License-Identifier: Apache-2.0
#include "data/engine/httpproxysession.h"

#include "data/engine/engineerrors.h"
#include "data/engine/enginestate.h"
#include "data/http/httperrorresponse.h"
#include "data/http/httpserializer.h"

#include <asio/error.hpp>

namespace switchyard {

namespace {

DeadlineNode::Clock::time_point after(EngineLimits::Duration timeout)
{
    if (timeout.count() <= 0)
        return DeadlineNode::Clock::time_point::max();
    return DeadlineNode::Clock::now() + timeout;
}

std::string seconds(EngineLimits::Duration d)
{
    if (d.count() % 1000 == 0)
        return std::to_string(d.count() / 1000) + " s";
    return std::to_string(d.count()) + " ms";
}

} // namespace

class HttpProxySession::ResponseSide final : public HttpResponseHandler
{
public:
    explicit ResponseSide(HttpProxySession &session) : m_session(session) {}
    void onResponseHead(HttpResponseHead head) override { m_session.onResponseHead(std::move(head)); }
    void onBody(std::string_view data) override { m_session.onResponseBody(data); }
    void onTrailers(HttpHeaders trailers) override { m_session.onResponseTrailers(std::move(trailers)); }
    void onMessageComplete() override { m_session.onResponseComplete(); }

private:
    HttpProxySession &m_session;
};

HttpProxySession::HttpProxySession(EngineWorker &worker, std::shared_ptr<ByteStream> client,
                                   std::shared_ptr<const ListenerInfo> listener, HttpConnectionInfo info)
    : m_worker(worker), m_client(std::move(client)), m_listener(std::move(listener)), m_info(std::move(info)),
      m_responseSide(std::make_unique<ResponseSide>(*this)),
      m_limits(worker.state().limits.load(std::memory_order_acquire)), m_parser(*this, m_limits->http)
{
    m_parser.setPauseAfterMessage(true);
}

HttpProxySession::~HttpProxySession()
{
    m_worker.deadlines().remove(*this);
    endExchangeCount();
    uncountConnection();
    m_worker.state().connections.fetch_sub(1, std::memory_order_relaxed);
    m_worker.returnBuffer(std::move(m_in));
    m_worker.returnBuffer(std::move(m_upIn));
}

void HttpProxySession::start()
{
    m_worker.deadlines().add(*this);
    // A new connection must start its request promptly (slowloris).
    m_headStarted = true;
    setReadWait(ReadWait::Header);
    readClient();
}

// ---------------------------------------------------------------- client side

void HttpProxySession::readClient()
{
    if (m_clientReading || m_phase >= Phase::Closing || m_closeAfterWrite)
        return;
    if (!m_in && m_phase == Phase::Idle) {
        // Idle keep-alive connections hold no buffer until bytes arrive.
        m_clientReading = true;
        m_client->asyncWaitReadable([self = shared_from_this()](const std::error_code &error, std::size_t) {
            self->m_clientReading = false;
            if (self->m_phase >= Phase::Closing)
                return;
            if (error) {
                self->closeNow();
                return;
            }
            self->readClientNow();
        });
        return;
    }
    readClientNow();
}

void HttpProxySession::readClientNow()
{
    if (!m_in)
        m_in = m_worker.takeBuffer();
    m_clientReading = true;
    m_client->asyncReadSome(m_in.get(), EngineWorker::BufferSize,
                            [self = shared_from_this()](const std::error_code &error, std::size_t size) {
                                self->onClientRead(error, size);
                            });
}

void HttpProxySession::onClientRead(const std::error_code &error, std::size_t size)
{
    m_clientReading = false;
    if (m_phase == Phase::Closed)
        return;
    if (m_phase == Phase::Closing) {
        // Lingering close: discard what the client still sends until it closes.
        if (error)
            closeNow();
        else
            readClientNow();
        return;
    }
    if (m_closeAfterWrite && m_phase == Phase::Idle) {
        // An error answer is going out; nothing the client sends matters now.
        if (error)
            closeNow();
        return;
    }
    if (m_phase == Phase::Tunnel) {
        if (error) {
            m_tunnelClientDone = true;
            if (m_upstream)
                m_upstream->shutdownSend();
            if (m_tunnelUpstreamDone)
                closeNow();
            return;
        }
        setReadWait(ReadWait::Tunnel);
        m_upOut.append(m_in.get(), size);
        flushUpstream();
        return;
    }
    if (error) {
        if (error != asio::error::eof) {
            closeNow();
            return;
        }
        const HttpFeedResult result = m_parser.finish();
        if (result.status == HttpFeedStatus::Error && m_phase == Phase::Exchange) {
            onClientParseError();
            return;
        }
        // The client is done sending; answer what is in flight, then close.
        m_clientKeepAlive = false;
        if (m_phase == Phase::Idle)
            closeNow();
        return;
    }
    m_inPos = 0;
    m_inEnd = size;
    if (m_phase == Phase::Idle && !m_headStarted) {
        m_headStarted = true;
        setReadWait(ReadWait::Header);
    }
    feedClient();
}

void HttpProxySession::feedClient()
{
    const std::string_view data(m_in.get() + m_inPos, m_inEnd - m_inPos);
    const HttpFeedResult result = m_parser.feed(data);
    if (m_phase == Phase::Closed)
        return;
    m_inPos += result.consumed;
    switch (result.status) {
    case HttpFeedStatus::Ok:
        m_inPos = m_inEnd;
        break;
    case HttpFeedStatus::Paused:
        break;
    case HttpFeedStatus::Upgraded:
        // What follows the head is tunnel data, sent on after the head.
        if (!m_localResponse)
            m_upOut.append(m_in.get() + m_inPos, m_inEnd - m_inPos);
        m_inPos = m_inEnd;
        m_requestComplete = true;
        m_clientKeepAlive = false;
        break;
    case HttpFeedStatus::Closed:
        m_inPos = m_inEnd;
        m_clientKeepAlive = false;
        break;
    case HttpFeedStatus::Error:
        onClientParseError();
        return;
    }
    afterClientInput();
}

void HttpProxySession::onClientParseError()
{
    const HttpParseError &error = m_parser.error();
    m_clientKeepAlive = false;
    if (m_phase == Phase::Idle) {
        m_closeAfterWrite = true;
        setReadWait(ReadWait::None);
        m_clientOut += HttpErrorResponse::build(error.status, "Bad request: " + error.reason,
                                                EngineErrors::MalformedRequest);
        flushClient();
        return;
    }
    // A broken body: the upstream got part of a request and must never see
    // it complete, so that connection goes.
    if (m_localResponse) {
        afterClientInput();
        return;
    }
    dropUpstream();
    if (!m_responseStarted) {
        respondError(error.status, "Bad request: " + error.reason, EngineErrors::MalformedRequest);
        afterClientInput();
    } else {
        closeNow();
    }
}

void HttpProxySession::afterClientInput()
{
    if (m_phase == Phase::Idle) {
        // Part of a head: the parser keeps it; read on.
        if (m_inPos == m_inEnd)
            m_worker.returnBuffer(std::move(m_in));
        readClient();
        return;
    }
    if (m_phase != Phase::Exchange)
        return;
    flushClient();
    flushUpstream();
    maybeReadClient();
    maybeFinish();
}

void HttpProxySession::maybeReadClient()
{
    if (m_phase != Phase::Exchange || m_requestComplete || m_clientReading || m_closeAfterWrite)
        return;
    if (m_localResponse && !m_drainRequest)
        return;
    if (m_inPos != m_inEnd
        || (!m_bufferRequest && !m_localResponse && (!m_upstream || m_upWriting || !m_upOut.empty())))
        return;
    setReadWait(ReadWait::Body);
    readClientNow();
}

void HttpProxySession::flushClient()
{
    if (m_clientWriting || m_clientOut.empty() || m_phase >= Phase::Closing)
        return;
    m_clientWriting = true;
    m_clientSending.swap(m_clientOut);
    m_clientOut.clear();
    setWriteWait(true);
    m_client->asyncWrite(m_clientSending.data(), m_clientSending.size(),
                         [self = shared_from_this()](const std::error_code &error, std::size_t) {
                             self->onClientWritten(error);
                         });
}

void HttpProxySession::onClientWritten(const std::error_code &error)
{
    m_clientWriting = false;
    m_clientSending.clear();
    setWriteWait(false);
    if (m_phase >= Phase::Closing)
        return;
    if (error) {
        closeNow();
        return;
    }
    if (!m_clientOut.empty()) {
        flushClient();
        return;
    }
    if (m_phase == Phase::Tunnel) {
        if (!m_tunnelUpstreamDone)
            readUpstream();
        return;
    }
    if (m_closeAfterWrite && m_phase == Phase::Idle) {
        closeGracefully();
        return;
    }
    if (m_phase != Phase::Exchange)
        return;
    if (m_responseUpgraded) {
        startTunnel();
        return;
    }
    if (!m_responseComplete)
        readUpstream();
    maybeFinish();
}

// ------------------------------------------------------------ request events

void HttpProxySession::onRequestHead(HttpRequestHead head)
{
    m_phase = Phase::Exchange;
    ++m_exchange;
    m_exchangeCounted = true;
    m_worker.state().activeExchanges.fetch_add(1, std::memory_order_relaxed);
    setReadWait(ReadWait::None);
    m_request = std::move(head);
    captureBegin();
    m_localResponse = false;
    m_requestComplete = false;
    m_requestTrailers = {};
    m_responseStarted = m_responseComplete = m_responseUpgraded = m_informational = false;
    m_upstreamReused = m_upstreamBytesSeen = false;
    m_upstreamClean = true;
    m_clientKeepAlive = m_request.keepAlive && !m_worker.state().stopping.load(std::memory_order_relaxed);
    resetBodyState();
    route();
}

void HttpProxySession::onBody(std::string_view data)
{
    captureRequestBody(data);
    if (m_localResponse) {
        drainRequestBody(data);
        return;
    }
    if (m_bufferRequest) {
        bufferRequestBody(data);
        return;
    }
    if (m_upChunked)
        HttpSerializer::appendChunk(m_upOut, data);
    else
        m_upOut.append(data);
}

void HttpProxySession::onTrailers(HttpHeaders trailers)
{
    m_requestTrailers = std::move(trailers);
}

void HttpProxySession::onMessageComplete()
{
    if (m_phase != Phase::Exchange)
        return;
    if (!m_localResponse && m_upChunked)
        HttpSerializer::appendLastChunk(m_upOut, m_requestTrailers);
    m_requestComplete = true;
    setReadWait(ReadWait::None);
    if (m_bufferRequest && !m_localResponse)
        runBufferedRequestPolicy();
}

// ------------------------------------------------------------------- routing

void HttpProxySession::route()
{
    const EngineState &state = m_worker.state();
    const std::string &host = m_request.authorityHost;
    if (!m_info.serverName.empty() && host != m_info.serverName) {
        respondError(421, "Misdirected request: this connection is for " + m_info.serverName + ", not " + host,
                     EngineErrors::MisdirectedRequest);
        return;
    }
    m_snapshot = state.registry.snapshot();
    const Scheme scheme = m_listener->httpScheme();
    const EndpointPool *pool = m_snapshot->lookup(Binding::Public, {}, scheme, host, m_listener->routePort);
    if (!pool && m_listener->edge() && m_listener->port != m_listener->routePort)
        pool = m_snapshot->lookup(Binding::Public, {}, scheme, host, m_listener->port);
    if (!pool || pool->members.empty()) {
        respondError(404, "The endpoint " + std::string(toString(scheme)) + "://" + (host.empty() ? "?" : host)
                              + " is offline.",
                     EngineErrors::EndpointOffline);
        return;
    }
    m_endpoint = pool->members[m_worker.nextRoundRobin() % pool->members.size()];
    const Endpoint &endpoint = *m_endpoint;
    captureRoute(endpoint, nullptr);
    m_policyRuns = !endpoint.trafficPolicy.empty() || endpoint.type == EndpointType::Cloud;
    if (m_policyRuns) {
        const std::shared_ptr<HttpPolicyHook> hook = state.policyHook.load();
        if (!hook) {
            respondError(503, "The traffic policy of " + endpoint.url.toString() + " cannot run in this build yet.",
                         EngineErrors::PolicyNotExecutable);
            return;
        }
        if (hook->needsRequestBody(endpoint)) {
            bufferRequestForPolicy();
            return;
        }
        applyPolicyDecision(hook->onHttpRequest(endpoint, m_request, m_info));
        return;
    }
    forwardRequest();
}

void HttpProxySession::applyPolicyDecision(HttpPolicyDecision decision)
{
    captureRoute(*m_endpoint, &decision);
    captureFired(std::move(decision.fired), std::move(decision.logs));
    if (decision.kind == HttpPolicyDecision::Kind::Close) {
        closeNow();
        return;
    }
    if (decision.kind == HttpPolicyDecision::Kind::Call) {
        runPolicyCall(std::move(decision.call));
        return;
    }
    if (decision.kind == HttpPolicyDecision::Kind::Respond) {
        respondFromPolicy(decision);
        return;
    }
    if (decision.upstreamEndpoint)
        m_endpoint = std::move(decision.upstreamEndpoint);
    m_responseChain = std::move(decision.responseChain);
    forwardRequest();
}

void HttpProxySession::forwardRequest()
{
    if (!m_endpoint->upstream) {
        respondError(503, "The endpoint " + m_endpoint->url.toString() + " has no upstream and its policy did not answer.",
                     EngineErrors::PolicyNotExecutable);
        return;
    }
    startForwarding();
}

void HttpProxySession::respondLocally(std::string response)
{
    // An answer of our own (the upstream failed meanwhile) supersedes an
    // on_http_response still waiting for its http-request.
    m_responseCall.reset();
    m_heldResponseComplete = false;
    m_localResponse = true;
    m_clientKeepAlive = false;
    m_responseStarted = m_responseComplete = true;
    captureLocalResponse(response);
    captureEnd();
    m_clientOut += response;
}

void HttpProxySession::respondError(int status, const std::string &message, std::string_view code)
{
    if (m_captureSink)
        m_capture->errorCode = code;
    respondLocally(HttpErrorResponse::build(status, message, code));
}

// ------------------------------------------------------------ end of exchange

void HttpProxySession::maybeFinish()
{
    if (m_phase != Phase::Exchange || !m_responseComplete || m_clientWriting || !m_clientOut.empty()
        || m_responseCall)
        return;
    const bool requestDone = m_requestComplete && !m_upWriting && m_upOut.empty();
    if (m_requestComplete && m_upstream && (m_upWriting || !m_upOut.empty()))
        return; // the tail of the request is still going out; finish when it is
    if (!requestDone && m_drainRequest && m_clientKeepAlive)
        return; // a policy answered; the rest of the body is still being read
    if (!requestDone)
        m_clientKeepAlive = false; // answered before the body was read: close
    if (m_upstream) {
        if (requestDone && m_upstreamKeepAlive && m_upstreamClean && !m_upReading && !m_request.upgrade)
            m_worker.upstreams().put(upstreamKey(), std::move(m_upstream), Clock::now(),
                                     m_limits->maxIdleUpstreamPerAddress);
        else
            dropUpstream();
        m_upstream.reset();
    }
    setUpstreamWait(UpstreamWait::None);
    m_worker.returnBuffer(std::move(m_upIn));
    m_responseParser.reset();
    m_retryHead.clear();
    captureEnd();
    m_endpoint.reset();
    m_responseChain.clear();
    m_snapshot.reset();
    endExchangeCount();
    if (!m_clientKeepAlive) {
        closeGracefully();
        return;
    }
    m_phase = Phase::Idle;
    m_parser.resume();
    if (m_inPos < m_inEnd) {
        m_headStarted = true;
        setReadWait(ReadWait::Header);
        feedClient();
        return;
    }
    m_headStarted = false;
    m_worker.returnBuffer(std::move(m_in));
    setReadWait(ReadWait::Idle);
    readClient();
}

void HttpProxySession::startTunnel()
{
    m_phase = Phase::Tunnel;
    captureEnd();
    endExchangeCount();
    m_responseParser.reset();
    setUpstreamWait(UpstreamWait::None);
    setReadWait(ReadWait::Tunnel);
    if (!m_upWriting) {
        if (!m_upOut.empty())
            flushUpstream();
        else
            readClientNow();
    }
    readUpstream();
}

void HttpProxySession::closeGracefully()
{
    if (m_phase >= Phase::Closing)
        return;
    m_phase = Phase::Closing;
    dropUpstream();
    m_client->shutdownSend();
    setWriteWait(false);
    setReadWait(ReadWait::Linger);
    if (!m_clientReading)
        readClientNow();
}

void HttpProxySession::closeNow()
{
    if (m_phase == Phase::Closed)
        return;
    m_phase = Phase::Closed;
    captureEnd();
    dropUpstream();
    m_client->close();
    endExchangeCount();
    m_readDeadline = m_writeDeadline = m_upstreamDeadline = Clock::time_point::max();
    updateDeadline();
}

void HttpProxySession::endExchangeCount()
{
    if (m_exchangeCounted) {
        m_exchangeCounted = false;
        m_worker.state().activeExchanges.fetch_sub(1, std::memory_order_relaxed);
    }
}

// ----------------------------------------------------------------- deadlines

void HttpProxySession::setReadWait(ReadWait wait)
{
    const EngineLimits &limits = *m_limits;
    m_readWait = wait;
    switch (wait) {
    case ReadWait::None: m_readDeadline = Clock::time_point::max(); break;
    case ReadWait::Idle: m_readDeadline = after(limits.idleTimeout); break;
    case ReadWait::Header: m_readDeadline = after(limits.headerReadTimeout); break;
    case ReadWait::Body: m_readDeadline = after(limits.bodyReadTimeout); break;
    case ReadWait::Tunnel: m_readDeadline = after(limits.tunnelIdleTimeout); break;
    case ReadWait::Linger: m_readDeadline = after(std::chrono::seconds(2)); break;
    }
    updateDeadline();
}

void HttpProxySession::setUpstreamWait(UpstreamWait wait)
{
    const EngineLimits &limits = *m_limits;
    m_upstreamWait = wait;
    switch (wait) {
    case UpstreamWait::None: m_upstreamDeadline = Clock::time_point::max(); break;
    case UpstreamWait::Connect: m_upstreamDeadline = after(limits.upstreamConnectTimeout); break;
    case UpstreamWait::Send: m_upstreamDeadline = after(limits.sendTimeout); break;
    case UpstreamWait::Response: m_upstreamDeadline = after(limits.upstreamResponseTimeout); break;
    }
    updateDeadline();
}

void HttpProxySession::setWriteWait(bool on)
{
    m_writeDeadline = on ? after(m_limits->sendTimeout) : Clock::time_point::max();
    updateDeadline();
}

void HttpProxySession::updateDeadline()
{
    deadline = std::min({m_readDeadline, m_writeDeadline, m_upstreamDeadline});
}

void HttpProxySession::onDeadline()
{
    const Clock::time_point now = Clock::now();
    const EngineLimits &limits = *m_limits;
    if (m_upstreamDeadline <= now && m_phase == Phase::Exchange) {
        const UpstreamWait wait = m_upstreamWait;
        setUpstreamWait(UpstreamWait::None);
        if (wait == UpstreamWait::Connect) {
            dropUpstream();
            upstreamFailed(502, "Switchyard could not connect to the upstream " + m_endpoint->upstream->toString()
                                    + ": no connection within " + seconds(limits.upstreamConnectTimeout) + ".",
                           EngineErrors::UpstreamUnreachable);
        } else if (wait == UpstreamWait::Send) {
            upstreamFailed(504, "The upstream " + m_endpoint->upstream->toString() + " did not take the request within "
                                    + seconds(limits.sendTimeout) + ".",
                           EngineErrors::UpstreamTimeout);
        } else if (wait == UpstreamWait::Response) {
            upstreamFailed(504, "The upstream " + m_endpoint->upstream->toString() + " did not answer within "
                                    + seconds(limits.upstreamResponseTimeout) + ".",
                           EngineErrors::UpstreamTimeout);
        }
    }
    if (m_writeDeadline <= now) {
        closeNow();
        return;
    }
    if (m_readDeadline <= now) {
        const ReadWait wait = m_readWait;
        setReadWait(ReadWait::None);
        if (wait == ReadWait::Header && m_phase == Phase::Idle) {
            m_closeAfterWrite = true;
            m_clientOut += HttpErrorResponse::build(408, "Request timeout: the request head took longer than "
                                                             + seconds(limits.headerReadTimeout) + ".",
                                                    EngineErrors::RequestTimeout);
            flushClient();
        } else if (wait == ReadWait::Body && m_phase == Phase::Exchange && !m_responseStarted) {
            dropUpstream();
            respondError(408, "Request timeout: no request body data for " + seconds(limits.bodyReadTimeout) + ".",
                         EngineErrors::RequestTimeout);
            flushClient();
        } else if (wait != ReadWait::None) {
            closeNow();
        }
    }
    updateDeadline();
}

} // namespace switchyard
