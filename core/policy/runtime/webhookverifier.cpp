// SPDX-License-Identifier: Apache-2.0
#include "policy/runtime/webhookverifier.h"

#include "data/http/httpheaders.h"
#include "data/http/httpsyntax.h"
#include "policy/runtime/base64codec.h"
#include "policy/runtime/hexcodec.h"
#include "policy/runtime/webhookpayload.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <charconv>

namespace switchyard {

namespace {

enum class Mac { Sha1, Sha256 };
enum class Encoding { Hex, Base64 };
// What the provider signs.
enum class Content {
    Body,
    TimestampDotBody,   // "{t}.{body}" (Stripe, Mux)
    V0TimestampBody,    // "v0:{t}:{body}" (Slack, Zoom, Frame.io)
    TimestampBody,      // "{t}{body}" (Zendesk)
    IdTimestampBody,    // "{id}.{t}.{body}" (Svix, Clerk)
    UrlBody,            // "{url}{body}" (Square)
    UrlSortedForm,      // url + sorted form key/values (Twilio, Mandrill)
    MethodUrlBodyTime,  // "{method}{url}{body}{t}" (HubSpot v3)
    UrlNonce,           // url without query + nonce (Plivo V2)
    Token,              // the header carries the secret itself (GitLab)
    SendGrid,           // ECDSA P-256 over "{t}{body}"
    Mailgun,            // HMAC of timestamp+token carried in the body
};
// How the signature header is laid out.
enum class Layout {
    Single,         // [prefix]signature
    KeyValueList,   // t=…,v1=…,v1=… (prefix names the signature key)
    VersionList,    // v1=…,v1=… (prefix includes the '=')
    SpaceList,      // "v1,sig v1,sig" (prefix "v1,")
};

} // namespace

struct WebhookVerifier::Scheme
{
    std::string_view provider;
    std::string_view header;
    std::string_view prefix = {};
    Mac mac = Mac::Sha256;
    Encoding encoding = Encoding::Hex;
    Content content = Content::Body;
    Layout layout = Layout::Single;
    std::string_view timestampHeader = {};
    bool checkTime = false;  // the timestamp is Unix time and must be fresh
    bool timeInMillis = false;
};

namespace {

constexpr auto Hex = Encoding::Hex;
constexpr auto B64 = Encoding::Base64;

} // namespace

std::span<const WebhookVerifier::Scheme> WebhookVerifier::schemes()
{
    // Sorted by provider name.
    static const std::array<Scheme, 37> Schemes{{
    {"bitbucket", "x-hub-signature", "sha256="},
    {"castle", "x-castle-signature", {}, Mac::Sha256, B64},
    {"chargify", "x-chargify-webhook-signature-hmac-sha-256"},
    {"circleci", "circleci-signature", "v1=", Mac::Sha256, Hex, Content::Body, Layout::VersionList},
    {"clearbit", "x-request-signature", "sha1=", Mac::Sha1},
    {"clerk", "svix-signature", "v1,", Mac::Sha256, B64, Content::IdTimestampBody, Layout::SpaceList,
     "svix-timestamp", true},
    {"coinbase", "x-cc-webhook-signature"},
    {"docusign", "x-docusign-signature-1", {}, Mac::Sha256, B64},
    {"dropbox", "x-dropbox-signature"},
    {"facebook_graph_api", "x-hub-signature-256", "sha256="},
    {"frameio", "x-frameio-signature", "v0=", Mac::Sha256, Hex, Content::V0TimestampBody, Layout::Single,
     "x-frameio-request-timestamp", true},
    {"github", "x-hub-signature-256", "sha256="},
    {"gitlab", "x-gitlab-token", {}, Mac::Sha256, Hex, Content::Token},
    {"go_cardless", "webhook-signature"},
    {"hubspot", "x-hubspot-signature-v3", {}, Mac::Sha256, B64, Content::MethodUrlBodyTime, Layout::Single,
     "x-hubspot-request-timestamp", true, true},
    {"intercom", "x-hub-signature", "sha1=", Mac::Sha1},
    {"launch_darkly", "x-ld-signature"},
    {"linear", "linear-signature"},
    {"mailchimp", "x-mandrill-signature", {}, Mac::Sha1, B64, Content::UrlSortedForm},
    {"mailgun", "", {}, Mac::Sha256, Hex, Content::Mailgun, Layout::Single, {}, true},
    {"mandrill", "x-mandrill-signature", {}, Mac::Sha1, B64, Content::UrlSortedForm},
    {"mux", "mux-signature", "v1", Mac::Sha256, Hex, Content::TimestampDotBody, Layout::KeyValueList, {}, true},
    {"pagerduty", "x-pagerduty-signature", "v1=", Mac::Sha256, Hex, Content::Body, Layout::VersionList},
    {"plivo", "x-plivo-signature-v2", {}, Mac::Sha256, B64, Content::UrlNonce, Layout::Single,
     "x-plivo-signature-v2-nonce"},
    {"pusher", "x-pusher-signature"},
    {"sendgrid", "x-twilio-email-event-webhook-signature", {}, Mac::Sha256, B64, Content::SendGrid, Layout::Single,
     "x-twilio-email-event-webhook-timestamp"},
    {"sentry", "sentry-hook-signature"},
    {"shopify", "x-shopify-hmac-sha256", {}, Mac::Sha256, B64},
    {"slack", "x-slack-signature", "v0=", Mac::Sha256, Hex, Content::V0TimestampBody, Layout::Single,
     "x-slack-request-timestamp", true},
    {"square", "x-square-hmacsha256-signature", {}, Mac::Sha256, B64, Content::UrlBody},
    {"stripe", "stripe-signature", "v1", Mac::Sha256, Hex, Content::TimestampDotBody, Layout::KeyValueList, {}, true},
    {"svix", "svix-signature", "v1,", Mac::Sha256, B64, Content::IdTimestampBody, Layout::SpaceList,
     "svix-timestamp", true},
    {"twilio", "x-twilio-signature", {}, Mac::Sha1, B64, Content::UrlSortedForm},
    {"typeform", "typeform-signature", "sha256=", Mac::Sha256, B64},
    {"xero", "x-xero-signature", {}, Mac::Sha256, B64},
    {"zendesk", "x-zendesk-webhook-signature", {}, Mac::Sha256, B64, Content::TimestampBody, Layout::Single,
     "x-zendesk-webhook-signature-timestamp"},
    {"zoom", "x-zm-signature", "v0=", Mac::Sha256, Hex, Content::V0TimestampBody, Layout::Single,
     "x-zm-request-timestamp", true},
    }};
    return Schemes;
}

namespace {

// Providers in the policy schema whose scheme needs something Switchyard
// cannot do offline or does not implement, with the reason.
constexpr std::array<std::pair<std::string_view, std::string_view>, 3> Unsupported{{
    {"airship", "Airship's signature scheme is not implemented"},
    {"contentful", "Contentful's canonical-request signature scheme is not implemented"},
    {"sns", "Amazon SNS signatures need the signing certificate fetched over the network"},
}};

bool constantTimeEqual(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::vector<std::string_view> split(std::string_view text, char separator)
{
    std::vector<std::string_view> out;
    while (true) {
        const std::size_t at = text.find(separator);
        out.push_back(httpsyntax::trimOws(text.substr(0, at)));
        if (at == std::string_view::npos)
            return out;
        text = text.substr(at + 1);
    }
}

WebhookVerifier::Outcome fail(std::string message)
{
    return {false, std::move(message)};
}

} // namespace

WebhookVerifier::WebhookVerifier(WebhookVerifier &&) noexcept = default;
WebhookVerifier &WebhookVerifier::operator=(WebhookVerifier &&) noexcept = default;
WebhookVerifier::~WebhookVerifier() = default;

std::vector<std::string_view> WebhookVerifier::providers()
{
    std::vector<std::string_view> out;
    for (const Scheme &s : schemes())
        out.push_back(s.provider);
    return out;
}

Result<WebhookVerifier> WebhookVerifier::create(std::string_view provider, std::string secret)
{
    return create(provider, std::move(secret), Options{});
}

Result<WebhookVerifier> WebhookVerifier::create(std::string_view provider, std::string secret, Options options)
{
    for (const auto &[name, reason] : Unsupported) {
        if (name == provider)
            return makeError("verify-webhook provider '" + std::string(provider) + "' is not supported: "
                             + std::string(reason));
    }
    const auto table = schemes();
    const auto it = std::find_if(table.begin(), table.end(), [&](const Scheme &s) { return s.provider == provider; });
    if (it == table.end())
        return makeError("unknown verify-webhook provider '" + std::string(provider) + "'");
    if (secret.empty())
        return makeError("verify-webhook needs a non-empty secret");
    WebhookVerifier out;
    out.m_scheme = &*it;
    out.m_options = std::move(options);
    if (!out.m_options.clock)
        out.m_options.clock = unixSeconds;
    if (it->content == Content::IdTimestampBody && secret.starts_with("whsec_")) {
        // Svix secrets are "whsec_" + base64 of the MAC key.
        auto key = Base64Codec::decode(std::string_view(secret).substr(6));
        if (!key)
            return makeError("the " + std::string(provider) + " secret is not 'whsec_' followed by base64");
        secret = std::move(*key);
    }
    if (it->content == Content::SendGrid) {
        // The "secret" is the verification key: base64 DER SubjectPublicKeyInfo.
        auto der = Base64Codec::decode(httpsyntax::trimOws(secret));
        const auto *p = der ? reinterpret_cast<const unsigned char *>(der->data()) : nullptr;
        EVP_PKEY *key = der ? d2i_PUBKEY(nullptr, &p, static_cast<long>(der->size())) : nullptr;
        if (!key)
            return makeError("the sendgrid secret must be the base64 verification key from the SendGrid settings");
        out.m_publicKey = std::shared_ptr<void>(key, [](void *k) { EVP_PKEY_free(static_cast<EVP_PKEY *>(k)); });
    }
    out.m_secret = std::move(secret);
    return out;
}

std::string WebhookVerifier::mac(std::string_view data) const
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    HMAC(m_scheme->mac == Mac::Sha1 ? EVP_sha1() : EVP_sha256(), m_secret.data(), static_cast<int>(m_secret.size()),
         reinterpret_cast<const unsigned char *>(data.data()), data.size(), out, &size);
    return std::string(reinterpret_cast<const char *>(out), size);
}

WebhookVerifier::Outcome WebhookVerifier::checkTimestamp(std::string_view text, bool millis) const
{
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size())
        return fail("the webhook timestamp '" + std::string(text) + "' is not a number");
    const std::int64_t seconds = millis ? value / 1000 : value;
    const std::int64_t skew = m_options.clock() - seconds;
    if (skew > m_options.toleranceSeconds || -skew > m_options.toleranceSeconds)
        return fail("the webhook timestamp is " + std::to_string(skew < 0 ? -skew : skew) + " s from now, more than the "
                    + std::to_string(m_options.toleranceSeconds) + " s tolerance");
    return {true, {}};
}

