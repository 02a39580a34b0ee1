// SPDX-License-Identifier: Apache-2.0
// circuit-breaker: tripping on volume and error ratio, the sliding window,
// the tripped period and half-open probes.
#include <QObject>
#include <QTest>

#include "policy/runtime/circuitbreaker.h"

#include <memory>

using namespace switchyard;

class TestCircuitBreaker : public QObject
{
    Q_OBJECT

private slots:
    void tripsAtVolumeAndRatio();
    void belowRatioStaysClosed();
    void oldOutcomesLeaveTheWindow();
    void halfOpenProbeCloses();
    void halfOpenProbeFailureReopens();
    void lostProbeIsReplaced();
    void lateOutcomesIgnoredWhileOpen();
    void failureStatus();
};

namespace {

struct Harness
{
    std::shared_ptr<std::int64_t> now = std::make_shared<std::int64_t>(0);
    CircuitBreaker breaker;

    Harness()
        : breaker(CircuitBreaker::Options{0.5, 10, 10'000, 10'000, 10, 1, [n = now] { return *n; }})
    {
    }
    void run(int count, bool failed)
    {
        for (int i = 0; i < count; ++i) {
            const auto a = breaker.admit();
            QVERIFY(a.allowed);
            breaker.record(a, failed);
        }
    }
};

} // namespace

void TestCircuitBreaker::tripsAtVolumeAndRatio()
{
    Harness h;
    h.run(9, true);
    QCOMPARE(h.breaker.state(), CircuitBreaker::State::Closed);
    h.run(1, true);
    QCOMPARE(h.breaker.state(), CircuitBreaker::State::Open);
    const auto refused = h.breaker.admit();
    QVERIFY(!refused.allowed);
    QCOMPARE(refused.retryAfterSeconds, 10);
    *h.now = 7'500;
    QCOMPARE(h.breaker.admit().retryAfterSeconds, 3);
}

void TestCircuitBreaker::belowRatioStaysClosed()
{
    Harness h;
    h.run(6, false);
    h.run(4, true);
    QCOMPARE(h.breaker.state(), CircuitBreaker::State::Closed);
    h.run(2, true); // 6 of 12
    QCOMPARE(h.breaker.state(), CircuitBreaker::State::Open);
}

void TestCircuitBreaker::oldOutcomesLeaveTheWindow()
{
    Harness h;
    h.run(5, true);
    *h.now = 11'000; // the first five are out of the 10 s window
    h.run(5, true);
    QCOMPARE(h.breaker.state(), CircuitBreaker::State::Closed);
    *h.now = 12'000;
    h.run(5, true);
    QCOMPARE(h.breaker.state(), CircuitBreaker::State::Open);
}

void TestCircuitBreaker::halfOpenProbeCloses()
{
    Harness h;
    h.run(10, true);
    *h.now = 10'000;
    const auto probe = h.breaker.admit();
    QVERIFY(probe.allowed);
    QVERIFY(probe.probe);
    QCOMPARE(h.breaker.state(), CircuitBreaker::State::HalfOpen);
    const auto second = h.breaker.admit();
    QVERIFY(!second.allowed);
    QCOMPARE(second.retryAfterSeconds, 1);
    h.breaker.record(probe, false);
    QCOMPARE(h.breaker.state(), CircuitBreaker::State::Closed);
    // A fresh window: nine failures do not trip it again.
    h.run(9, true);
    QCOMPARE(h.breaker.state(), CircuitBreaker::State::Closed);
}

void TestCircuitBreaker::halfOpenProbeFailureReopens()
{
    Harness h;
    h.run(10, true);
    *h.now = 10'000;
    const auto probe = h.breaker.admit();
    QVERIFY(probe.probe);
    *h.now = 10'500;
    h.breaker.record(probe, true);
    QCOMPARE(h.breaker.state(), CircuitBreaker::State::Open);
    *h.now = 20'499;
    QVERIFY(!h.breaker.admit().allowed);
    *h.now = 20'500;
    QVERIFY(h.breaker.admit().allowed);
}

void TestCircuitBreaker::lostProbeIsReplaced()
{
    Harness h;
    h.run(10, true);
    *h.now = 10'000;
    QVERIFY(h.breaker.admit().probe);
    *h.now = 19'999;
    QVERIFY(!h.breaker.admit().allowed);
    *h.now = 20'000;
    QVERIFY(h.breaker.admit().probe);
}

void TestCircuitBreaker::lateOutcomesIgnoredWhileOpen()
{
    Harness h;
    const auto early = h.breaker.admit();
    h.run(10, true);
    QCOMPARE(h.breaker.state(), CircuitBreaker::State::Open);
    h.breaker.record(early, false); // not a probe: says nothing now
    QCOMPARE(h.breaker.state(), CircuitBreaker::State::Open);
    CircuitBreaker::Admission refused{false, false, 3};
    h.breaker.record(refused, false);
    QCOMPARE(h.breaker.state(), CircuitBreaker::State::Open);
}

void TestCircuitBreaker::failureStatus()
{
    QVERIFY(CircuitBreaker::isFailureStatus(500));
    QVERIFY(CircuitBreaker::isFailureStatus(503));
    QVERIFY(!CircuitBreaker::isFailureStatus(404));
    QVERIFY(!CircuitBreaker::isFailureStatus(200));
}

QTEST_GUILESS_MAIN(TestCircuitBreaker)
#include "tst_circuitbreaker.moc"
