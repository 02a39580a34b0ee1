// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/exec/policyhttpcall.h"

#include <memory>
#include <string>

namespace switchyard {

// An on_http_request phase suspended on an `http-request` action
// (HttpPolicyDecision::Kind::Call): the session makes `call` (PolicyCallClient)
// and hands this back to HttpPolicyHook::resumeAfterCall() on the same
// worker. The hook derives from it to keep its own state.
struct HttpPolicyCall
{
    virtual ~HttpPolicyCall() = default;
    std::shared_ptr<PolicyHttpCall> call;
    std::string accountId; // whose internal endpoints may be called
};

} // namespace switchyard
