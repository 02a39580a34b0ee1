// SPDX-License-Identifier: Apache-2.0
#include "data/engine/policycallclient.h"

#include "data/engine/enginestate.h"
#include "data/engine/engineworker.h"
#include "data/engine/upstreamconnector.h"
#include "data/http/httperrorresponse.h"
#include "data/http/httpserializer.h"
#include "model/endpointurl.h"
#include "policy/exec/requesturl.h"

#include <asio/post.hpp>

namespace switchyard {

namespace {

constexpr std::size_t ReadChunk = 16 * 1024;
constexpr const char *LoopError = "ERR_SWITCHYARD_3603";

// A Location relative to `base` made absolute (only what internal
// endpoints answer in practice: absolute URLs and absolute paths).
std::string resolveLocation(const RequestUrl &base, const std::string &location)
{
    if (location.find("://") != std::string::npos)
        return location;
    if (location.starts_with('/'))
        return base.scheme + "://" + base.authority() + location;
    return base.scheme + "://" + base.authority() + "/" + location;
}

} // namespace

void PolicyCallClient::start(EngineWorker &worker, std::shared_ptr<HttpPolicyCall> pending,
                             HttpConnectionInfo connection, int depth, Done done)
{
    auto client = std::make_shared<PolicyCallClient>(worker, std::move(pending), std::move(connection), depth,
                                                     std::move(done));
    client->begin();
}

PolicyCallClient::PolicyCallClient(EngineWorker &worker, std::shared_ptr<HttpPolicyCall> pending,
                                   HttpConnectionInfo connection, int depth, Done done)
    : m_worker(worker),
      m_pending(std::move(pending)),
      m_connection(std::move(connection)),
      m_depth(depth),
      m_done(std::move(done)),
      m_timer(worker.context())
{
}

PolicyCallClient::~PolicyCallClient() = default;

void PolicyCallClient::begin()
{
    PolicyHttpCall &call = *m_pending->call;
    ++call.attempts;
    if (m_depth > PolicyHttpCall::MaxHops) {
        fail(508, LoopError, "http-request loop: more than " + std::to_string(PolicyHttpCall::MaxHops) + " hops");
        return;
    }
    m_timer.expires_at(call.deadline);
    m_timer.async_wait([self = shared_from_this()](const std::error_code &error) {
        if (!error)
            self->fail(504, "ERR_SWITCHYARD_3602", "http-request timed out");
    });
    send(call.request.url);
}

void PolicyCallClient::send(const std::string &url)
{
    const PolicyHttpCall &call = *m_pending->call;
    const auto parsed = RequestUrl::parse(url);
    std::optional<EndpointUrl> endpointUrl;
    if (parsed) {
        if (auto e = EndpointUrl::parse(parsed->scheme + "://" + parsed->authority()))
            endpointUrl = std::move(*e);
    }
    const auto snapshot = m_worker.state().registry.snapshot();
    const EndpointPool *pool = nullptr;
    if (parsed && endpointUrl && snapshot && parsed->host.ends_with(EndpointUrl::InternalSuffix)) {
        pool = snapshot->lookup(Binding::Internal, m_pending->accountId, endpointUrl->scheme(), endpointUrl->host(),
                                endpointUrl->port());
    }
    if (!pool || pool->members.empty()) {
        fail(404, "ERR_SWITCHYARD_3200", "the endpoint " + url + " is offline");
        return;
    }
    m_target = pool->members[m_worker.nextRoundRobin() % pool->members.size()];

    m_head = HttpRequestHead{};
    m_head.method = call.request.method;
    m_head.target = parsed->uri();
    m_head.pathAndQuery = m_head.target;
    m_head.authority = parsed->authority();
    m_head.authorityHost = parsed->host;
    m_head.headers = call.request.headers;
    m_head.headers.set("host", m_head.authority);
    m_body = m_redirects == 0 ? call.request.body : std::string();
    if (m_redirects > 0 && m_head.method != "GET")
        m_head.method = "GET";
    m_head.framing = HttpBodyFraming::ContentLength;
    m_head.contentLength = m_body.size();
    m_head.headers.remove("transfer-encoding");
    m_head.headers.set("content-length", std::to_string(m_body.size()));

    const std::shared_ptr<HttpPolicyHook> hook = m_worker.state().policyHook.load();
    if (m_target->trafficPolicy.empty() && m_target->type != EndpointType::Cloud) {
        apply(HttpPolicyDecision{});
        return;
    }
    if (!hook) {
        fail(503, "ERR_SWITCHYARD_2301", "the traffic policy of " + m_target->url.toString() + " cannot run");
        return;
    }
    apply(hook->onHttpRequestWithBody(*m_target, m_head, m_body, m_connection));
}

void PolicyCallClient::apply(HttpPolicyDecision decision)
{
    if (m_finished)
        return;
    switch (decision.kind) {
    case HttpPolicyDecision::Kind::Close:
        fail(502, "ERR_SWITCHYARD_3004", "the endpoint " + m_target->url.toString() + " closed the connection");
        return;
    case HttpPolicyDecision::Kind::Respond:
        responded(PolicyResponse{decision.status, std::move(decision.headers), std::move(decision.body)});
        return;
    case HttpPolicyDecision::Kind::Call: {
        // The called endpoint's own http-request: one hop further.
        std::shared_ptr<HttpPolicyCall> nested = decision.call;
        PolicyCallClient::start(m_worker, nested, m_connection, m_depth + 1, [self = shared_from_this(), nested] {
            if (self->m_finished)
                return;
            const std::shared_ptr<HttpPolicyHook> hook = self->m_worker.state().policyHook.load();
            if (!hook) {
                self->fail(503, "ERR_SWITCHYARD_2301", "no policy hook");
                return;
            }
            self->apply(hook->resumeAfterCall(nested, self->m_head, self->m_body, self->m_connection));
        });
        return;
    }
    case HttpPolicyDecision::Kind::Forward: break;
    }
    m_upstreamEndpoint = decision.upstreamEndpoint ? decision.upstreamEndpoint : m_target;
    m_responseChain = decision.responseChain.empty() ? std::vector<EndpointPtr>{m_target} : decision.responseChain;
    if (!m_upstreamEndpoint->upstream) {
        fail(502, "ERR_SWITCHYARD_2235", "the endpoint " + m_upstreamEndpoint->url.toString() + " has no upstream");
        return;
    }
    m_head.framing = HttpBodyFraming::ContentLength;
    m_head.contentLength = m_body.size();
    m_head.headers.remove("transfer-encoding");
    m_head.headers.set("content-length", std::to_string(m_body.size()));
    m_head.headers.set("connection", "close");
    connect();
}

void PolicyCallClient::connect()
{
    const EngineState &state = m_worker.state();
    m_connector = UpstreamConnector::start(
        m_worker.context(), *m_upstreamEndpoint->upstream, state.tlsClient ? &*state.tlsClient : nullptr,
        [self = shared_from_this()](std::shared_ptr<ByteStream> stream, const std::string &error) {
            self->onConnected(std::move(stream), error);
        });
}

void PolicyCallClient::onConnected(std::shared_ptr<ByteStream> stream, const std::string &error)
{
    m_connector.reset();
    if (m_finished) {
        if (stream)
            stream->close();
        return;
    }
    if (!stream) {
        fail(502, "ERR_SWITCHYARD_8012",
             "could not connect to the upstream " + m_upstreamEndpoint->upstream->toString() + ": " + error);
        return;
    }
    m_stream = std::move(stream);
    HttpResponseHandler &handler = *this;
    m_parser = std::make_unique<HttpResponseParser>(handler);
    m_parser->expectResponse(m_head.method);
    m_responseBody.clear();
    m_complete = false;
    m_out = HttpSerializer::requestHead(m_head) + m_body;
    m_stream->asyncWrite(m_out.data(), m_out.size(),
                         [self = shared_from_this()](const std::error_code &writeError, std::size_t) {
                             if (writeError && !self->m_finished)
                                 self->fail(502, "ERR_SWITCHYARD_3004", "could not send the request upstream");
                         });
    read();
}

void PolicyCallClient::read()
{
    m_in.resize(ReadChunk);
    m_stream->asyncReadSome(m_in.data(), m_in.size(),
                            [self = shared_from_this(), stream = m_stream](const std::error_code &error,
                                                                          std::size_t size) {
                                if (self->m_finished || stream != self->m_stream)
                                    return;
                                const HttpFeedResult result
                                    = error ? self->m_parser->finish()
                                            : self->m_parser->feed(std::string_view(self->m_in.data(), size));
                                if (self->m_finished)
                                    return;
                                if (self->m_complete) {
                                    // As for every upstream answer: only Switchyard sets it.
                                    self->m_responseHead.headers.remove(HttpErrorResponse::ErrorCodeHeader);
                                    self->m_stream->close();
                                    self->m_stream.reset();
                                    self->responded(PolicyResponse{self->m_responseHead.status,
                                                                   std::move(self->m_responseHead.headers),
                                                                   std::move(self->m_responseBody)});
                                    return;
                                }
                                if (error || result.status == HttpFeedStatus::Error
                                    || result.status == HttpFeedStatus::Closed) {
                                    self->fail(502, "ERR_SWITCHYARD_3004",
                                               "the upstream's response was invalid or incomplete");
                                    return;
                                }
                                self->read();
                            });
}

void PolicyCallClient::onResponseHead(HttpResponseHead head)
{
    if (head.informational())
        return;
    m_responseHead = std::move(head);
}

void PolicyCallClient::onBody(std::string_view data)
{
    if (m_finished)
        return;
    if (m_responseBody.size() + data.size() > PolicyHttpCall::MaxResponseBody) {
        fail(502, "ERR_SWITCHYARD_3601",
             "http-request response larger than " + std::to_string(PolicyHttpCall::MaxResponseBody / 1024) + " KB");
        return;
    }
    m_responseBody.append(data);
}

void PolicyCallClient::onTrailers(HttpHeaders) {}

void PolicyCallClient::onMessageComplete()
{
    if (!m_responseHead.informational())
        m_complete = true;
}

void PolicyCallClient::responded(PolicyResponse response)
{
    if (m_finished)
        return;
    // The called endpoints' on_http_response, innermost first, over the
    // upstream's answer (a policy's own answer already went through them).
    if (m_upstreamEndpoint) {
        m_upstreamEndpoint.reset();
        m_response = std::move(response);
        m_responseStep = 0;
        respondThrough(nullptr);
        return;
    }
    // A loop refused further in fails every call of the loop, not only the
    // innermost: otherwise each caller would see a mere 508 response.
    if (response.headers.value(HttpErrorResponse::ErrorCodeHeader) == std::string_view(LoopError)) {
        fail(508, LoopError, "http-request loop: more than " + std::to_string(PolicyHttpCall::MaxHops) + " hops");
        return;
    }
    const PolicyHttpCall &call = *m_pending->call;
    const auto location = response.headers.value("location");
    if (response.statusCode >= 300 && response.statusCode < 400 && location && call.maxRedirects > 0) {
        if (m_redirects >= call.maxRedirects) {
            fail(502, "ERR_SWITCHYARD_3214",
                 "http-request followed more than " + std::to_string(call.maxRedirects) + " redirects");
            return;
        }
        ++m_redirects;
        const auto base = RequestUrl::parse(call.request.url);
        send(base ? resolveLocation(*base, std::string(*location)) : std::string(*location));
        return;
    }
    response.headers.remove("content-length");
    response.headers.remove("transfer-encoding");
    m_pending->call->response = std::move(response);
    finish();
}

void PolicyCallClient::respondThrough(std::shared_ptr<HttpPolicyCall> resumed)
{
    const std::shared_ptr<HttpPolicyHook> hook = m_worker.state().policyHook.load();
    for (; hook && m_responseStep < m_responseChain.size(); ++m_responseStep) {
        const Endpoint &endpoint = *m_responseChain[m_responseStep];
        if (endpoint.trafficPolicy.empty())
            continue;
        HttpResponseHead head;
        head.status = m_response.statusCode;
        head.reason = HttpSerializer::reasonPhrase(m_response.statusCode);
        head.headers = std::move(m_response.headers);
        std::optional<std::string> body = std::move(m_response.body);
        HttpPolicyHook::ResponseEdit edit
            = resumed ? hook->resumeResponseAfterCall(resumed, head, body, m_connection)
                      : hook->onHttpResponseWithBody(endpoint, m_head, head, body, m_connection);
        resumed.reset();
        m_response.statusCode = head.status;
        m_response.headers = std::move(head.headers);
        m_response.body = body ? std::move(*body) : std::string();
        if (edit.call) {
            // The called endpoint's on_http_response makes its own call:
            // one hop further, as from its on_http_request.
            std::shared_ptr<HttpPolicyCall> nested = std::move(edit.call);
            PolicyCallClient::start(m_worker, nested, m_connection, m_depth + 1, [self = shared_from_this(), nested] {
                if (!self->m_finished)
                    self->respondThrough(nested);
            });
            return;
        }
    }
    responded(std::move(m_response));
}

void PolicyCallClient::fail(int status, std::string code, std::string message)
{
    if (m_finished)
        return;
    PolicyHttpCall &call = *m_pending->call;
    call.errorStatus = status;
    call.errorCode = std::move(code);
    call.errorMessage = std::move(message);
    call.response.reset();
    finish();
}

void PolicyCallClient::finish()
{
    m_finished = true;
    m_timer.cancel();
    if (m_connector)
        m_connector->cancel();
    if (m_stream)
        m_stream->close();
    m_stream.reset();
    // Handlers still pending hold this object; `done` may start the next
    // attempt, so it runs from the io_context, not from inside them.
    asio::post(m_worker.context(), [done = std::move(m_done)] { done(); });
}

} // namespace switchyard
