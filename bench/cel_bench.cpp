// SPDX-License-Identifier: Apache-2.0
// CEL engine benchmarks: evaluation of typical traffic-policy expressions
// against a request activation, and compile time of a batch.
#include "policy/cel/phaseenvironment.h"
#include "policy/cel/program.h"

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

using namespace switchyard::cel;

namespace {

Value strMap(std::vector<std::pair<std::string, Value>> items)
{
    std::vector<MapValue::Entry> entries;
    for (auto &[k, v] : items)
        entries.emplace_back(Value::string(k), std::move(v));
    return Value::map(MapValue::makeUnchecked(std::move(entries)));
}

struct Fixture
{
    Environment env = phaseEnvironment(PolicyPhase::HttpRequest);
    SlotActivation activation{env};

    Fixture()
    {
        Value url = strMap({{"scheme", Value::string("https")},
                            {"host", Value::string("app.example.com")},
                            {"port", Value::integer(443)},
                            {"path", Value::string("/api/v1/users/42")},
                            {"query", Value::string("")}});
        Value headers = strMap({{"user-agent", makeStringList({"curl/8.0"})},
                                {"accept", makeStringList({"*/*"})},
                                {"x-api-key", makeStringList({"secret"})}});
        activation.set("req", strMap({{"method", Value::string("POST")},
                                      {"url", url},
                                      {"host", Value::string("app.example.com")},
                                      {"headers", headers}}));
        activation.set("conn", strMap({{"client_ip", Value::string("10.20.30.40")},
                                       {"client_port", Value::integer(50123)}}));
    }

    std::shared_ptr<const Program> compile(const char *expr) const
    {
        CompileResult r = Program::compile(expr, env);
        if (!r.ok())
            std::abort();
        return r.program;
    }
};

void evaluate(benchmark::State &state, const char *expr)
{
    const Fixture f;
    const auto program = f.compile(expr);
    if (!program->evaluate(f.activation).isBool())
        std::abort();
    for (auto _ : state)
        benchmark::DoNotOptimize(program->evaluate(f.activation));
}

void BM_EvalPathAndMethod(benchmark::State &state)
{
    evaluate(state, "req.url.path.startsWith('/api') && req.method == 'POST'");
}
BENCHMARK(BM_EvalPathAndMethod);

void BM_EvalCidr(benchmark::State &state)
{
    evaluate(state, "inCidrRange(conn.client_ip, '10.0.0.0/8')");
}
BENCHMARK(BM_EvalCidr);

void BM_EvalMatches(benchmark::State &state)
{
    evaluate(state, "req.url.path.matches('^/api/v[0-9]+/users/[0-9]+$')");
}
BENCHMARK(BM_EvalMatches);

void BM_EvalHeaderLookup(benchmark::State &state)
{
    evaluate(state, "getReqHeader('X-Api-Key').exists(k, k == 'secret')");
}
BENCHMARK(BM_EvalHeaderLookup);

void BM_Compile50(benchmark::State &state)
{
    const Fixture f;
    const char *templates[] = {
        "req.url.path.startsWith('/api@') && req.method == 'POST'",
        "inCidrRange(conn.client_ip, '10.@.0.0/16')",
        "req.url.path.matches('^/v@/[a-z]+$')",
        "getReqHeader('X-Id-@').size() > 0 || req.host.endsWith('.example.com')",
        "[@, 2, 3].exists(x, x == req.url.port) && timestamp(time.now) > timestamp('2020-01-01T00:00:00Z')",
    };
    std::vector<std::string> batch;
    for (int i = 0; i < 50; ++i) {
        std::string src = templates[i % 5];
        src.replace(src.find('@'), 1, std::to_string(i));
        batch.push_back(std::move(src));
    }
    for (auto _ : state) {
        for (const auto &src : batch) {
            CompileResult r = Program::compile(src, f.env);
            benchmark::DoNotOptimize(r.program);
        }
    }
    state.SetItemsProcessed(state.iterations() * 50);
}
BENCHMARK(BM_Compile50);

} // namespace

BENCHMARK_MAIN();
