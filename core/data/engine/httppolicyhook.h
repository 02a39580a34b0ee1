// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "control/routingsnapshot.h"
#include "data/engine/httppolicycall.h"
#include "data/http/httpheaders.h"
#include "data/http/httpmessage.h"
#include "model/endpoint.h"
#include "policy/exec/policyfiredrule.h"
#include "policy/exec/tlsfacts.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace switchyard {

// What the engine knows about the connection a request came in on.
struct HttpConnectionInfo
{
    std::string clientIp;   // TCP peer, no port (never X-Forwarded-For)
    int clientPort = 0;
    std::string proto;      // "http" or "https" (our listener)
    std::string serverName; // SNI on TLS connections
    std::string listenAddress;
    std::shared_ptr<const TlsFacts> tls; // TLS connections: what the handshake settled
};

// The result of running an endpoint's on_http_request phase.
struct HttpPolicyDecision
{
    enum class Kind {
        Forward, // continue to the endpoint's upstream (agent endpoints only)
        Respond, // answer with status/headers/body; the upstream is not contacted
        Close,   // close the client connection without an answer
        Call,    // make `call` (http-request), then ask resumeAfterCall()
    };
    Kind kind = Kind::Forward;
    int status = 200;
    HttpHeaders headers;
    std::string body;
    // Forward: the agent endpoint whose upstream gets the request (it
    // differs from the routed endpoint after forward-internal); null means
    // the routed endpoint.
    EndpointPtr upstreamEndpoint;
    // Forward: the endpoints whose onHttpResponse runs, innermost first;
    // empty means just the routed endpoint. Respond: the endpoints the
    // request crossed before a policy answered, innermost first (for the
    // inspector's chain; their response phases already ran).
    std::vector<EndpointPtr> responseChain;
    // For the inspector: the rules that fired and what `log` actions
    // recorded, over every endpoint the request crossed (outermost first).
    // Empty when no rule fired, which costs nothing.
    std::vector<PolicyFiredRule> fired;
    std::vector<PolicyLogEntry> logs;
    // Call: the suspended phase; never null then.
    std::shared_ptr<HttpPolicyCall> call;
};

// THE SEAM for the compiled traffic policy (core/policy/exec). The engine
// calls it on the worker thread that owns the connection, after routing and
// before any upstream is contacted, for every endpoint whose trafficPolicy is
// not empty. Implementations must be thread-safe (several workers call at
// once) and must not block. PolicyRuntime is the implementation the
// runner installs. Without a hook (Engine::setPolicyHook not called, as in
// engine-only tests) an endpoint with a traffic policy answers 503
// ERR_SWITCHYARD_2301 ("policy not executable"), failing closed; a cloud
// endpoint without a policy answers the same (it has no upstream).
class HttpPolicyHook
{
public:
    virtual ~HttpPolicyHook() = default;

    // on_http_request. May edit `request` (headers, target) before it is
    // forwarded. The request body streams afterwards and is not available
    // here; see needsRequestBody() for policies that read it.
    virtual HttpPolicyDecision onHttpRequest(const Endpoint &endpoint, HttpRequestHead &request,
                                             const HttpConnectionInfo &connection) = 0;

    // on_http_response, for responses that came from the upstream, before
    // the head is written to the client. May edit `response` headers.
    virtual void onHttpResponse(const Endpoint &endpoint, const HttpRequestHead &request,
                                HttpResponseHead &response, const HttpConnectionInfo &connection) = 0;

    // Body-level actions (verify-webhook, *-body-find-replace,
    // compress-response, custom-response in on_http_response). The engine
    // asks up front whether a phase needs a whole body; only then does it
    // buffer one (up to EngineLimits::maxPolicyBodySize). The defaults keep
    // hooks that only see heads working unchanged.

    // Whether on_http_request of `endpoint` (or of an endpoint it forwards
    // to) reads the request body. When true the engine buffers the body
    // (413 ERR_SWITCHYARD_4130 past the cap) and calls onHttpRequestWithBody.
    virtual bool needsRequestBody(const Endpoint &endpoint)
    {
        (void)endpoint;
        return false;
    }

    // on_http_request with the whole request body; may rewrite `body` (the
    // engine fixes Content-Length).
    virtual HttpPolicyDecision onHttpRequestWithBody(const Endpoint &endpoint, HttpRequestHead &request,
                                                     std::string &body, const HttpConnectionInfo &connection)
    {
        (void)body;
        return onHttpRequest(endpoint, request, connection);
    }

