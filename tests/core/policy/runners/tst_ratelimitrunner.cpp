// SPDX-License-Identifier: Apache-2.0
// RateLimitRunner through the executor: 429 + retry-after + error code over
// capacity, buckets per key / endpoint / action, the sliding window on a
// manual clock, enforce: false, failing bucket keys, config edits and
// eviction of idle limiters.
#include "runnerharness.h"

#include "policy/runners/ratelimitrunner.h"

using namespace switchyard;
using namespace switchyard::test;

namespace {

std::string policy(int capacity, const std::string &keys = "[conn.client_ip]", const std::string &extra = "")
{
    return "on_http_request:\n  - actions:\n      - type: rate-limit\n        config:\n"
           "          name: r\n          algorithm: sliding_window\n          capacity: "
           + std::to_string(capacity) + "\n          rate: 60s\n          bucket_key: " + keys + "\n" + extra;
}

} // namespace

class TestRateLimitRunner : public QObject
{
    Q_OBJECT

private slots:
    void limitsAfterCapacity();
    void bucketsPerKey();
    void windowSlides();
    void notEnforced();
    void failingKeyIsEmpty();
    void endpointsAndActionsAreSeparate();
    void configEditResetsState();
    void idleLimitersAreEvicted();
};

void TestRateLimitRunner::limitsAfterCapacity()
{
    ManualClock clock;
    RunnerHarness h("rate-limit", std::make_shared<RateLimitRunner>(clock.monotonic()), policy(3));
    QVERIFY(h.compiled());
    for (int i = 0; i < 3; ++i) {
        PolicyExchange x = RunnerHarness::exchange();
        QCOMPARE(h.request(x).kind, PolicyOutcome::Kind::Continue);
        QCOMPARE(h.summary(), std::string("allowed"));
    }
    PolicyExchange x = RunnerHarness::exchange();
    const PolicyOutcome o = h.request(x);
    QCOMPARE(o.kind, PolicyOutcome::Kind::Respond);
    QCOMPARE(o.response.statusCode, 429);
    QCOMPARE(header(o.response, "switchyard-error-code"), std::string("ERR_SWITCHYARD_3206"));
    // The clock is 40 s into a fixed window: 20 s to its end, then 20 s until
    // the previous window's weight (3 × remaining share) leaves room for one.
    QCOMPARE(header(o.response, "retry-after"), std::string("40"));
    QCOMPARE(o.response.body, std::string("rate limit exceeded: at most 3 requests per 60s\n"));
    QCOMPARE(h.summary(), std::string("limited, retry after 40s"));
}

void TestRateLimitRunner::bucketsPerKey()
{
    RunnerHarness h("rate-limit", std::make_shared<RateLimitRunner>(), policy(1, "[conn.client_ip, req.method]"));
    QVERIFY(h.compiled());
    PolicyExchange a = RunnerHarness::exchange("192.0.2.1");
    PolicyExchange b = RunnerHarness::exchange("192.0.2.2");
    PolicyExchange post = RunnerHarness::exchange("192.0.2.1");
    post.request.method = "POST";
    QCOMPARE(h.request(a).kind, PolicyOutcome::Kind::Continue);
    QCOMPARE(h.request(b).kind, PolicyOutcome::Kind::Continue);
    QCOMPARE(h.request(post).kind, PolicyOutcome::Kind::Continue);
    QCOMPARE(h.request(a).kind, PolicyOutcome::Kind::Respond);
    QCOMPARE(h.request(b).kind, PolicyOutcome::Kind::Respond);
}

void TestRateLimitRunner::windowSlides()
{
    ManualClock clock;
    RunnerHarness h("rate-limit", std::make_shared<RateLimitRunner>(clock.monotonic()), policy(2));
    QVERIFY(h.compiled());
    PolicyExchange x = RunnerHarness::exchange();
    QCOMPARE(h.request(x).kind, PolicyOutcome::Kind::Continue);
    QCOMPARE(h.request(x).kind, PolicyOutcome::Kind::Continue);
    const PolicyOutcome refused = h.request(x);
    QCOMPARE(refused.kind, PolicyOutcome::Kind::Respond);
    const int retry = std::stoi(header(refused.response, "retry-after"));
    QVERIFY(retry > 1);
    clock.advance((retry - 1) * 1000);
    QCOMPARE(h.request(x).kind, PolicyOutcome::Kind::Respond);
    clock.advance(1000);
    QCOMPARE(h.request(x).kind, PolicyOutcome::Kind::Continue);
}

