// SPDX-License-Identifier: Apache-2.0
// verify-webhook: every provider scheme (signatures computed independently
// with Python's hmac module), the providers' published examples (GitHub,
// Slack, Svix, Twilio), replay windows and tampering.
#include <QObject>
#include <QTest>

#include "data/http/httpheaders.h"
#include "policy/runtime/base64codec.h"
#include "policy/runtime/webhookverifier.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

using namespace switchyard;

class TestWebhookVerifier : public QObject
{
    Q_OBJECT

private slots:
    void providers_data();
    void providers();
    void everyProviderIsCovered();
    void githubDocumentationExample();
    void slackDocumentationExample();
    void svixDocumentationExample();
    void twilioDocumentationExample();
    void twilioJsonBodyHash();
    void timestampTolerance_data();
    void timestampTolerance();
    void missingHeaders();
    void sendgridEcdsa();
    void refusedConfig();
};

namespace {

constexpr std::int64_t Now = 1'700'000'000;
const std::string Url = "https://hooks.example.com/webhooks?x=1";

WebhookVerifier::Options fixedClock(std::int64_t now = Now)
{
    return WebhookVerifier::Options{300, [now] { return now; }};
}

HttpHeaders headersFrom(const QStringList &pairs, const QString &contentType = {})
{
    HttpHeaders h;
    if (!contentType.isEmpty())
        h.append("Content-Type", contentType.toStdString());
    for (qsizetype i = 0; i + 1 < pairs.size(); i += 2)
        h.append(pairs[i].toStdString(), pairs[i + 1].toStdString());
    return h;
}

WebhookVerifier::Outcome run(std::string_view provider, const std::string &secret, const HttpHeaders &headers,
                             std::string_view body, std::string_view url = Url, std::int64_t now = Now)
{
    auto v = WebhookVerifier::create(provider, secret, fixedClock(now));
    if (!v)
        return {false, "create failed: " + v.message()};
    return v->verify({"POST", url, headers, body});
}

} // namespace

