// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/bodyrunners/compiledconfigcache.h"
#include "policy/exec/actionrunner.h"
#include "policy/runtime/webhookverifier.h"

namespace switchyard {

// verify-webhook (reference §6.3): checks the provider's signature over the
// whole request body (the engine buffers it for policies with this action)
// with WebhookVerifier. A failed check answers 403 unless `enforce: false`.
// A secret that is not literal is rendered per request; the verifier is
// built per request (cheap: no network, the secret decoded once).
class VerifyWebhookRunner final : public ActionRunner
{
public:
    ActionRunResult run(const ActionRunContext &context) const override;
    // Verifiers built so far (one per provider + rendered secret).
    std::size_t cachedVerifiers() const { return m_verifiers.size(); }

private:
    CompiledConfigCache<WebhookVerifier> m_verifiers;
};

} // namespace switchyard
