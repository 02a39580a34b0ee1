// SPDX-License-Identifier: Apache-2.0
// Run-time action primitives: rate limiter under contention, JWT
// verification (ES256, RS256, HS256 for scale) and gzip/brotli of a 64 KiB
// JSON body.
#include "jwttesthelpers.h"
#include "policy/runtime/jwtvalidator.h"
#include "policy/runtime/ratelimiter.h"
#include "policy/runtime/streamcompressor.h"

#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

using namespace switchyard;

namespace {

RateLimiter &sharedLimiter()
{
    // Large enough that the benchmark measures the bookkeeping, not refusals.
    static RateLimiter limiter(RateLimiter::Options{2'000'000'000, 60'000, 1'000'000, {}});
    return limiter;
}

void BM_RateLimiterOneHotKey(benchmark::State &state)
{
    RateLimiter &limiter = sharedLimiter();
    for (auto _ : state)
        benchmark::DoNotOptimize(limiter.acquire("203.0.113.7"));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RateLimiterOneHotKey)->Threads(1)->Threads(2)->Threads(4)->UseRealTime();

void BM_RateLimiterManyKeys(benchmark::State &state)
{
    RateLimiter &limiter = sharedLimiter();
    std::vector<std::string> keys;
    for (int i = 0; i < 4096; ++i)
        keys.push_back("10." + std::to_string(state.thread_index()) + "." + std::to_string(i / 256) + "."
                       + std::to_string(i % 256));
    std::size_t i = 0;
    for (auto _ : state)
        benchmark::DoNotOptimize(limiter.acquire(keys[i++ & 4095]));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RateLimiterManyKeys)->Threads(1)->Threads(2)->Threads(4)->UseRealTime();

struct JwtCase
{
    std::unique_ptr<JwtValidator> validator;
    std::string token;
};

JwtCase makeJwtCase(const std::string &alg)
{
    const std::string secret(64, 'k');
    jwttest::KeyPtr key = alg == "ES256" ? jwttest::ecKey("P-256") : alg == "RS256" ? jwttest::rsaKey() : nullptr;
    const std::string jwks = "{\"keys\":[" + (key ? jwttest::jwk(key, "k1") : jwttest::octJwk(secret, "k1")) + "]}";
    JwtValidator::Options options;
    options.allowedAlgorithms = {alg};
    options.issuers = {"https://issuer.example/"};
    options.audiences = {"api"};
    options.clock = [] { return std::int64_t(1'700'000'000); };
    auto validator = JwtValidator::create(options, std::move(*JwkSet::fromJson(jwks)));
    const std::string payload = R"({"iss":"https://issuer.example/","aud":"api","sub":"user-42",)"
                                R"("iat":1699999000,"exp":1700003600,"scope":"read write"})";
    return {std::make_unique<JwtValidator>(std::move(*validator)),
            jwttest::token(alg, key, "{\"alg\":\"" + alg + "\",\"typ\":\"JWT\",\"kid\":\"k1\"}", payload, secret)};
}

void jwtVerify(benchmark::State &state, const std::string &alg)
{
    const JwtCase c = makeJwtCase(alg);
    if (!c.validator->validate(c.token).ok()) {
        state.SkipWithError("token does not validate");
        return;
    }
    for (auto _ : state)
        benchmark::DoNotOptimize(c.validator->validate(c.token));
    state.SetItemsProcessed(state.iterations());
}

void BM_JwtVerifyES256(benchmark::State &state)
{
    jwtVerify(state, "ES256");
}
BENCHMARK(BM_JwtVerifyES256);

void BM_JwtVerifyRS256(benchmark::State &state)
{
    jwtVerify(state, "RS256");
}
BENCHMARK(BM_JwtVerifyRS256);

void BM_JwtVerifyHS256(benchmark::State &state)
{
    jwtVerify(state, "HS256");
}
BENCHMARK(BM_JwtVerifyHS256);

std::string jsonBody(std::size_t size)
{
    std::string body = "[";
    for (int i = 0; body.size() < size; ++i)
        body += "{\"id\":" + std::to_string(i) + ",\"name\":\"item " + std::to_string(i * 7919 % 1000)
                + "\",\"tags\":[\"a\",\"b\"],\"price\":" + std::to_string(i % 97) + ".5},";
    body.resize(size);
    return body;
}

void compress(benchmark::State &state, ContentCoding coding)
{
    const std::string body = jsonBody(64 * 1024);
    std::string out;
    for (auto _ : state) {
        out.clear();
        auto stream = StreamCompressor::create(coding);
        for (std::size_t at = 0; at < body.size(); at += 16 * 1024)
            (void)(*stream)->write(std::string_view(body).substr(at, 16 * 1024), out);
        (void)(*stream)->finish(out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
    state.counters["ratio"] = static_cast<double>(body.size()) / static_cast<double>(out.size());
}

void BM_Gzip64KiB(benchmark::State &state)
{
    compress(state, ContentCoding::Gzip);
}
BENCHMARK(BM_Gzip64KiB);

void BM_Brotli64KiB(benchmark::State &state)
{
    compress(state, ContentCoding::Brotli);
}
BENCHMARK(BM_Brotli64KiB);

} // namespace

BENCHMARK_MAIN();