WebhookVerifier::Outcome WebhookVerifier::verify(const Request &request) const
{
    switch (m_scheme->content) {
    case Content::SendGrid: return verifySendGrid(request);
    case Content::Mailgun: return verifyMailgun(request);
    case Content::Token: {
        const auto token = request.headers.value(m_scheme->header);
        if (!token)
            return fail("missing " + std::string(m_scheme->header) + " header");
        // Compare digests so the comparison time does not depend on length.
        return constantTimeEqual(mac(httpsyntax::trimOws(*token)), mac(m_secret)) ? Outcome{true, {}}
                                                                    : fail("the webhook token does not match");
    }
    default: return verifyMac(request);
    }
}

WebhookVerifier::Outcome WebhookVerifier::verifyMac(const Request &request) const
{
    const Scheme &s = *m_scheme;
    std::optional<std::string_view> header = request.headers.value(s.header);
    std::string_view idHeader = "svix-id";
    std::string_view timestampHeader = s.timestampHeader;
    if (!header && s.layout == Layout::SpaceList) {
        // Standard Webhooks names (Svix's successor spec).
        header = request.headers.value("webhook-signature");
        idHeader = "webhook-id";
        timestampHeader = "webhook-timestamp";
    }
    if (!header)
        return fail("missing " + std::string(s.header) + " header");

    std::vector<std::string_view> candidates;
    std::string_view timestamp;
    switch (s.layout) {
    case Layout::Single:
        if (!header->starts_with(s.prefix))
            return fail("the " + std::string(s.header) + " header does not start with '" + std::string(s.prefix) + "'");
        candidates.push_back(httpsyntax::trimOws(header->substr(s.prefix.size())));
        break;
    case Layout::KeyValueList:
        for (const std::string_view item : split(*header, ',')) {
            const std::size_t eq = item.find('=');
            if (eq == std::string_view::npos)
                continue;
            if (item.substr(0, eq) == "t")
                timestamp = item.substr(eq + 1);
            else if (item.substr(0, eq) == s.prefix)
                candidates.push_back(item.substr(eq + 1));
        }
        if (timestamp.empty())
            return fail("the " + std::string(s.header) + " header has no t= timestamp");
        break;
    case Layout::VersionList:
    case Layout::SpaceList:
        for (const std::string_view item : split(*header, s.layout == Layout::SpaceList ? ' ' : ',')) {
            if (item.starts_with(s.prefix))
                candidates.push_back(item.substr(s.prefix.size()));
        }
        break;
    }
    if (candidates.empty())
        return fail("the " + std::string(s.header) + " header has no " + std::string(s.prefix) + " signature");
    if (!timestampHeader.empty()) {
        const auto t = request.headers.value(timestampHeader);
        if (!t)
            return fail("missing " + std::string(timestampHeader) + " header");
        timestamp = httpsyntax::trimOws(*t);
    }
    if (s.checkTime) {
        if (Outcome o = checkTimestamp(timestamp, s.timeInMillis); !o.verified)
            return o;
    }

    std::string scratch;
    std::string_view payload = request.body;
    switch (s.content) {
    case Content::Body: break;
    case Content::TimestampDotBody: scratch = std::string(timestamp) + "." + std::string(request.body); break;
    case Content::V0TimestampBody: scratch = "v0:" + std::string(timestamp) + ":" + std::string(request.body); break;
    case Content::TimestampBody: scratch = std::string(timestamp) + std::string(request.body); break;
    case Content::IdTimestampBody: {
        const auto id = request.headers.value(idHeader);
        if (!id)
            return fail("missing " + std::string(idHeader) + " header");
        scratch = std::string(httpsyntax::trimOws(*id)) + "." + std::string(timestamp) + "." + std::string(request.body);
        break;
    }
    case Content::UrlBody: scratch = std::string(request.url) + std::string(request.body); break;
    case Content::UrlSortedForm: {
        auto signedText = WebhookPayload::urlWithSortedForm(request.url, request.headers, request.body);
        if (!signedText)
            return fail(signedText.message());
        scratch = std::move(*signedText);
        break;
    }
    case Content::MethodUrlBodyTime:
        scratch = std::string(request.method) + std::string(request.url) + std::string(request.body)
                  + std::string(timestamp);
        break;
    case Content::UrlNonce:
        scratch = std::string(request.url.substr(0, request.url.find('?'))) + std::string(timestamp);
        break;
    case Content::Token:
    case Content::SendGrid:
    case Content::Mailgun: break;
    }
    if (s.content != Content::Body)
        payload = scratch;

    const std::string expected = mac(payload);
    bool matched = false;
    for (const std::string_view candidate : candidates) {
        const auto presented = s.encoding == Encoding::Hex ? HexCodec::decode(candidate) : Base64Codec::decode(candidate);
        if (presented && constantTimeEqual(*presented, expected))
            matched = true;
    }
    return matched ? Outcome{true, {}} : fail("the " + std::string(s.provider) + " signature does not match");
}

