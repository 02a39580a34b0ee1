// SPDX-License-Identifier: Apache-2.0
// HttpProxySession: answers a policy made (custom-response, deny, redirect,
// 401/403/429/503 of the runtime actions) and upstream failures reported
// back to the policy.
#include "data/engine/httpproxysession.h"

#include "data/engine/enginestate.h"
#include "data/http/httpserializer.h"

namespace switchyard {

namespace {

// What is still read and thrown away after a policy answered, so the
// connection can serve the next request (as nginx does for `return`).
// Bodies past it cost more than a new connection: the connection closes.
constexpr std::size_t DrainLimit = 64 * 1024;

} // namespace

void HttpProxySession::respondFromPolicy(HttpPolicyDecision &decision)
{
    // m_clientKeepAlive already says what the client asked (HTTP/1.0 needs
    // `Connection: keep-alive`, `Connection: close` ends it) and whether the
    // engine stops. A client waiting for `100 Continue` may never send the
    // body it announced, and an upgrade request's parser stopped at the head.
    bool keep = m_clientKeepAlive && !m_request.upgrade;
    if (keep && !m_requestComplete && m_request.framing != HttpBodyFraming::None) {
        if (m_request.expectContinue)
            keep = false;
        else if (m_request.framing == HttpBodyFraming::ContentLength)
            keep = m_request.contentLength <= DrainLimit;
        // Chunked: unknown size; drainRequestBody() gives up past the limit.
    }
    m_drainRequest = keep && !m_requestComplete;
    m_drainedBytes = 0;

    HttpResponseHead head;
    head.status = decision.status;
    head.reason = HttpSerializer::reasonPhrase(decision.status);
    head.headers = std::move(decision.headers);
    head.headers.remove("transfer-encoding");
    head.headers.remove("connection");
    head.headers.remove("keep-alive");
    head.headers.set("content-length", std::to_string(decision.body.size()));
    if (!keep)
        head.headers.set("connection", "close");
    else if (m_request.version == HttpVersion::Http10)
        head.headers.set("connection", "keep-alive");
    std::string response = HttpSerializer::responseHead(head);
    if (m_request.method != "HEAD")
        response += decision.body;

    respondLocally(std::move(response));
    m_clientKeepAlive = keep; // respondLocally() closes, as errors must
}

bool HttpProxySession::drainRequestBody(std::string_view data)
{
    if (!m_drainRequest)
        return false;
    m_drainedBytes += data.size();
    if (m_drainedBytes > DrainLimit) {
        // The answer may already be out saying keep-alive; closing after it
        // is still allowed, and cheaper than reading on.
        m_drainRequest = false;
        m_clientKeepAlive = false;
    }
    return m_drainRequest;
}

void HttpProxySession::reportUpstreamFailure(int status)
{
    if (!m_policyRuns || m_responseStarted || !m_endpoint)
        return;
    const std::shared_ptr<HttpPolicyHook> hook = m_worker.state().policyHook.load();
    if (!hook)
        return;
    if (m_responseChain.empty())
        hook->onUpstreamFailure(*m_endpoint, m_request, status, m_info);
    for (const EndpointPtr &endpoint : m_responseChain)
        hook->onUpstreamFailure(*endpoint, m_request, status, m_info);
}

} // namespace switchyard
