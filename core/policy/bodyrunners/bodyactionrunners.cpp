// SPDX-License-Identifier: Apache-2.0
#include "policy/bodyrunners/bodyactionrunners.h"

#include "policy/bodyrunners/bodyfindreplacerunner.h"
#include "policy/bodyrunners/compressresponserunner.h"
#include "policy/bodyrunners/verifywebhookrunner.h"
#include "policy/exec/actionrunnerregistry.h"

#include <memory>

namespace switchyard {

void registerBodyActions(ActionRunnerRegistry &registry)
{
    registry.add("verify-webhook", std::make_shared<VerifyWebhookRunner>());
    const auto findReplace = std::make_shared<BodyFindReplaceRunner>();
    registry.add("request-body-find-replace", findReplace);
    registry.add("response-body-find-replace", findReplace);
    registry.add("compress-response", std::make_shared<CompressResponseRunner>());
}

} // namespace switchyard
