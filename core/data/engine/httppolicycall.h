// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/exec/policyhttpcall.h"

#include <memory>
#include <string>

namespace switchyard {

// A phase suspended on an `http-request` action: on_http_request answers
// HttpPolicyDecision::Kind::Call, on_http_response ResponseEdit::call. The
// session makes `call` (PolicyCallClient) and hands this back to
// HttpPolicyHook::resumeAfterCall() / resumeResponseAfterCall() on the same
// worker. The hook derives from it to keep its own state.
struct HttpPolicyCall
{
    virtual ~HttpPolicyCall() = default;
    std::shared_ptr<PolicyHttpCall> call;
    std::string accountId; // whose internal endpoints may be called
};

} // namespace switchyard
