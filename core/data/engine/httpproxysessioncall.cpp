// SPDX-License-Identifier: Apache-2.0
// HttpProxySession: a phase suspended on http-request. The call runs on
// this worker (PolicyCallClient); the phase resumes here when it is over,
// so the worker never waits for it. In on_http_response the upstream's
// response head waits meanwhile, with the body bytes already read.
#include "data/engine/httpproxysession.h"

#include "data/engine/engineerrors.h"
#include "data/engine/enginestate.h"
#include "data/engine/policycallclient.h"

namespace switchyard {

void HttpProxySession::runPolicyCall(std::shared_ptr<HttpPolicyCall> call)
{
    const std::uint64_t exchange = m_exchange;
    PolicyCallClient::start(m_worker, call, m_info, 1, [self = shared_from_this(), call, exchange] {
        if (exchange != self->m_exchange || self->m_phase != Phase::Exchange)
            return;
        const std::shared_ptr<HttpPolicyHook> hook = self->m_worker.state().policyHook.load();
        if (!hook) {
            self->respondError(503, "The traffic policy was removed while it ran.", EngineErrors::PolicyNotExecutable);
            self->afterClientInput();
            return;
        }
        std::string body = std::move(self->m_requestBody);
        self->m_requestBody.clear();
        HttpPolicyDecision decision = hook->resumeAfterCall(call, self->m_request, body, self->m_info);
        if (!body.empty()) {
            // A body the policy read whole goes upstream with its exact length.
            self->m_request.framing = HttpBodyFraming::ContentLength;
            self->m_request.contentLength = body.size();
            self->m_requestBody = std::move(body);
        }
        self->applyPolicyDecision(std::move(decision));
        self->afterClientInput();
    });
}

void HttpProxySession::runResponseCall(std::shared_ptr<HttpPolicyCall> call)
{
    m_responseCall = call;
    const std::uint64_t exchange = m_exchange;
    PolicyCallClient::start(m_worker, call, m_info, 1, [self = shared_from_this(), call, exchange] {
        if (exchange != self->m_exchange || self->m_phase != Phase::Exchange || self->m_responseCall != call)
            return;
        self->resumeResponsePolicy(call);
    });
}

void HttpProxySession::resumeResponsePolicy(std::shared_ptr<HttpPolicyCall> call)
{
    m_responseCall.reset();
    HttpResponseHead out = std::move(m_pendingResponse);
    std::optional<std::string> body = std::move(m_pendingBody);
    m_pendingBody.reset();
    const bool whole = body.has_value();
    const std::shared_ptr<HttpPolicyHook> hook = m_worker.state().policyHook.load();
    if (!hook) {
        // The upstream's body is left unread: its connection goes.
        m_upstreamClean = false;
        m_upstreamKeepAlive = false;
        respondError(503, "The traffic policy was removed while it ran.", EngineErrors::PolicyNotExecutable);
    } else if (!runResponsePolicy(*hook, out, body, std::move(call))) {
        return; // the next call (a retry, a later http-request)
    } else {
        // As without a call: a body the phase replaced or read whole goes
        // out with its length; the upstream's rest is dropped or streams.
        if (body && !whole)
            m_discardResponseBody = true;
        if (body)
            sendWholeResponse(std::move(out), std::move(*body));
        else
            sendResponseHead(std::move(out));
        std::string held = std::move(m_heldResponseBody);
        m_heldResponseBody.clear();
        if (!held.empty())
            onResponseBody(held);
        if (m_heldResponseComplete && m_phase == Phase::Exchange) {
            m_heldResponseComplete = false;
            onResponseComplete();
        }
    }
    flushClient();
    if (!m_clientWriting && !m_responseComplete && !m_responseUpgraded)
        readUpstream();
    maybeFinish();
}

bool HttpProxySession::holdWhileResponseCall(std::string_view data)
{
    if (!m_responseCall)
        return false;
    m_heldResponseBody.append(data);
    return true;
}

} // namespace switchyard