WebhookVerifier::Outcome WebhookVerifier::verifySendGrid(const Request &request) const
{
    const auto signature = request.headers.value(m_scheme->header);
    const auto timestamp = request.headers.value(m_scheme->timestampHeader);
    if (!signature || !timestamp)
        return fail("missing " + std::string(signature ? m_scheme->timestampHeader : m_scheme->header) + " header");
    const auto der = Base64Codec::decode(httpsyntax::trimOws(*signature));
    if (!der)
        return fail("the sendgrid signature is not base64");
    const std::string payload = std::string(httpsyntax::trimOws(*timestamp)) + std::string(request.body);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    const bool ok = ctx
                    && EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr,
                                            static_cast<EVP_PKEY *>(m_publicKey.get())) == 1
                    && EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char *>(der->data()), der->size(),
                                        reinterpret_cast<const unsigned char *>(payload.data()), payload.size())
                           == 1;
    EVP_MD_CTX_free(ctx);
    return ok ? Outcome{true, {}} : fail("the sendgrid signature does not match");
}

WebhookVerifier::Outcome WebhookVerifier::verifyMailgun(const Request &request) const
{
    auto fields = WebhookPayload::mailgunSignature(request.headers, request.body);
    if (!fields)
        return fail(fields.message());
    if (Outcome o = checkTimestamp(fields->timestamp, false); !o.verified)
        return o;
    const auto presented = HexCodec::decode(fields->signature);
    return presented && constantTimeEqual(*presented, mac(fields->timestamp + fields->token))
               ? Outcome{true, {}}
               : fail("the mailgun signature does not match");
}

} // namespace switchyard
