// SPDX-License-Identifier: Apache-2.0
// HttpProxySession: an on_http_request phase suspended on http-request. The
// call runs on this worker (PolicyCallClient); the phase resumes here when
// it is over, so the worker never waits for it.
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

} // namespace switchyard
