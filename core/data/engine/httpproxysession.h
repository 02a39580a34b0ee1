// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "control/routingsnapshot.h"
#include "data/engine/bytestream.h"
#include "data/engine/capturesink.h"
#include "data/engine/deadlinelist.h"
#include "data/engine/enginelimits.h"
#include "data/engine/engineworker.h"
#include "data/engine/httppolicyhook.h"
#include "data/engine/listenerinfo.h"
#include "data/http/httprequestparser.h"
#include "data/http/httpresponseparser.h"
#include "policy/runtime/streamcompressor.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace switchyard {

class UpstreamConnector;

// One client connection on an HTTP listener (plain, or TLS after the
// handshake): parses requests, routes each by Host to a public endpoint pool,
// forwards it to a member's upstream over a pooled keep-alive connection and
// streams the response back. Requests are handled one at a time in order
// (pipelined ones wait, parsed after the previous response); bodies stream
// both ways with backpressure: at most one read buffer per direction is in
// flight, and a side is not read while the other has not taken what was
// read. A WebSocket upgrade becomes a byte tunnel after the upstream's 101.
// Lives on one worker's thread; kept alive by its pending handlers.
class HttpProxySession final : public std::enable_shared_from_this<HttpProxySession>,
                               private HttpRequestHandler,
                               private DeadlineNode
{
public:
    HttpProxySession(EngineWorker &worker, std::shared_ptr<ByteStream> client,
                     std::shared_ptr<const ListenerInfo> listener, HttpConnectionInfo info);
    ~HttpProxySession() override;
    HttpProxySession(const HttpProxySession &) = delete;
    HttpProxySession &operator=(const HttpProxySession &) = delete;

    void start();

private:
    class ResponseSide;
    enum class Phase { Idle, Exchange, Tunnel, Closing, Closed };
    enum class ReadWait { None, Idle, Header, Body, Tunnel, Linger };
    enum class UpstreamWait { None, Connect, Send, Response };

    // Client side.
    void readClient();
    void readClientNow();
    void onClientRead(const std::error_code &error, std::size_t size);
    void feedClient();
    void onClientParseError();
    void afterClientInput();
    void maybeReadClient();
    void flushClient();
    void onClientWritten(const std::error_code &error);

    // HttpRequestHandler.
    void onRequestHead(HttpRequestHead head) override;
    void onBody(std::string_view data) override;
    void onTrailers(HttpHeaders trailers) override;
    void onMessageComplete() override;

    // Routing and upstream.
    void route();
    void applyPolicyDecision(HttpPolicyDecision decision);
    void forwardRequest();
    void respondLocally(std::string response);
    // A policy's answer (httpproxysessionpolicyresponse.cpp): keeps the
    // connection when the rest of the request can be drained.
    void respondFromPolicy(HttpPolicyDecision &decision);
    bool drainRequestBody(std::string_view data);
    void reportUpstreamFailure(int status);
    void respondError(int status, const std::string &message, std::string_view code);
    void startForwarding();
    void connectUpstream();
    void onUpstreamConnected(std::uint64_t exchange, std::shared_ptr<ByteStream> stream, const std::string &error);
    void flushUpstream();
    void onUpstreamWritten(const std::shared_ptr<ByteStream> &stream, const std::error_code &error);
    void readUpstream();
    void onUpstreamRead(const std::shared_ptr<ByteStream> &stream, const std::error_code &error, std::size_t size);
    void feedUpstream(std::string_view data);
    void onUpstreamEof();
    void upstreamFailed(int status, const std::string &message, std::string_view code);
    void dropUpstream();

    // Response events (from ResponseSide).
    void onResponseHead(HttpResponseHead head);
    void onResponseBody(std::string_view data);
    void onResponseTrailers(HttpHeaders trailers);
    void onResponseComplete();
    void sendResponseHead(HttpResponseHead out);

    // Bodies a policy needs whole, compression, replaced responses
    // (httpproxysessionbody.cpp).
    void resetBodyState();
    void bufferRequestForPolicy();
    void bufferRequestBody(std::string_view data);
    void refuseRequestBody();
    void runBufferedRequestPolicy();
    bool holdResponseForPolicy(HttpResponseHead &out);
    bool runHeadOnlyResponsePolicy(HttpResponseHead &out);
    // on_http_response over the chain from m_responseStep (`resumed`: the
    // call a step waited for). False while it waits for an http-request:
    // `out` and `body` are held in m_pendingResponse / m_pendingBody then.
    bool runResponsePolicy(HttpPolicyHook &hook, HttpResponseHead &out, std::optional<std::string> &body,
                           std::shared_ptr<HttpPolicyCall> resumed = nullptr);
    void sendWholeResponse(HttpResponseHead out, std::string body);
    void relayPolicyBody(std::string_view data);
    void appendClientBody(std::string_view data);
    bool completePolicyBody();

    // http-request: the policy waits for a call (httpproxysessioncall.cpp).
    void runPolicyCall(std::shared_ptr<HttpPolicyCall> call);
    // on_http_response waits for one: the response head is held, body bytes
    // read meanwhile are kept in order and the upstream is not read again.
    void runResponseCall(std::shared_ptr<HttpPolicyCall> call);
    void resumeResponsePolicy(std::shared_ptr<HttpPolicyCall> call);
    bool holdWhileResponseCall(std::string_view data);

    void maybeFinish();
    void startTunnel();
    void closeGracefully();
    void closeNow();
    void endExchangeCount();

    // Deadlines.
    void setReadWait(ReadWait wait);
    void setUpstreamWait(UpstreamWait wait);
    void setWriteWait(bool on);
    void updateDeadline();
    void onDeadline() override;

    std::string upstreamKey() const;

    // Inspector capture (httpproxysessioncapture.cpp); no-ops without a sink.
    void captureBegin();
    void captureRoute(const Endpoint &routed, const HttpPolicyDecision *decision);
    void captureRequestBody(std::string_view data);
    void captureUpstreamConnected();
    void captureResponseHead(const HttpResponseHead &head);
    void captureResponseBody(std::string_view data);
    void captureLocalResponse(std::string_view raw);
    void captureEnd();
    void captureFired(std::vector<PolicyFiredRule> &&fired, std::vector<PolicyLogEntry> &&logs);
    void countConnection(const Endpoint &endpoint);
    void uncountConnection();
    std::int64_t captureElapsed() const;

    EngineWorker &m_worker;
    std::shared_ptr<ByteStream> m_client;
    std::shared_ptr<const ListenerInfo> m_listener;
    HttpConnectionInfo m_info;
    std::unique_ptr<HttpResponseHandler> m_responseSide; // a ResponseSide
    // Taken once when the connection is accepted (Engine::setLimits): a
    // reload never changes a connection's limits half way. Before m_parser,
    // which is built from it.
    std::shared_ptr<const EngineLimits> m_limits;
    HttpRequestParser m_parser;
    Phase m_phase = Phase::Idle;

    EngineWorker::Buffer m_in;
    std::size_t m_inPos = 0;
    std::size_t m_inEnd = 0;
    bool m_clientReading = false;
    bool m_clientWriting = false;
    bool m_headStarted = false;
    bool m_closeAfterWrite = false;
    std::string m_clientOut;
    std::string m_clientSending;

    // The exchange in progress.
    std::uint64_t m_exchange = 0;
    bool m_exchangeCounted = false;
    HttpRequestHead m_request;
    std::shared_ptr<const RoutingSnapshot> m_snapshot;
    EndpointPtr m_endpoint; // whose upstream the request goes to
    std::vector<EndpointPtr> m_responseChain; // HttpPolicyDecision::responseChain
    bool m_policyRuns = false;
    bool m_localResponse = false;
    bool m_requestComplete = false;
    bool m_upChunked = false;
    HttpHeaders m_requestTrailers;
    bool m_clientKeepAlive = true;

    std::shared_ptr<ByteStream> m_upstream;
    std::shared_ptr<UpstreamConnector> m_connector;
    bool m_upstreamReused = false;
    bool m_upstreamBytesSeen = false;
    bool m_upstreamClean = true;
    bool m_upstreamKeepAlive = false;
    std::string m_upOut;
    std::string m_upSending;
    std::string m_retryHead; // a reused connection may have died: the bodiless head, for one retry
    bool m_upWriting = false;
    bool m_upReading = false;
    EngineWorker::Buffer m_upIn;
    std::unique_ptr<HttpResponseParser> m_responseParser;
    bool m_informational = false;
    bool m_responseStarted = false;
    bool m_responseComplete = false;
    bool m_responseUpgraded = false;
    bool m_clientChunked = false;
    HttpHeaders m_responseTrailers;

    // Body actions.
    bool m_bufferRequest = false;      // on_http_request waits for the whole body
    std::string m_requestBody;         // that body; then what is sent upstream
    bool m_bufferResponse = false;     // on_http_response waits for the whole body
    HttpResponseHead m_pendingResponse; // the held head meanwhile
    std::string m_responseBody;
    bool m_discardResponseBody = false; // a custom-response replaced the upstream's
    std::size_t m_discardedBytes = 0;
    std::unique_ptr<StreamCompressor> m_compressor; // compress-response, streaming
    bool m_drainRequest = false;     // a policy answered; the request body is read and dropped
    std::size_t m_drainedBytes = 0;

    // on_http_response and its http-request (runResponsePolicy).
    std::shared_ptr<HttpPolicyCall> m_responseCall; // set while one is made
    std::size_t m_responseStep = 0;                 // the chain's endpoint whose phase runs
    std::string m_responseCoding;
    std::vector<HttpHeaderField> m_responseFraming; // as the engine set them
    std::optional<std::string> m_pendingBody;       // whole-body phases: the body meanwhile
    std::string m_heldResponseBody;                 // streamed bytes that came meanwhile
    bool m_heldResponseComplete = false;

    bool m_tunnelClientDone = false;
    bool m_tunnelUpstreamDone = false;

    ReadWait m_readWait = ReadWait::None;
    UpstreamWait m_upstreamWait = UpstreamWait::None;
    Clock::time_point m_readDeadline = Clock::time_point::max();
    Clock::time_point m_writeDeadline = Clock::time_point::max();
    Clock::time_point m_upstreamDeadline = Clock::time_point::max();

    // Recording an exchange while m_captureSink is set; m_capture is kept
    // (and its strings' capacity reused) from one exchange to the next.
    std::unique_ptr<CapturedExchange> m_capture;
    std::shared_ptr<CaptureSink> m_captureSink;
    Clock::time_point m_captureStart;
    // The connection as counted for the metrics (countConnection).
    bool m_connectionCounted = false;
    std::shared_ptr<CaptureSink> m_connectionSink;
    std::string m_connectionEndpoint;
    Clock::time_point m_connectionStart;
};

} // namespace switchyard
