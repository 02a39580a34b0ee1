// SPDX-License-Identifier: Apache-2.0
// Traffic-policy benchmarks: PolicyCompiler on a 50-rule policy, and one
// PolicyExecutor run of a 10-rule on_http_request phase over a typical
// request (variables built from the exchange included).
#include "policy/compile/policycompiler.h"
#include "policy/exec/policyexecutor.h"

#include <benchmark/benchmark.h>

#include <string>

using namespace switchyard;

namespace {

// Five kinds of rule, repeated: expressions, interpolation, CIDRs, regexes.
std::string rule(int i)
{
    const std::string n = std::to_string(i);
    switch (i % 5) {
    case 0:
        return "  - name: api-" + n + "\n    expressions:\n"
               "      - \"req.url.path.startsWith('/api/" + n + "') && req.method == 'POST'\"\n"
               "    actions:\n      - type: add-headers\n        config:\n          headers:\n"
               "            x-rule: \"" + n + "-${req.url.path}\"\n";
    case 1:
        return "  - expressions: [\"inCidrRange(conn.client_ip, '10." + n + ".0.0/16')\"]\n"
               "    actions:\n      - type: restrict-ips\n        config:\n          allow: [10.0.0.0/8, 192.168.0.0/16]\n";
    case 2:
        return "  - expressions: [\"req.headers['user-agent'][0].matches('bot-" + n + "')\"]\n"
               "    actions:\n      - type: deny\n        config: {status_code: 403}\n";
    case 3:
        return "  - expressions: [\"'x-debug-" + n + "' in req.headers\"]\n"
               "    actions:\n      - type: url-rewrite\n        config:\n          from: \"/v1/(.*)\"\n"
               "          to: \"/v2/$1\"\n";
    default:
        return "  - expressions: [\"req.url.query_params.exists(k, k == 'p" + n + "')\"]\n"
               "    actions:\n      - type: set-vars\n        config:\n          vars:\n"
               "            - seen: \"${req.url.query}\"\n";
    }
}

std::string policy(int rules)
{
    std::string text = "on_http_request:\n";
    for (int i = 0; i < rules; ++i)
        text += rule(i);
    return text;
}

void BM_Compile50Rules(benchmark::State &state)
{
    const std::string text = policy(50);
    const PolicyCompiler compiler;
    for (auto _ : state) {
        PolicyCompileResult r = compiler.compile(text);
        if (!r.ok())
            state.SkipWithError(r.diagnostics.format("bench").c_str());
        benchmark::DoNotOptimize(r.policy);
    }
}
BENCHMARK(BM_Compile50Rules)->Unit(benchmark::kMicrosecond);

PolicyExchange typicalExchange()
{
    PolicyExchange x;
    x.endpointUrl = "https://app.example.com";
    x.connection.clientIp = "203.0.113.7";
    x.connection.clientPort = 51234;
    x.request.method = "GET";
    x.request.url = "https://app.example.com/api/v1/users/42?page=2&sort=name";
    for (auto [name, value] : {std::pair{"Host", "app.example.com"}, {"User-Agent", "Mozilla/5.0 (X11; Linux)"},
                               {"Accept", "application/json"}, {"Accept-Encoding", "gzip, br"},
                               {"Accept-Language", "en-GB,en;q=0.8"}, {"Cookie", "session=abc; theme=dark"},
                               {"X-Request-Id", "0f1e2d3c"}, {"Connection", "keep-alive"}})
        x.request.headers.append(name, value);
    return x;
}

// 10 rules, none of whose expressions holds except the last (set-vars),
// so every rule is evaluated and the exchange is the same each iteration.
void BM_Execute10Rules(benchmark::State &state)
{
    const PolicyCompileResult compiled = PolicyCompiler().compile(policy(9) + rule(9).replace(rule(9).find("'p9'"), 4, "'page'"));
    if (!compiled.ok()) {
        state.SkipWithError(compiled.diagnostics.format("bench").c_str());
        return;
    }
    const PolicyExecutor executor;
    PolicyExchange exchange = typicalExchange();
    for (auto _ : state) {
        PolicyOutcome outcome = executor.run(*compiled.policy, PolicyPhase::HttpRequest, exchange);
        benchmark::DoNotOptimize(outcome);
    }
    if (exchange.vars.size() != 1)
        state.SkipWithError("the last rule did not run");
}
BENCHMARK(BM_Execute10Rules)->Unit(benchmark::kMicrosecond);

// The same without any rule needing the request: the executor's fixed cost.
void BM_ExecuteUnconditional(benchmark::State &state)
{
    const PolicyCompileResult compiled =
        PolicyCompiler().compile("on_http_request:\n  - actions: [{type: set-vars, config: {vars: [{a: 1}]}}]\n");
    const PolicyExecutor executor;
    PolicyExchange exchange = typicalExchange();
    for (auto _ : state) {
        PolicyOutcome outcome = executor.run(*compiled.policy, PolicyPhase::HttpRequest, exchange);
        benchmark::DoNotOptimize(outcome);
    }
}
BENCHMARK(BM_ExecuteUnconditional);

} // namespace

BENCHMARK_MAIN();