void TestWebhookVerifier::providers_data()
{
    QTest::addColumn<QString>("provider");
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("contentType");
    QTest::addColumn<QString>("body");
    QTest::addColumn<QStringList>("headers");
    QTest::addColumn<bool>("bodySigned");
    QTest::newRow("bitbucket") << QStringLiteral("bitbucket") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/json")
                        << QStringLiteral("{\"event\":\"ping\",\"id\":42}") << QStringList{"X-Hub-Signature", "sha256=af7f15bdf6fb4b0418858084f736913225446347d9bd2d42ff28c6cb576fcced"} << true;
    QTest::newRow("castle") << QStringLiteral("castle") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/json")
                        << QStringLiteral("{\"event\":\"ping\",\"id\":42}") << QStringList{"X-Castle-Signature", "r38Vvfb7SwQYhYCE9zaRMiVEY0fZvS1C/yjGy1dvzO0="} << true;
    QTest::newRow("chargify") << QStringLiteral("chargify") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/json")
                        << QStringLiteral("{\"event\":\"ping\",\"id\":42}") << QStringList{"X-Chargify-Webhook-Signature-Hmac-Sha-256", "af7f15bdf6fb4b0418858084f736913225446347d9bd2d42ff28c6cb576fcced"} << true;
    QTest::newRow("circleci") << QStringLiteral("circleci") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/json")
                        << QStringLiteral("{\"event\":\"ping\",\"id\":42}") << QStringList{"circleci-signature", "v0=deadbeef,v1=af7f15bdf6fb4b0418858084f736913225446347d9bd2d42ff28c6cb576fcced"} << true;
    QTest::newRow("clearbit") << QStringLiteral("clearbit") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/json")
                        << QStringLiteral("{\"event\":\"ping\",\"id\":42}") << QStringList{"X-Request-Signature", "sha1=be3a36e8e72d82d0d06c6f0e43614ee25250a5aa"} << true;
    QTest::newRow("coinbase") << QStringLiteral("coinbase") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/json")
                        << QStringLiteral("{\"event\":\"ping\",\"id\":42}") << QStringList{"X-CC-Webhook-Signature", "af7f15bdf6fb4b0418858084f736913225446347d9bd2d42ff28c6cb576fcced"} << true;
    QTest::newRow("docusign") << QStringLiteral("docusign") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/json")
                        << QStringLiteral("{\"event\":\"ping\",\"id\":42}") << QStringList{"X-DocuSign-Signature-1", "r38Vvfb7SwQYhYCE9zaRMiVEY0fZvS1C/yjGy1dvzO0="} << true;
    QTest::newRow("dropbox") << QStringLiteral("dropbox") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/json")
                        << QStringLiteral("{\"event\":\"ping\",\"id\":42}") << QStringList{"X-Dropbox-Signature", "af7f15bdf6fb4b0418858084f736913225446347d9bd2d42ff28c6cb576fcced"} << true;
    QTest::newRow("facebook_graph_api") << QStringLiteral("facebook_graph_api") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/json")
                        << QStringLiteral("{\"event\":\"ping\",\"id\":42}") << QStringList{"X-Hub-Signature-256", "sha256=af7f15bdf6fb4b0418858084f736913225446347d9bd2d42ff28c6cb576fcced"} << true;
    QTest::newRow("frameio") << QStringLiteral("frameio") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/json")
                        << QStringLiteral("{\"event\":\"ping\",\"id\":42}") << QStringList{"X-Frameio-Signature", "v0=7b65a9765c2570f6271766cfecd544091e57a1b1a07bb2ea6218d72f05d2b85d", "X-Frameio-Request-Timestamp", "1700000000"} << true;
    QTest::newRow("github") << QStringLiteral("github") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/json")
                        << QStringLiteral("{\"event\":\"ping\",\"id\":42}") << QStringList{"X-Hub-Signature-256", "sha256=af7f15bdf6fb4b0418858084f736913225446347d9bd2d42ff28c6cb576fcced"} << true;
    QTest::newRow("gitlab") << QStringLiteral("gitlab") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/json")
                        << QStringLiteral("{\"event\":\"ping\",\"id\":42}") << QStringList{"X-Gitlab-Token", "s3cr3t-webhook-key"} << false;
    QTest::newRow("go_cardless") << QStringLiteral("go_cardless") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/json")
                        << QStringLiteral("{\"event\":\"ping\",\"id\":42}") << QStringList{"Webhook-Signature", "af7f15bdf6fb4b0418858084f736913225446347d9bd2d42ff28c6cb576fcced"} << true;
    QTest::newRow("hubspot") << QStringLiteral("hubspot") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/json")
                        << QStringLiteral("{\"event\":\"ping\",\"id\":42}") << QStringList{"X-HubSpot-Signature-v3", "m9eLh1jD5Ol73WuTcVEav2TcN4dgdonNTTABqhpZwSY=", "X-HubSpot-Request-Timestamp", "1700000000123"} << true;
    QTest::newRow("intercom") << QStringLiteral("intercom") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/json")
                        << QStringLiteral("{\"event\":\"ping\",\"id\":42}") << QStringList{"X-Hub-Signature", "sha1=be3a36e8e72d82d0d06c6f0e43614ee25250a5aa"} << true;
    QTest::newRow("launch_darkly") << QStringLiteral("launch_darkly") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/json")
                        << QStringLiteral("{\"event\":\"ping\",\"id\":42}") << QStringList{"X-LD-Signature", "af7f15bdf6fb4b0418858084f736913225446347d9bd2d42ff28c6cb576fcced"} << true;
    QTest::newRow("linear") << QStringLiteral("linear") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/json")
                        << QStringLiteral("{\"event\":\"ping\",\"id\":42}") << QStringList{"Linear-Signature", "af7f15bdf6fb4b0418858084f736913225446347d9bd2d42ff28c6cb576fcced"} << true;
    QTest::newRow("mailchimp") << QStringLiteral("mailchimp") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/x-www-form-urlencoded")
                        << QStringLiteral("b=2&a=1+2&a=0&c=%2Fpath") << QStringList{"X-Mandrill-Signature", "1K7moEO2TQFNKSkwBOTM841Rk34="} << true;
    QTest::newRow("mandrill") << QStringLiteral("mandrill") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/x-www-form-urlencoded")
                        << QStringLiteral("b=2&a=1+2&a=0&c=%2Fpath") << QStringList{"X-Mandrill-Signature", "1K7moEO2TQFNKSkwBOTM841Rk34="} << true;
    QTest::newRow("mailgun") << QStringLiteral("mailgun") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/json")
                        << QStringLiteral("{\"signature\": {\"timestamp\": \"1700000000\", \"token\": \"abc123token\", \"signature\": \"498d00516b933fc237dd342a5a696dbf28d2bb54e3db5ad9ab65f4f7c8f89693\"}, \"event-data\": {\"event\": \"delivered\"}}") << QStringList{} << false;
    QTest::newRow("mux") << QStringLiteral("mux") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/json")
                        << QStringLiteral("{\"event\":\"ping\",\"id\":42}") << QStringList{"Mux-Signature", "t=1700000000,v1=545b956ed9fcf4a5dea0b027928f15eec54ec78492b2f05e7cf59eb092103d10"} << true;
    QTest::newRow("pagerduty") << QStringLiteral("pagerduty") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/json")
                        << QStringLiteral("{\"event\":\"ping\",\"id\":42}") << QStringList{"X-PagerDuty-Signature", "v1=00ff,v1=af7f15bdf6fb4b0418858084f736913225446347d9bd2d42ff28c6cb576fcced"} << true;
    QTest::newRow("plivo") << QStringLiteral("plivo") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/json")
                        << QStringLiteral("{\"event\":\"ping\",\"id\":42}") << QStringList{"X-Plivo-Signature-V2", "R2IpJuF5jBEDmKM1ItUWbQ2k58puvLIQLbhZYws659A=", "X-Plivo-Signature-V2-Nonce", "nonce123"} << false;
    QTest::newRow("pusher") << QStringLiteral("pusher") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/json")
                        << QStringLiteral("{\"event\":\"ping\",\"id\":42}") << QStringList{"X-Pusher-Signature", "af7f15bdf6fb4b0418858084f736913225446347d9bd2d42ff28c6cb576fcced"} << true;
    QTest::newRow("sentry") << QStringLiteral("sentry") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/json")
                        << QStringLiteral("{\"event\":\"ping\",\"id\":42}") << QStringList{"Sentry-Hook-Signature", "af7f15bdf6fb4b0418858084f736913225446347d9bd2d42ff28c6cb576fcced"} << true;
    QTest::newRow("shopify") << QStringLiteral("shopify") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/json")
                        << QStringLiteral("{\"event\":\"ping\",\"id\":42}") << QStringList{"X-Shopify-Hmac-Sha256", "r38Vvfb7SwQYhYCE9zaRMiVEY0fZvS1C/yjGy1dvzO0="} << true;
    QTest::newRow("slack") << QStringLiteral("slack") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/json")
                        << QStringLiteral("{\"event\":\"ping\",\"id\":42}") << QStringList{"X-Slack-Signature", "v0=7b65a9765c2570f6271766cfecd544091e57a1b1a07bb2ea6218d72f05d2b85d", "X-Slack-Request-Timestamp", "1700000000"} << true;
    QTest::newRow("square") << QStringLiteral("square") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/json")
                        << QStringLiteral("{\"event\":\"ping\",\"id\":42}") << QStringList{"x-square-hmacsha256-signature", "xRPcH2z88RGqc7Vlf7fYDWYAnXrDbfLQ/zYFQ8PVXAI="} << true;
    QTest::newRow("stripe") << QStringLiteral("stripe") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/json")
                        << QStringLiteral("{\"event\":\"ping\",\"id\":42}") << QStringList{"Stripe-Signature", "t=1700000000,v1=abcdef,v1=545b956ed9fcf4a5dea0b027928f15eec54ec78492b2f05e7cf59eb092103d10,v0=ffff"} << true;
    QTest::newRow("svix") << QStringLiteral("svix") << QStringLiteral("whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=") << QStringLiteral("application/json")
                        << QStringLiteral("{\"event\":\"ping\",\"id\":42}") << QStringList{"svix-id", "msg_1", "svix-timestamp", "1700000000", "svix-signature", "v1,bm90IHRoaXM= v1,2Ng3aRfCR3pRGbSVoy3MVjMAIkgr909HDSZrxvRhNvI="} << true;
    QTest::newRow("clerk") << QStringLiteral("clerk") << QStringLiteral("whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=") << QStringLiteral("application/json")
                        << QStringLiteral("{\"event\":\"ping\",\"id\":42}") << QStringList{"webhook-id", "msg_2", "webhook-timestamp", "1700000000", "webhook-signature", "v1,QeEgMskMOcZ3i+cMhfgtZ8wBQMn/aZ6A5cbKVgXd2Dw="} << true;
    QTest::newRow("twilio") << QStringLiteral("twilio") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/x-www-form-urlencoded")
                        << QStringLiteral("b=2&a=1+2&a=0&c=%2Fpath") << QStringList{"X-Twilio-Signature", "1K7moEO2TQFNKSkwBOTM841Rk34="} << true;
    QTest::newRow("typeform") << QStringLiteral("typeform") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/json")
                        << QStringLiteral("{\"event\":\"ping\",\"id\":42}") << QStringList{"Typeform-Signature", "sha256=r38Vvfb7SwQYhYCE9zaRMiVEY0fZvS1C/yjGy1dvzO0="} << true;
    QTest::newRow("xero") << QStringLiteral("xero") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/json")
                        << QStringLiteral("{\"event\":\"ping\",\"id\":42}") << QStringList{"x-xero-signature", "r38Vvfb7SwQYhYCE9zaRMiVEY0fZvS1C/yjGy1dvzO0="} << true;
    QTest::newRow("zendesk") << QStringLiteral("zendesk") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/json")
                        << QStringLiteral("{\"event\":\"ping\",\"id\":42}") << QStringList{"X-Zendesk-Webhook-Signature", "ho9mX4wzsbOvDsj5SUaPFz4vd3SNz0J+x7MauTcragg=", "X-Zendesk-Webhook-Signature-Timestamp", "2023-11-14T22:13:20Z"} << true;
    QTest::newRow("zoom") << QStringLiteral("zoom") << QStringLiteral("s3cr3t-webhook-key") << QStringLiteral("application/json")
                        << QStringLiteral("{\"event\":\"ping\",\"id\":42}") << QStringList{"x-zm-signature", "v0=7b65a9765c2570f6271766cfecd544091e57a1b1a07bb2ea6218d72f05d2b85d", "x-zm-request-timestamp", "1700000000"} << true;
}

