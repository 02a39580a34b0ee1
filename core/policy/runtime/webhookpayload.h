// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace switchyard {

class HttpHeaders;

// The signed text of webhook schemes that sign more than the raw body
// (helpers of WebhookVerifier).
class WebhookPayload
{
public:
    // application/x-www-form-urlencoded pairs, percent- and '+'-decoded, in
    // body order; an error for a bad %-escape.
    static Result<std::vector<std::pair<std::string, std::string>>> parseForm(std::string_view body);

    // Twilio / Mandrill: the URL followed by every form parameter as
    // name+value, sorted by name (then value). A non-form body signs the URL
    // alone; Twilio then carries the body's SHA-256 (hex) in the URL's
    // bodySHA256 query parameter, which must match.
    static Result<std::string> urlWithSortedForm(std::string_view url, const HttpHeaders &headers,
                                                 std::string_view body);

    struct MailgunFields
    {
        std::string timestamp;
        std::string token;
        std::string signature;
    };
    // Mailgun puts {timestamp, token, signature} in the body: a JSON
    // "signature" object, or top-level form fields for legacy webhooks.
    static Result<MailgunFields> mailgunSignature(const HttpHeaders &headers, std::string_view body);
};

} // namespace switchyard
