// SPDX-License-Identifier: Apache-2.0
#include "policy/bodyrunners/verifywebhookrunner.h"

#include "policy/bodyrunners/actionconfigtext.h"
#include "policy/exec/actionresultvalue.h"
#include "policy/exec/builtinactions.h"
#include "policy/policynode.h"
#include "policy/runtime/webhookverifier.h"

namespace switchyard {

namespace {

ActionRunResult refuse(const std::string &why, bool enforce)
{
    ActionRunResult r;
    r.error = true;
    r.resultName = "verify_webhook";
    r.result = ActionResultValue::map(
        {{"verified", cel::Value::boolean(false)}, {"error", ActionResultValue::error({}, why)}});
    if (!enforce) {
        r.summary = "not verified (enforce: false): " + why;
        return r;
    }
    r.kind = ActionRunResult::Kind::Respond;
    r.response = BuiltinActions::errorResponse(403, "webhook verification failed: " + why, {});
    r.summary = "responded 403: " + why;
    return r;
}

} // namespace

ActionRunResult VerifyWebhookRunner::run(const ActionRunContext &context) const
{
    const bool enforce = ActionConfigText::flag(context, "enforce", true);
    const PolicyNode *providerNode = ActionConfigText::field(context, "provider");
    const PolicyNode *secretNode = ActionConfigText::field(context, "secret");
    if (!providerNode || !secretNode)
        return refuse("the action needs a provider and a secret", enforce);
    std::string secret, error;
    if (!ActionConfigText::render(context, *secretNode, secret, error))
        return refuse("secret: " + error, enforce);
    const std::string &provider = providerNode->scalar;
    const auto built = m_verifiers.obtain(std::to_string(provider.size()) + ':' + provider + secret,
                                          [&] { return WebhookVerifier::create(provider, secret); });
    if (!built->value)
        return refuse(built->error, enforce);
    const PolicyRequest &request = context.exchange.request;
    const WebhookVerifier::Outcome outcome
        = built->value->verify({request.method, request.url, request.headers, request.body});
    if (!outcome.verified)
        return refuse(outcome.error, enforce);
    ActionRunResult r;
    r.resultName = "verify_webhook";
    r.result = ActionResultValue::map(
        {{"verified", cel::Value::boolean(true)}, {"error", ActionResultValue::error({}, {})}});
    r.summary = "verified " + providerNode->scalar + " signature";
    return r;
}

} // namespace switchyard
