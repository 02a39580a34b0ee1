// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "data/engine/httppolicyhook.h"
#include "data/http/httpmessagehandler.h"
#include "data/http/httpresponseparser.h"

#include <asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace switchyard {

class ByteStream;
class EngineWorker;
class UpstreamConnector;

// Makes one attempt of a suspended phase's http-request, on the worker that
// owns the session, without blocking it: looks the internal endpoint up in
// the account, runs its on_http_request through the policy hook (a nested
// http-request is one more hop: past PolicyHttpCall::MaxHops it fails with
// ERR_SWITCHYARD_3603), then sends the request to its upstream and reads
// the answer (body over 256 KB: ERR_SWITCHYARD_3601), then its
// on_http_response. The call's deadline bounds it (ERR_SWITCHYARD_3602);
// 3xx answers are followed up to max_redirects (past it ERR_SWITCHYARD_3214).
// `done` runs once, on the worker, with pending->call holding the outcome.
class PolicyCallClient final : public std::enable_shared_from_this<PolicyCallClient>, private HttpResponseHandler
{
public:
    using Done = std::function<void()>;

    static void start(EngineWorker &worker, std::shared_ptr<HttpPolicyCall> pending, HttpConnectionInfo connection,
                      int depth, Done done);

    PolicyCallClient(EngineWorker &worker, std::shared_ptr<HttpPolicyCall> pending, HttpConnectionInfo connection,
                     int depth, Done done);
    ~PolicyCallClient() override;

private:
    void begin();
    void send(const std::string &url);
    void apply(HttpPolicyDecision decision);
    void connect();
    void onConnected(std::shared_ptr<ByteStream> stream, const std::string &error);
    void read();
    void responded(PolicyResponse response);
    // on_http_response of m_responseChain from m_responseStep over
    // m_response; `resumed`: the call that step waited for.
    void respondThrough(std::shared_ptr<HttpPolicyCall> resumed);
    void fail(int status, std::string code, std::string message);
    void finish();

    // HttpResponseHandler.
    void onResponseHead(HttpResponseHead head) override;
    void onBody(std::string_view data) override;
    void onTrailers(HttpHeaders trailers) override;
    void onMessageComplete() override;

    EngineWorker &m_worker;
    std::shared_ptr<HttpPolicyCall> m_pending;
    HttpConnectionInfo m_connection;
    int m_depth;
    Done m_done;
    asio::steady_timer m_timer;
    bool m_finished = false;
    int m_redirects = 0;

    EndpointPtr m_target;   // the called internal endpoint
    EndpointPtr m_upstreamEndpoint;
    std::vector<EndpointPtr> m_responseChain;
    HttpRequestHead m_head;
    std::string m_body;
    std::string m_out;
    std::shared_ptr<UpstreamConnector> m_connector;
    std::shared_ptr<ByteStream> m_stream;
    std::string m_in;
    std::unique_ptr<HttpResponseParser> m_parser;
    HttpResponseHead m_responseHead;
    std::string m_responseBody;
    bool m_complete = false;
    PolicyResponse m_response; // going through the response chain
    std::size_t m_responseStep = 0;
};

} // namespace switchyard
