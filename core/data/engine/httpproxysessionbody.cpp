// SPDX-License-Identifier: Apache-2.0
// HttpProxySession, body actions: buffering a request body an
// on_http_request phase reads, buffering a response body an
// on_http_response phase rewrites, streaming compression, responses a
// policy replaced, and framing headers the engine owns whatever a policy did.
#include "data/engine/httpproxysession.h"

#include "data/engine/engineerrors.h"
#include "data/engine/enginestate.h"
#include "data/http/httpserializer.h"
#include "policy/bodyrunners/compressresponserunner.h"

namespace switchyard {

namespace {

bool bodyless(int status)
{
    return status < 200 || status == 204 || status == 304;
}

} // namespace

void HttpProxySession::resetBodyState()
{
    m_bufferRequest = false;
    m_requestBody.clear();
    m_bufferResponse = false;
    m_responseBody.clear();
    m_discardResponseBody = false;
    m_discardedBytes = 0;
    m_compressor.reset();
    m_upChunked = false;
    m_drainRequest = false;
    m_drainedBytes = 0;
    m_responseCall.reset();
    m_pendingBody.reset();
    m_heldResponseBody.clear();
    m_heldResponseComplete = false;
}

// ------------------------------------------------------------------ request

void HttpProxySession::bufferRequestForPolicy()
{
    if (m_request.framing == HttpBodyFraming::None) {
        runBufferedRequestPolicy();
        return;
    }
    if (m_request.framing == HttpBodyFraming::ContentLength
        && m_request.contentLength > m_limits->maxPolicyBodySize) {
        refuseRequestBody();
        return;
    }
    m_bufferRequest = true;
    if (m_request.expectContinue) {
        // The upstream is not asked before the policy has run, so the
        // client's wait for 100 is answered here; the upstream gets the
        // body at once and no Expect.
        if (m_request.version == HttpVersion::Http11)
            m_clientOut += "HTTP/1.1 100 Continue\r\n\r\n";
        m_request.expectContinue = false;
        m_request.headers.remove("expect");
    }
}

void HttpProxySession::bufferRequestBody(std::string_view data)
{
    if (m_requestBody.size() + data.size() > m_limits->maxPolicyBodySize) {
        refuseRequestBody();
        return;
    }
    m_requestBody.append(data);
}

void HttpProxySession::refuseRequestBody()
{
    m_bufferRequest = false;
    std::string().swap(m_requestBody);
    respondError(413,
                 "Request body too large: the traffic policy of " + m_endpoint->url.toString()
                     + " reads request bodies of up to "
                     + std::to_string(m_limits->maxPolicyBodySize)
                     + " bytes (max_policy_body_size).",
                 EngineErrors::PolicyBodyTooLarge);
}

void HttpProxySession::runBufferedRequestPolicy()
{
    m_bufferRequest = false;
    const std::shared_ptr<HttpPolicyHook> hook = m_worker.state().policyHook.load();
    if (!hook) {
        respondError(503, "The traffic policy of " + m_endpoint->url.toString() + " cannot run in this build yet.",
                     EngineErrors::PolicyNotExecutable);
        return;
    }
    std::string body = std::move(m_requestBody);
    m_requestBody.clear();
    HttpPolicyDecision decision = hook->onHttpRequestWithBody(*m_endpoint, m_request, body, m_info);
    if (m_request.framing != HttpBodyFraming::None || !body.empty()) {
        // Whatever framing the client used, the upstream gets the (maybe
        // rewritten) body with its exact length.
        m_request.framing = HttpBodyFraming::ContentLength;
        m_request.contentLength = body.size();
        m_requestBody = std::move(body);
    }
    applyPolicyDecision(std::move(decision));
}

// ----------------------------------------------------------------- response

bool HttpProxySession::holdResponseForPolicy(HttpResponseHead &out)
{
    const std::shared_ptr<HttpPolicyHook> hook = m_worker.state().policyHook.load();
    if (!hook)
        return false;
    if (out.upgrade) {
        std::optional<std::string> none;
        const auto run = [&](const Endpoint &endpoint) {
            // The tunnel's first bytes follow a 101 at once: it cannot wait.
            HttpPolicyHook::ResponseEdit edit
                = hook->refuseCalls(hook->onHttpResponseWithBody(endpoint, m_request, out, none, m_info), out, none,
                                    m_info, "http-request is not made on a 101 Switching Protocols response");
            captureFired(std::move(edit.fired), std::move(edit.logs));
        };
        if (m_responseChain.empty())
            run(*m_endpoint);
        for (const EndpointPtr &endpoint : m_responseChain)
            run(*endpoint);
        return false;
    }
    bool needsBody = false;
    if (out.framing != HttpBodyFraming::None) {
        if (m_responseChain.empty())
            needsBody = hook->needsResponseBody(*m_endpoint);
        for (const EndpointPtr &endpoint : m_responseChain)
            needsBody = needsBody || hook->needsResponseBody(*endpoint);
    }
    if (needsBody) {
        // Nothing goes to the client before the phase ran over the whole
        // body; an upstream failure meanwhile still becomes an error page.
        m_pendingResponse = std::move(out);
        m_bufferResponse = true;
        return true;
    }
    return runHeadOnlyResponsePolicy(out);
}

bool HttpProxySession::runHeadOnlyResponsePolicy(HttpResponseHead &out)
{
    std::optional<std::string> body;
    const std::shared_ptr<HttpPolicyHook> hook = m_worker.state().policyHook.load();
    if (hook && !runResponsePolicy(*hook, out, body))
        return true; // held until the call is over
    if (!body)
        return false;
    // A custom-response replaced the upstream's answer: its body is dropped
    // as it arrives (or the connection, past the cap), never relayed.
    m_discardResponseBody = true;
    sendWholeResponse(std::move(out), std::move(*body));
    return true;
}

bool HttpProxySession::runResponsePolicy(HttpPolicyHook &hook, HttpResponseHead &out,
                                         std::optional<std::string> &body, std::shared_ptr<HttpPolicyCall> resumed)
{
    if (!resumed) {
        m_responseStep = 0;
        m_responseCoding.clear();
        // The framing fields as the engine set them, to put back whatever
        // the policy did to them.
        m_responseFraming.clear();
        for (const HttpHeaderField &field : out.headers.fields()) {
            if (field.lowerName == "content-length" || field.lowerName == "transfer-encoding")
                m_responseFraming.push_back(field);
        }
    }
    const std::size_t steps = m_responseChain.empty() ? 1 : m_responseChain.size();
    for (; m_responseStep < steps; ++m_responseStep) {
        const Endpoint &endpoint = m_responseChain.empty() ? *m_endpoint : *m_responseChain[m_responseStep];
        HttpPolicyHook::ResponseEdit edit = resumed
                                                ? hook.resumeResponseAfterCall(resumed, out, body, m_info)
                                                : hook.onHttpResponseWithBody(endpoint, m_request, out, body, m_info);
        resumed.reset();
        captureFired(std::move(edit.fired), std::move(edit.logs));
        if (edit.call) {
            m_pendingResponse = std::move(out);
            m_pendingBody = std::move(body);
            runResponseCall(std::move(edit.call));
            return false;
        }
        if (m_responseCoding.empty())
            m_responseCoding = std::move(edit.contentCoding);
    }
    const std::string coding = std::move(m_responseCoding);
    m_responseCoding.clear();
    out.headers.remove("content-length");
    out.headers.remove("transfer-encoding");
    if (body) {
        if (!coding.empty() && !CompressResponseRunner::encodeWhole(coding, *body))
            out.headers.remove("content-encoding");
        return true; // sendWholeResponse frames it
    }
    if (!coding.empty() && out.framing != HttpBodyFraming::None) {
        const auto parsed = contentCodingFromString(coding);
        auto compressor = parsed ? StreamCompressor::create(*parsed) : makeError("unknown coding " + coding);
        if (compressor) {
            m_compressor = std::move(*compressor);
            if (m_request.version == HttpVersion::Http11) {
                out.framing = HttpBodyFraming::Chunked;
                out.headers.append("Transfer-Encoding", "chunked");
            } else {
                out.framing = HttpBodyFraming::UntilClose;
                out.keepAlive = false;
            }
            return true;
        }
        out.headers.remove("content-encoding");
    }
    for (const HttpHeaderField &field : m_responseFraming)
        out.headers.append(field.name, field.value);
    return true;
}

void HttpProxySession::sendWholeResponse(HttpResponseHead out, std::string body)
{
    const bool noBody = bodyless(out.status);
    out.headers.remove("content-length");
    out.headers.remove("transfer-encoding");
    out.headers.remove("connection");
    out.framing = noBody ? HttpBodyFraming::None : HttpBodyFraming::ContentLength;
    out.contentLength = noBody ? 0 : body.size();
    if (!noBody)
        out.headers.set("Content-Length", std::to_string(body.size()));
    out.keepAlive = true;
    sendResponseHead(std::move(out));
    if (!noBody && m_request.method != "HEAD") {
        captureResponseBody(body);
        m_clientOut += body;
    }
}

void HttpProxySession::appendClientBody(std::string_view data)
{
    captureResponseBody(data);
    if (m_clientChunked)
        HttpSerializer::appendChunk(m_clientOut, data);
    else
        m_clientOut.append(data);
}

void HttpProxySession::relayPolicyBody(std::string_view data)
{
    if (holdWhileResponseCall(data))
        return;
    const std::size_t cap = m_limits->maxPolicyBodySize;
    if (m_bufferResponse) {
        if (m_responseBody.size() + data.size() <= cap) {
            m_responseBody.append(data);
            return;
        }
        // Too large to hold: the phase runs on the head alone and the body
        // streams unchanged from here.
        m_bufferResponse = false;
        std::string held = std::move(m_responseBody);
        m_responseBody.clear();
        held.append(data);
        HttpResponseHead out = std::move(m_pendingResponse);
        if (!runHeadOnlyResponsePolicy(out))
            sendResponseHead(std::move(out));
        relayPolicyBody(held);
        return;
    }
    if (m_discardResponseBody) {
        m_discardedBytes += data.size();
        if (m_discardedBytes > cap && !m_responseComplete) {
            // Not worth draining: the upstream connection goes instead.
            m_upstreamClean = false;
            m_upstreamKeepAlive = false;
            m_responseComplete = true;
        }
        return;
    }
    if (m_compressor) {
        std::string encoded;
        // Flushed per piece so a streamed response (events, long polls)
        // reaches the client as it comes, at a small cost in ratio.
        if (!m_compressor->write(data, encoded) || !m_compressor->flush(encoded)) {
            closeNow();
            return;
        }
        appendClientBody(encoded);
        return;
    }
    appendClientBody(data);
}

bool HttpProxySession::completePolicyBody()
{
    if (m_bufferResponse) {
        m_bufferResponse = false;
        HttpResponseHead out = std::move(m_pendingResponse);
        std::optional<std::string> body(std::move(m_responseBody));
        m_responseBody.clear();
        const std::shared_ptr<HttpPolicyHook> hook = m_worker.state().policyHook.load();
        if (hook && !runResponsePolicy(*hook, out, body))
            return true; // sent when the call is over
        sendWholeResponse(std::move(out), std::move(*body));
        return true;
    }
    if (m_discardResponseBody)
        return true;
    if (m_compressor) {
        std::string tail;
        if (!m_compressor->finish(tail)) {
            closeNow();
            return true;
        }
        m_compressor.reset();
        appendClientBody(tail);
    }
    return false;
}

} // namespace switchyard