void TestWebhookVerifier::providers()
{
    QFETCH(QString, provider);
    QFETCH(QString, secret);
    QFETCH(QString, contentType);
    QFETCH(QString, body);
    QFETCH(QStringList, headers);
    QFETCH(bool, bodySigned);
    const HttpHeaders h = headersFrom(headers, contentType);
    const std::string p = provider.toStdString();
    const std::string b = body.toStdString();
    const auto good = run(p, secret.toStdString(), h, b);
    QVERIFY2(good.verified, good.error.c_str());
    QVERIFY(good.error.empty());
    const auto wrongSecret = run(p, secret.toStdString() + "x", h, b);
    QVERIFY(!wrongSecret.verified);
    QVERIFY(!wrongSecret.error.empty());
    if (bodySigned) {
        const auto tampered = run(p, secret.toStdString(), h, b + " ");
        QVERIFY(!tampered.verified);
    }
}

void TestWebhookVerifier::everyProviderIsCovered()
{
    // providers() must match the rows above, so no scheme goes untested.
    QCOMPARE(WebhookVerifier::providers().size(), std::size_t(37));
}

void TestWebhookVerifier::githubDocumentationExample()
{
    // docs.github.com "Validating webhook deliveries".
    HttpHeaders h;
    h.append("X-Hub-Signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
    QVERIFY(run("github", "It's a Secret to Everybody", h, "Hello, World!").verified);
    QVERIFY(!run("github", "It's a Secret to Everybody", h, "Hello, World?").verified);
}

void TestWebhookVerifier::slackDocumentationExample()
{
    // api.slack.com "Verifying requests from Slack".
    const std::string body
        = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name="
          "foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%"
          "2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id="
          "398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    HttpHeaders h;
    h.append("X-Slack-Request-Timestamp", "1531420618");
    h.append("X-Slack-Signature", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503");
    const auto o = run("slack", "8f742231b10e8888abcd99yyyzzz85a5", h, body, Url, 1531420618 + 10);
    QVERIFY2(o.verified, o.error.c_str());
}

void TestWebhookVerifier::svixDocumentationExample()
{
    // docs.svix.com "Verifying payloads manually".
    HttpHeaders h;
    h.append("svix-id", "msg_p5jXN8AQM9LWM0D4loKWxJek");
    h.append("svix-timestamp", "1614265330");
    h.append("svix-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    const auto o = run("svix", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", h, "{\"test\": 2432232314}", Url, 1614265330);
    QVERIFY2(o.verified, o.error.c_str());
}

void TestWebhookVerifier::twilioDocumentationExample()
{
    // twilio.com/docs/usage/security: form parameters sorted after the URL.
    HttpHeaders h;
    h.append("Content-Type", "application/x-www-form-urlencoded");
    h.append("X-Twilio-Signature", "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
    const std::string body = "To=%2B18005551212&From=%2B12349013030&Digits=1234&Caller=%2B12349013030&CallSid="
                             "CA1234567890ABCDE";
    const auto o = run("twilio", "12345", h, body, "https://mycompany.com/myapp.php?foo=1&bar=2");
    QVERIFY2(o.verified, o.error.c_str());
    QVERIFY(!run("twilio", "12345", h, body + "&Extra=1", "https://mycompany.com/myapp.php?foo=1&bar=2").verified);
}

void TestWebhookVerifier::twilioJsonBodyHash()
{
    // A JSON body: the URL alone is signed and carries bodySHA256.
    const std::string body = "{\"a\":1}";
    const std::string url = "https://example.com/hook?bodySHA256="
                            "015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862";
    // HMAC-SHA1("secret-token", url), base64, computed with Python.
    HttpHeaders h;
    h.append("Content-Type", "application/json");
    h.append("X-Twilio-Signature", "bGsjT/fxIkxIRF9PXxCvUnGgrgk=");
    const auto o = run("twilio", "secret-token", h, body, url);
    QVERIFY2(o.verified, o.error.c_str());
    const auto tampered = run("twilio", "secret-token", h, "{\"a\":2}", url);
    QVERIFY(!tampered.verified);
    QCOMPARE(tampered.error, std::string("the body does not match the URL's bodySHA256"));
}

void TestWebhookVerifier::timestampTolerance_data()
{
    QTest::addColumn<int>("skew");
    QTest::addColumn<bool>("verified");
    QTest::newRow("now") << 0 << true;
    QTest::newRow("300 s old") << 300 << true;
    QTest::newRow("301 s old") << 301 << false;
    QTest::newRow("300 s ahead") << -300 << true;
    QTest::newRow("301 s ahead") << -301 << false;
}

void TestWebhookVerifier::timestampTolerance()
{
    QFETCH(int, skew);
    QFETCH(bool, verified);
    // Stripe, t = Now, body "{}": HMAC-SHA256("whsec_test", "1700000000.{}").
    HttpHeaders h;
    h.append("Stripe-Signature", "t=1700000000,v1=e30cfa6a3f0c0a07b1d4f6f83e3ec2e10e5c5b7dc7f4d8d7d2bbce5fd6e0c9b1");
    const auto o = run("stripe", "whsec_test", h, "{}", Url, Now + skew);
    if (verified) {
        // The signature is deliberately wrong, so a fresh timestamp must get
        // as far as the signature check.
        QCOMPARE(o.error, std::string("the stripe signature does not match"));
    } else {
        QCOMPARE(o.error, "the webhook timestamp is " + std::to_string(std::abs(skew))
                              + " s from now, more than the 300 s tolerance");
    }
    QVERIFY(!o.verified);
}

void TestWebhookVerifier::missingHeaders()
{
    HttpHeaders none;
    QCOMPARE(run("github", "k", none, "{}").error, std::string("missing x-hub-signature-256 header"));
    HttpHeaders noTimestamp;
    noTimestamp.append("X-Slack-Signature", "v0=00");
    QCOMPARE(run("slack", "k", noTimestamp, "{}").error, std::string("missing x-slack-request-timestamp header"));
    HttpHeaders noT;
    noT.append("Stripe-Signature", "v1=00");
    QCOMPARE(run("stripe", "k", noT, "{}").error, std::string("the stripe-signature header has no t= timestamp"));
    HttpHeaders badPrefix;
    badPrefix.append("X-Hub-Signature-256", "sha1=00");
    QCOMPARE(run("github", "k", badPrefix, "{}").error,
             std::string("the x-hub-signature-256 header does not start with 'sha256='"));
    QCOMPARE(run("mailgun", "k", none, "{}").error,
             std::string("the mailgun body carries no timestamp, token and signature"));
}

void TestWebhookVerifier::sendgridEcdsa()
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    QVERIFY(key);
    unsigned char *der = nullptr;
    const int derLength = i2d_PUBKEY(key, &der);
    QVERIFY(derLength > 0);
    const std::string publicKey = Base64Codec::encode(std::string(reinterpret_cast<char *>(der), derLength));
    OPENSSL_free(der);
    const std::string timestamp = "1700000000";
    const std::string body = "[{\"event\":\"processed\"}]";
    const std::string signedText = timestamp + body;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    std::size_t sigLength = 0;
    QVERIFY(EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1);
    QVERIFY(EVP_DigestSign(ctx, nullptr, &sigLength, reinterpret_cast<const unsigned char *>(signedText.data()),
                           signedText.size())
            == 1);
    std::string signature(sigLength, '\0');
    QVERIFY(EVP_DigestSign(ctx, reinterpret_cast<unsigned char *>(signature.data()), &sigLength,
                           reinterpret_cast<const unsigned char *>(signedText.data()), signedText.size())
            == 1);
    signature.resize(sigLength);
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(key);

    HttpHeaders h;
    h.append("X-Twilio-Email-Event-Webhook-Signature", Base64Codec::encode(signature));
    h.append("X-Twilio-Email-Event-Webhook-Timestamp", timestamp);
    const auto o = run("sendgrid", publicKey, h, body);
    QVERIFY2(o.verified, o.error.c_str());
    QVERIFY(!run("sendgrid", publicKey, h, body + " ").verified);
    QVERIFY(!WebhookVerifier::create("sendgrid", "not a key").ok());
}

void TestWebhookVerifier::refusedConfig()
{
    auto sns = WebhookVerifier::create("sns", "x");
    QVERIFY(!sns.ok());
    QCOMPARE(sns.message(), std::string("verify-webhook provider 'sns' is not supported: Amazon SNS signatures need "
                                        "the signing certificate fetched over the network"));
    QVERIFY(!WebhookVerifier::create("nope", "x").ok());
    QVERIFY(!WebhookVerifier::create("github", "").ok());
    QVERIFY(!WebhookVerifier::create("svix", "whsec_!!!").ok());
}

QTEST_GUILESS_MAIN(TestWebhookVerifier)
#include "tst_webhookverifier.moc"
