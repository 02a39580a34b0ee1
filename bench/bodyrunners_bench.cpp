// SPDX-License-Identifier: Apache-2.0
// Body actions through PolicyExecutor: one on_http_request run with
// request-body-find-replace (three RE2 patterns over a 4 KiB body) and one
// with verify-webhook (GitHub HMAC over the same body). "Shared" keeps one
// runner, as PolicyRuntime does, so the patterns / verifier are built once;
// "Fresh" gives every run a new runner, which is what every request paid
// before the runners cached what they build.
#include "policy/bodyrunners/bodyactionrunners.h"
#include "policy/compile/policycompiler.h"
#include "policy/exec/actionrunnerregistry.h"
#include "policy/exec/policyexecutor.h"

#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string>

using namespace switchyard;

namespace {

const std::string FindReplacePolicy = R"(on_http_request:
  - actions:
      - type: request-body-find-replace
        config:
          replacements:
            - {from: "secret-[0-9]+", to: "[redacted]"}
            - {from: "(?i)password=\\w+", to: "password=***"}
            - {from: "\\s+$", to: ""}
)";

const std::string WebhookPolicy = R"(on_http_request:
  - actions:
      - type: verify-webhook
        config: {provider: github, secret: "bench-secret"}
)";

std::string body()
{
    std::string text;
    while (text.size() < 4096)
        text += "{\"event\":\"push\",\"token\":\"secret-12345\",\"note\":\"password=hunter2 ok\"} ";
    return text;
}

std::string githubSignature(const std::string &payload)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    const std::string key = "bench-secret";
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char *>(payload.data()), payload.size(), mac, &length);
    static const char *hex = "0123456789abcdef";
    std::string out = "sha256=";
    for (unsigned int i = 0; i < length; ++i) {
        out += hex[mac[i] >> 4];
        out += hex[mac[i] & 0xf];
    }
    return out;
}

void runPolicy(benchmark::State &state, const std::string &text, bool fresh, bool sign)
{
    const auto compiled = PolicyCompiler().compile(text);
    if (!compiled.policy) {
        state.SkipWithError("policy does not compile");
        return;
    }
    PolicyExchange base;
    base.request.method = "POST";
    base.request.url = "https://hooks.example.com/push";
    base.request.body = body();
    base.request.headers.append("content-type", "application/json");
    if (sign)
        base.request.headers.append("x-hub-signature-256", githubSignature(base.request.body));
    ActionRunnerRegistry shared;
    registerBodyActions(shared);
    for (auto _ : state) {
        ActionRunnerRegistry each;
        if (fresh)
            registerBodyActions(each);
        PolicyExchange exchange = base;
        const PolicyOutcome outcome
            = PolicyExecutor(fresh ? &each : &shared).run(*compiled.policy, PolicyPhase::HttpRequest, exchange);
        if (outcome.kind != PolicyOutcome::Kind::Continue)
            state.SkipWithError("the action refused the request");
        benchmark::DoNotOptimize(exchange.request.body.data());
    }
}

void BM_FindReplaceShared(benchmark::State &state) { runPolicy(state, FindReplacePolicy, false, false); }
void BM_FindReplaceFresh(benchmark::State &state) { runPolicy(state, FindReplacePolicy, true, false); }
void BM_VerifyWebhookShared(benchmark::State &state) { runPolicy(state, WebhookPolicy, false, true); }
void BM_VerifyWebhookFresh(benchmark::State &state) { runPolicy(state, WebhookPolicy, true, true); }

} // namespace

BENCHMARK(BM_FindReplaceShared);
BENCHMARK(BM_FindReplaceFresh);
BENCHMARK(BM_VerifyWebhookShared);
BENCHMARK(BM_VerifyWebhookFresh);
BENCHMARK_MAIN();