void TestRateLimitRunner::notEnforced()
{
    RunnerHarness h("rate-limit", std::make_shared<RateLimitRunner>(), policy(1, "[conn.client_ip]",
                                                                               "          enforce: false\n"));
    QVERIFY(h.compiled());
    PolicyExchange x = RunnerHarness::exchange();
    QCOMPARE(h.request(x).kind, PolicyOutcome::Kind::Continue);
    QCOMPARE(h.request(x).kind, PolicyOutcome::Kind::Continue);
    QCOMPARE(h.summary(), std::string("limited (not enforced)"));
}

void TestRateLimitRunner::failingKeyIsEmpty()
{
    // Requests without the header share one bucket; with it they have their own.
    RunnerHarness h("rate-limit", std::make_shared<RateLimitRunner>(), policy(1, "[\"req.headers['x-api-key'][0]\"]"));
    QVERIFY(h.compiled());
    PolicyExchange anon = RunnerHarness::exchange("192.0.2.1");
    PolicyExchange anon2 = RunnerHarness::exchange("192.0.2.9");
    PolicyExchange keyed = RunnerHarness::exchange("192.0.2.1");
    keyed.request.headers.append("x-api-key", "k1");
    QCOMPARE(h.request(anon).kind, PolicyOutcome::Kind::Continue);
    QCOMPARE(h.request(anon2).kind, PolicyOutcome::Kind::Respond);
    QCOMPARE(h.request(keyed).kind, PolicyOutcome::Kind::Continue);
    QCOMPARE(h.request(keyed).kind, PolicyOutcome::Kind::Respond);
}

void TestRateLimitRunner::endpointsAndActionsAreSeparate()
{
    const std::string two = policy(1) + "  - actions:\n      - type: rate-limit\n        config:\n"
                            "          name: r\n          algorithm: sliding_window\n          capacity: 2\n"
                            "          rate: 60s\n          bucket_key: [conn.client_ip]\n";
    auto runner = std::make_shared<RateLimitRunner>();
    RunnerHarness h("rate-limit", runner, two);
    QVERIFY(h.compiled());
    PolicyExchange one = RunnerHarness::exchange("192.0.2.1", 1, "ep_1");
    PolicyExchange other = RunnerHarness::exchange("192.0.2.1", 1, "ep_2");
    QCOMPARE(h.request(one).kind, PolicyOutcome::Kind::Continue);
    QCOMPARE(h.request(other).kind, PolicyOutcome::Kind::Continue);
    // The first action (capacity 1) refuses; the second never saw the refused request.
    QCOMPARE(h.request(one).kind, PolicyOutcome::Kind::Respond);
    QCOMPARE(runner->limiterCount(), std::size_t(4));
}

void TestRateLimitRunner::configEditResetsState()
{
    auto runner = std::make_shared<RateLimitRunner>();
    RunnerHarness first("rate-limit", runner, policy(1));
    RunnerHarness edited("rate-limit", runner, policy(2));
    QVERIFY(first.compiled() && edited.compiled());
    PolicyExchange x = RunnerHarness::exchange();
    QCOMPARE(first.request(x).kind, PolicyOutcome::Kind::Continue);
    QCOMPARE(first.request(x).kind, PolicyOutcome::Kind::Respond);
    QCOMPARE(edited.request(x).kind, PolicyOutcome::Kind::Continue);
    QCOMPARE(edited.request(x).kind, PolicyOutcome::Kind::Continue);
    QCOMPARE(edited.request(x).kind, PolicyOutcome::Kind::Respond);
    QCOMPARE(runner->limiterCount(), std::size_t(1));
}

void TestRateLimitRunner::idleLimitersAreEvicted()
{
    ManualClock clock;
    auto runner = std::make_shared<RateLimitRunner>(clock.monotonic());
    RunnerHarness h("rate-limit", runner, policy(1));
    QVERIFY(h.compiled());
    for (int i = 0; i < 50; ++i) {
        PolicyExchange x = RunnerHarness::exchange("192.0.2.1", 1, "ep_" + std::to_string(i));
        h.request(x);
    }
    QCOMPARE(runner->limiterCount(), std::size_t(50));
    clock.advance(2 * 60'000 + 1);
    PolicyExchange x = RunnerHarness::exchange("192.0.2.1", 1, "ep_new");
    h.request(x);
    QCOMPARE(runner->limiterCount(), std::size_t(1));
}

QTEST_GUILESS_MAIN(TestRateLimitRunner)
#include "tst_ratelimitrunner.moc"