    // Whether on_http_response of `endpoint` reads or rewrites the response
    // body. When true the engine holds the response head and buffers the
    // body; past the cap it gives up and streams (body then nullopt).
    virtual bool needsResponseBody(const Endpoint &endpoint)
    {
        (void)endpoint;
        return false;
    }

    // Goes on with a phase that answered Kind::Call once call->call holds
    // the outcome (response or error); may answer Call again (retries).
    // `request` and `body` are as for onHttpRequestWithBody.
    virtual HttpPolicyDecision resumeAfterCall(const std::shared_ptr<HttpPolicyCall> &call, HttpRequestHead &request,
                                               std::string &body, const HttpConnectionInfo &connection)
    {
        (void)call, (void)request, (void)body, (void)connection;
        HttpPolicyDecision close;
        close.kind = HttpPolicyDecision::Kind::Close;
        return close;
    }

    struct ResponseEdit
    {
        // compress-response chose this coding ("gzip", "deflate", "br"; the
        // headers already say so): the engine encodes the body. Empty: none.
        std::string contentCoding;
        // For the inspector, as in HttpPolicyDecision: this phase's fired
        // rules and log entries.
        std::vector<PolicyFiredRule> fired;
        std::vector<PolicyLogEntry> logs;
        // Set: the phase waits for an http-request and nothing of
        // `response` or `body` is final yet (the body may have been taken).
        // The engine holds the response, makes the call (PolicyCallClient)
        // and hands this back to resumeResponseAfterCall() with the same
        // `response` and `body`.
        std::shared_ptr<HttpPolicyCall> call;
    };

    // on_http_response with the body: `body` holds the whole body when the
    // engine buffered it, else nullopt (it streams). A custom-response
    // replaces `response` and sets `body`; the engine then sends that body
    // and discards the upstream's. Framing headers in `response` are the
    // engine's: it rewrites Content-Length / Transfer-Encoding afterwards.
    virtual ResponseEdit onHttpResponseWithBody(const Endpoint &endpoint, const HttpRequestHead &request,
                                                HttpResponseHead &response, std::optional<std::string> &body,
                                                const HttpConnectionInfo &connection)
    {
        (void)body;
        onHttpResponse(endpoint, request, response, connection);
        return {};
    }

    // Goes on with an on_http_response that answered ResponseEdit::call
    // once call->call holds the outcome; may answer a call again (retries,
    // a later http-request). Then edits `response` and `body` as
    // onHttpResponseWithBody would have.
    virtual ResponseEdit resumeResponseAfterCall(const std::shared_ptr<HttpPolicyCall> &call,
                                                 HttpResponseHead &response, std::optional<std::string> &body,
                                                 const HttpConnectionInfo &connection)
    {
        (void)call, (void)response, (void)body, (void)connection;
        return {};
    }

    // For a response that cannot wait (a 101, a synchronous caller): every
    // call `edit` asks for fails with ERR_SWITCHYARD_3606 (`why` its
    // message) and the phase goes on per on_error. Fired rules and logs of
    // every step are kept in the returned edit.
    ResponseEdit refuseCalls(ResponseEdit edit, HttpResponseHead &response, std::optional<std::string> &body,
                             const HttpConnectionInfo &connection, const std::string &why)
    {
        while (edit.call) {
            const std::shared_ptr<HttpPolicyCall> call = std::move(edit.call);
            edit.call.reset();
            PolicyHttpCall &attempt = *call->call;
            ++attempt.attempts; // bounds retry_condition
            attempt.response.reset();
            attempt.errorCode = "ERR_SWITCHYARD_3606";
            attempt.errorMessage = why;
            attempt.errorStatus = 501;
            ResponseEdit next = resumeResponseAfterCall(call, response, body, connection);
            next.fired.insert(next.fired.begin(), edit.fired.begin(), edit.fired.end());
            next.logs.insert(next.logs.begin(), edit.logs.begin(), edit.logs.end());
            edit = std::move(next);
        }
        return edit;
    }

    // The engine answered a request the policy let through itself, because
    // the upstream failed: 502 (unreachable, reset, invalid response) or 504
    // (timeout). Called instead of onHttpResponse, once per endpoint of the
    // response chain, so actions that learn from outcomes (circuit-breaker)
    // count it.
    virtual void onUpstreamFailure(const Endpoint &endpoint, const HttpRequestHead &request, int status,
                                   const HttpConnectionInfo &connection)
    {
        (void)endpoint;
        (void)request;
        (void)status;
        (void)connection;
    }
};

} // namespace switchyard
