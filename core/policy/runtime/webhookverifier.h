// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "policy/runtime/runtimeclock.h"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace switchyard {

class HttpHeaders;

// The verify-webhook action (reference §6.3): checks a provider's request
// signature with the configured secret. Each provider's scheme (header,
// MAC, encoding, signed content, timestamp rule) is a row of a table in
// webhookverifier.cpp; README.md here lists the choices. MACs are compared
// in constant time; timestamped schemes refuse requests outside
// `toleranceSeconds` of the clock (replay protection).
// Immutable after create(); safe to share between threads.
class WebhookVerifier
{
public:
    struct Options
    {
        std::int64_t toleranceSeconds = 300;
        WallClock clock = {}; // unixSeconds() when empty
    };

    struct Request
    {
        std::string_view method;
        // The full URL the provider called: scheme://host[:port]/path?query
        // (Twilio, Mandrill, Square, HubSpot and Plivo sign it).
        std::string_view url;
        const HttpHeaders &headers;
        std::string_view body;
    };

    struct Outcome
    {
        bool verified = false;
        std::string error; // why not, in plain words; empty when verified
    };

    // Fails for providers whose scheme cannot be checked offline (sns
    // fetches its certificate over the network) or that are not known.
    static Result<WebhookVerifier> create(std::string_view provider, std::string secret, Options options);
    static Result<WebhookVerifier> create(std::string_view provider, std::string secret);
    WebhookVerifier(WebhookVerifier &&) noexcept;
    WebhookVerifier &operator=(WebhookVerifier &&) noexcept;
    ~WebhookVerifier();

    Outcome verify(const Request &request) const;

    // Every provider create() accepts.
    static std::vector<std::string_view> providers();

private:
    struct Scheme;
    static std::span<const Scheme> schemes();
    WebhookVerifier() = default;
    Outcome verifyMac(const Request &request) const;
    Outcome verifySendGrid(const Request &request) const;
    Outcome verifyMailgun(const Request &request) const;
    Outcome checkTimestamp(std::string_view text, bool millis) const;
    std::string mac(std::string_view data) const;

    const Scheme *m_scheme = nullptr;
    std::string m_secret;  // the MAC key (decoded where the provider encodes it)
    std::shared_ptr<void> m_publicKey; // EVP_PKEY for SendGrid's ECDSA scheme
    Options m_options;
};

} // namespace switchyard
