// SPDX-License-Identifier: Apache-2.0
// CircuitBreakerRunner through the executor and observeResponse(): trips on
// the upstream's 5xx ratio, answers 503 + retry-after + error code while
// open, half-opens after tripped_duration with one probe at a time, closes
// on a good probe and reopens on a bad one; enforce: false; outcomes are
// matched to their connection and endpoint.
#include "runnerharness.h"

#include "policy/runners/circuitbreakerrunner.h"

using namespace switchyard;
using namespace switchyard::test;

namespace {

const std::string Policy = "on_http_request:\n  - actions:\n      - type: circuit-breaker\n"
                           "        config: {volume_threshold: 4, error_threshold: 0.5, window_duration: 10s, "
                           "tripped_duration: 5s}\n";

// One request on its own connection, answered with `status` by the upstream.
PolicyOutcome exchangeWith(RunnerHarness &h, int status, int port, const std::string &endpoint = "ep_1")
{
    PolicyExchange x = RunnerHarness::exchange("192.0.2.1", port, endpoint);
    const PolicyOutcome o = h.request(x);
    if (o.kind == PolicyOutcome::Kind::Continue)
        h.respond(x, status);
    return o;
}

} // namespace

class TestCircuitBreakerRunner : public QObject
{
    Q_OBJECT

private slots:
    void tripsOnErrorRatio();
    void halfOpenProbe();
    void probeFailureReopens();
    void notEnforced();
    void endpointsAreSeparate();
    void unansweredRequestIsNotCounted();
};

void TestCircuitBreakerRunner::tripsOnErrorRatio()
{
    ManualClock clock;
    auto runner = std::make_shared<CircuitBreakerRunner>(clock.monotonic());
    RunnerHarness h("circuit-breaker", runner, Policy);
    QVERIFY(h.compiled());
    QCOMPARE(exchangeWith(h, 200, 1).kind, PolicyOutcome::Kind::Continue);
    QCOMPARE(h.summary(), std::string("closed"));
    QCOMPARE(exchangeWith(h, 200, 2).kind, PolicyOutcome::Kind::Continue);
    QCOMPARE(exchangeWith(h, 500, 3).kind, PolicyOutcome::Kind::Continue);
    QCOMPARE(runner->breaker("ep_1", "on_http_request[0].actions[0]")->state(), CircuitBreaker::State::Closed);
    QCOMPARE(exchangeWith(h, 503, 4).kind, PolicyOutcome::Kind::Continue);
    QCOMPARE(runner->breaker("ep_1", "on_http_request[0].actions[0]")->state(), CircuitBreaker::State::Open);
    QCOMPARE(runner->pendingCount(), std::size_t(0));

    clock.advance(1500);
    const PolicyOutcome refused = exchangeWith(h, 200, 5);
    QCOMPARE(refused.kind, PolicyOutcome::Kind::Respond);
    QCOMPARE(refused.response.statusCode, 503);
    QCOMPARE(header(refused.response, "switchyard-error-code"), std::string("ERR_SWITCHYARD_3202"));
    QCOMPARE(header(refused.response, "retry-after"), std::string("4"));
    QCOMPARE(h.summary(), std::string("open, retry after 4s"));
}

void TestCircuitBreakerRunner::halfOpenProbe()
{
    ManualClock clock;
    RunnerHarness h("circuit-breaker", std::make_shared<CircuitBreakerRunner>(clock.monotonic()), Policy);
    QVERIFY(h.compiled());
    for (int i = 0; i < 4; ++i)
        exchangeWith(h, 500, i);
    QCOMPARE(exchangeWith(h, 200, 10).kind, PolicyOutcome::Kind::Respond);
    clock.advance(5000);
    // The probe is in flight: a second request meanwhile is refused.
    PolicyExchange probe = RunnerHarness::exchange("192.0.2.1", 11);
    QCOMPARE(h.request(probe).kind, PolicyOutcome::Kind::Continue);
    QCOMPARE(h.summary(), std::string("half-open, probe admitted"));
    QCOMPARE(exchangeWith(h, 200, 12).kind, PolicyOutcome::Kind::Respond);
    h.respond(probe, 204);
    QCOMPARE(exchangeWith(h, 200, 13).kind, PolicyOutcome::Kind::Continue);
    QCOMPARE(h.summary(), std::string("closed"));
}

void TestCircuitBreakerRunner::probeFailureReopens()
{
    ManualClock clock;
    RunnerHarness h("circuit-breaker", std::make_shared<CircuitBreakerRunner>(clock.monotonic()), Policy);
    QVERIFY(h.compiled());
    for (int i = 0; i < 4; ++i)
        exchangeWith(h, 502, i);
    clock.advance(5000);
    QCOMPARE(exchangeWith(h, 500, 20).kind, PolicyOutcome::Kind::Continue);
    const PolicyOutcome o = exchangeWith(h, 200, 21);
    QCOMPARE(o.kind, PolicyOutcome::Kind::Respond);
    QCOMPARE(header(o.response, "retry-after"), std::string("5"));
}

void TestCircuitBreakerRunner::notEnforced()
{
    ManualClock clock;
    std::string text = Policy;
    text.replace(text.find("}\n"), 2, ", enforce: false}\n");
    RunnerHarness h("circuit-breaker", std::make_shared<CircuitBreakerRunner>(clock.monotonic()), text);
    QVERIFY(h.compiled());
    for (int i = 0; i < 4; ++i)
        exchangeWith(h, 500, i);
    QCOMPARE(exchangeWith(h, 200, 9).kind, PolicyOutcome::Kind::Continue);
    QCOMPARE(h.summary(), std::string("open (not enforced)"));
}

void TestCircuitBreakerRunner::endpointsAreSeparate()
{
    ManualClock clock;
    RunnerHarness h("circuit-breaker", std::make_shared<CircuitBreakerRunner>(clock.monotonic()), Policy);
    QVERIFY(h.compiled());
    for (int i = 0; i < 4; ++i)
        exchangeWith(h, 500, i, "ep_bad");
    QCOMPARE(exchangeWith(h, 200, 9, "ep_bad").kind, PolicyOutcome::Kind::Respond);
    QCOMPARE(exchangeWith(h, 200, 9, "ep_good").kind, PolicyOutcome::Kind::Continue);
}

void TestCircuitBreakerRunner::unansweredRequestIsNotCounted()
{
    ManualClock clock;
    auto runner = std::make_shared<CircuitBreakerRunner>(clock.monotonic());
    RunnerHarness h("circuit-breaker", runner, Policy);
    QVERIFY(h.compiled());
    // Three requests on one connection never get an upstream response (the
    // engine answered itself); the next one replaces them.
    for (int i = 0; i < 3; ++i) {
        PolicyExchange x = RunnerHarness::exchange("192.0.2.1", 7);
        QCOMPARE(h.request(x).kind, PolicyOutcome::Kind::Continue);
        QCOMPARE(runner->pendingCount(), std::size_t(1));
    }
    // A response for another connection is not this one's.
    PolicyExchange stranger = RunnerHarness::exchange("192.0.2.1", 8);
    h.respond(stranger, 500);
    QCOMPARE(runner->pendingCount(), std::size_t(1));
    for (int i = 0; i < 3; ++i)
        exchangeWith(h, 500, 100 + i);
    // Three failures of four outcomes would trip it; three of three do not reach volume 4.
    QCOMPARE(runner->breaker("ep_1", "on_http_request[0].actions[0]")->state(), CircuitBreaker::State::Closed);
}

QTEST_GUILESS_MAIN(TestCircuitBreakerRunner)
#include "tst_circuitbreakerrunner.moc"
