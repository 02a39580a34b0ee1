// SPDX-License-Identifier: Apache-2.0
// rate-limit: sliding-window arithmetic, retry-after, isolation of keys,
// bounded memory and exact counting under concurrency.
#include <QObject>
#include <QTest>

#include "policy/runtime/ratelimiter.h"

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

using namespace switchyard;

class TestRateLimiter : public QObject
{
    Q_OBJECT

private slots:
    void fillsThenRefusesWithRetryAfter();
    void previousWindowWeighs();
    void windowsLongApartForget();
    void keysAreIndependent();
    void combineKeyIsUnambiguous();
    void idleBucketsAreSwept();
    void bucketCountIsBounded();
    void concurrentAcquiresCountExactly();
};

namespace {

struct FakeClock
{
    std::shared_ptr<std::atomic<std::int64_t>> now = std::make_shared<std::atomic<std::int64_t>>(0);
    MonotonicClock clock() const
    {
        return [n = now] { return n->load(); };
    }
    void set(std::int64_t ms) { now->store(ms); }
};

RateLimiter::Options options(std::int64_t capacity, const FakeClock &clock, std::size_t maxBuckets = 1'000'000)
{
    return RateLimiter::Options{capacity, 60'000, maxBuckets, clock.clock()};
}

} // namespace

void TestRateLimiter::fillsThenRefusesWithRetryAfter()
{
    FakeClock clock;
    RateLimiter limiter(options(3, clock));
    for (int i = 0; i < 3; ++i)
        QVERIFY(limiter.acquire("k").allowed);
    const auto refused = limiter.acquire("k");
    QVERIFY(!refused.allowed);
    // Next window at 60 s; there the 3 old requests weigh 3 * (1 - t/60)
    // and one more fits once that is <= 2, at t = 20 s: 80 s in all.
    QCOMPARE(refused.retryAfterSeconds, 80);
    clock.set(79'999);
    QVERIFY(!limiter.acquire("k").allowed);
    clock.set(80'000);
    QVERIFY(limiter.acquire("k").allowed);
}

void TestRateLimiter::previousWindowWeighs()
{
    FakeClock clock;
    RateLimiter limiter(options(3, clock));
    for (int i = 0; i < 3; ++i)
        QVERIFY(limiter.acquire("k").allowed);
    clock.set(80'000); // window 1, 20 s in: previous weighs 2
    QVERIFY(limiter.acquire("k").allowed);
    const auto refused = limiter.acquire("k");
    QVERIFY(!refused.allowed);
    // 3 * (60 - t) / 60 + 1 + 1 <= 3 needs t >= 40 s, 20 s from now.
    QCOMPARE(refused.retryAfterSeconds, 20);
    clock.set(99'999);
    QVERIFY(!limiter.acquire("k").allowed);
    clock.set(100'000);
    QVERIFY(limiter.acquire("k").allowed);
}

void TestRateLimiter::windowsLongApartForget()
{
    FakeClock clock;
    RateLimiter limiter(options(2, clock));
    QVERIFY(limiter.acquire("k").allowed);
    QVERIFY(limiter.acquire("k").allowed);
    QVERIFY(!limiter.acquire("k").allowed);
    clock.set(120'000); // two windows later: nothing carries over
    QVERIFY(limiter.acquire("k").allowed);
    QVERIFY(limiter.acquire("k").allowed);
    QVERIFY(!limiter.acquire("k").allowed);
}

void TestRateLimiter::keysAreIndependent()
{
    FakeClock clock;
    RateLimiter limiter(options(1, clock));
    QVERIFY(limiter.acquire("10.0.0.1").allowed);
    QVERIFY(!limiter.acquire("10.0.0.1").allowed);
    QVERIFY(limiter.acquire("10.0.0.2").allowed);
    QCOMPARE(limiter.bucketCount(), std::size_t(2));
}

void TestRateLimiter::combineKeyIsUnambiguous()
{
    const std::vector<std::string> one{"a,b"};
    const std::vector<std::string> two{"a", "b"};
    const std::vector<std::string> shifted{"a,", "b"};
    QVERIFY(RateLimiter::combineKey(one) != RateLimiter::combineKey(two));
    QVERIFY(RateLimiter::combineKey(two) != RateLimiter::combineKey(shifted));
    QCOMPARE(RateLimiter::combineKey(two), std::string("1:a1:b"));
}

void TestRateLimiter::idleBucketsAreSwept()
{
    FakeClock clock;
    RateLimiter limiter(options(5, clock));
    for (int i = 0; i < 1000; ++i)
        limiter.acquire("old-" + std::to_string(i));
    QCOMPARE(limiter.bucketCount(), std::size_t(1000));
    clock.set(180'000);
    for (int i = 0; i < 1000; ++i)
        limiter.acquire("new-" + std::to_string(i));
    QCOMPARE(limiter.bucketCount(), std::size_t(1000));
}

void TestRateLimiter::bucketCountIsBounded()
{
    FakeClock clock;
    RateLimiter limiter(options(5, clock, 64 * 4));
    for (int i = 0; i < 10'000; ++i)
        QVERIFY(limiter.acquire("flood-" + std::to_string(i)).allowed);
    QVERIFY(limiter.bucketCount() <= 64 * 4);
    QVERIFY(limiter.bucketCount() >= 64);
}

void TestRateLimiter::concurrentAcquiresCountExactly()
{
    FakeClock clock;
    clock.set(1'000);
    RateLimiter limiter(options(5'000, clock));
    std::atomic<int> allowed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 5'000; ++i) {
                if (limiter.acquire("shared").allowed)
                    allowed.fetch_add(1);
                limiter.acquire("private-" + std::to_string(i % 7));
            }
        });
    }
    for (auto &t : threads)
        t.join();
    QCOMPARE(allowed.load(), 5'000);
}

QTEST_GUILESS_MAIN(TestRateLimiter)
#include "tst_ratelimiter.moc"
