// SPDX-License-Identifier: Apache-2.0
// PolicyExecutor through its API: outcomes, resume after a failed forward,
// the ActionRunner seam, vars scoping and the response phase. Scenario
// coverage of every action is in tst_policysimulator.
#include "policy/compile/policycompiler.h"
#include "policy/exec/actionrunnerregistry.h"
#include "policy/exec/policyexecutor.h"
#include "policy/exec/requesturl.h"

#include <QTest>

using namespace switchyard;

class TestPolicyExecutor : public QObject
{
    Q_OBJECT

private slots:
    void noPhaseContinues();
    void respondOutcome();
    void forwardOutcomeAndResume();
    void registeredRunnerRuns();
    void runnerMayRespond();
    void varsClearedPerRun();
    void responsePhaseEditsResponse();
    void traceIsOptional();
    void requestChangesVisibleToLaterRules();
    void requestUrlParts_data();
    void requestUrlParts();
};

namespace {

std::shared_ptr<const CompiledPolicy> compile(const std::string &text)
{
    const PolicyCompileResult r = PolicyCompiler().compile(text);
    if (!r.ok())
        qWarning("%s", r.diagnostics.format("policy").c_str());
    return r.policy;
}

PolicyExchange exchange(const std::string &url = "https://app.example.com/")
{
    PolicyExchange x;
    x.endpointUrl = "https://app.example.com";
    x.request.url = url;
    x.request.headers.append("Host", "app.example.com");
    return x;
}

class CountingRunner final : public ActionRunner
{
public:
    explicit CountingRunner(bool respond) : m_respond(respond) {}
    ActionRunResult run(const ActionRunContext &context) const override
    {
        ++calls;
        ActionRunResult r;
        r.summary = "ran " + context.action.type;
        if (m_respond) {
            r.kind = ActionRunResult::Kind::Respond;
            r.response.statusCode = 429;
        }
        return r;
    }
    mutable int calls = 0;

private:
    bool m_respond;
};

const char *const RateLimit = "      - type: rate-limit\n"
                              "        config: {name: n, algorithm: sliding_window, capacity: 1, rate: 60s,"
                              " bucket_key: [conn.client_ip]}\n";

} // namespace

void TestPolicyExecutor::noPhaseContinues()
{
    auto policy = compile("on_http_response:\n  - actions: [{type: add-headers, config: {headers: {a: b}}}]\n");
    QVERIFY(policy);
    PolicyExchange x = exchange();
    PolicyTrace trace;
    const PolicyOutcome o = PolicyExecutor().run(*policy, PolicyPhase::HttpRequest, x, &trace);
    QCOMPARE(o.kind, PolicyOutcome::Kind::Continue);
    QVERIFY(trace.rules.empty());
    QCOMPARE(x.request.headers.size(), std::size_t(1));
}

void TestPolicyExecutor::respondOutcome()
{
    auto policy = compile("on_http_request:\n  - actions: [{type: custom-response, config: {status_code: 202, body: ok}}]\n");
    QVERIFY(policy);
    PolicyExchange x = exchange();
    const PolicyOutcome o = PolicyExecutor().run(*policy, PolicyPhase::HttpRequest, x);
    QCOMPARE(o.kind, PolicyOutcome::Kind::Respond);
    QCOMPARE(o.response.statusCode, 202);
    QCOMPARE(o.response.body, std::string("ok"));
    QCOMPARE(std::string(*o.response.headers.value("content-type")), std::string("text/plain; charset=utf-8"));
}

void TestPolicyExecutor::forwardOutcomeAndResume()
{
    auto policy = compile("on_http_request:\n"
                          "  - actions:\n"
                          "      - type: forward-internal\n"
                          "        config: {url: 'https://${req.method.lower()}.internal', on_error: continue}\n"
                          "      - type: add-headers\n"
                          "        config: {headers: {x-fallback: yes}}\n"
                          "  - actions: [{type: deny, config: {status_code: 502}}]\n");
    QVERIFY(policy);
    PolicyExchange x = exchange();
    PolicyTrace trace;
    const PolicyExecutor executor;
    const PolicyOutcome first = executor.run(*policy, PolicyPhase::HttpRequest, x, &trace);
    QCOMPARE(first.kind, PolicyOutcome::Kind::ForwardInternal);
    QCOMPARE(first.target, std::string("https://get.internal"));
    QVERIFY(first.continueOnError);
    QCOMPARE(first.resume.rule, std::size_t(0));
    QCOMPARE(first.resume.action, std::size_t(1));
    QVERIFY(!x.request.headers.contains("x-fallback"));
    // The target failed: resume after the forward.
    const PolicyOutcome second = executor.run(*policy, PolicyPhase::HttpRequest, x, &trace, first.resume);
    QCOMPARE(second.kind, PolicyOutcome::Kind::Respond);
    QCOMPARE(second.response.statusCode, 502);
    QCOMPARE(std::string(*x.request.headers.value("x-fallback")), std::string("yes"));
    QCOMPARE(trace.rules.size(), std::size_t(3));
    QCOMPARE(trace.rules[1].actions.size(), std::size_t(1));
    QCOMPARE(trace.rules[1].actions[0].type, std::string("add-headers"));
}

void TestPolicyExecutor::registeredRunnerRuns()
{
    auto policy = compile(std::string("on_http_request:\n  - actions:\n") + RateLimit);
    QVERIFY(policy);
    auto runner = std::make_shared<CountingRunner>(false);
    ActionRunnerRegistry registry;
    registry.add("rate-limit", runner);
    PolicyExchange x = exchange();
    PolicyTrace trace;
    QCOMPARE(PolicyExecutor(&registry).run(*policy, PolicyPhase::HttpRequest, x, &trace).kind,
             PolicyOutcome::Kind::Continue);
    QCOMPARE(runner->calls, 1);
    QCOMPARE(trace.rules.at(0).actions.at(0).result, std::string("ran rate-limit"));
    PolicyTrace unregistered;
    QCOMPARE(PolicyExecutor().run(*policy, PolicyPhase::HttpRequest, x, &unregistered).kind,
             PolicyOutcome::Kind::Continue);
    QCOMPARE(unregistered.rules.at(0).actions.at(0).result, std::string("not simulated"));
    QCOMPARE(runner->calls, 1);
}

void TestPolicyExecutor::runnerMayRespond()
{
    auto policy = compile(std::string("on_http_request:\n  - actions:\n") + RateLimit
                          + "      - type: add-headers\n        config: {headers: {x-a: b}}\n");
    QVERIFY(policy);
    ActionRunnerRegistry registry;
    registry.add("rate-limit", std::make_shared<CountingRunner>(true));
    PolicyExchange x = exchange();
    const PolicyOutcome o = PolicyExecutor(&registry).run(*policy, PolicyPhase::HttpRequest, x);
    QCOMPARE(o.kind, PolicyOutcome::Kind::Respond);
    QCOMPARE(o.response.statusCode, 429);
    QVERIFY(!x.request.headers.contains("x-a"));
}

void TestPolicyExecutor::varsClearedPerRun()
{
    auto policy = compile("on_http_request:\n"
                          "  - expressions: [\"!('n' in vars)\"]\n"
                          "    actions: [{type: set-vars, config: {vars: [{n: 1}]}}]\n"
                          "  - expressions: [\"'n' in vars\"]\n"
                          "    actions: [{type: add-headers, config: {headers: {x-n: '${vars.n}'}}}]\n");
    QVERIFY(policy);
    PolicyExchange x = exchange();
    x.vars.emplace_back("stale", cel::Value::integer(9));
    const PolicyExecutor executor;
    QCOMPARE(executor.run(*policy, PolicyPhase::HttpRequest, x).kind, PolicyOutcome::Kind::Continue);
    QCOMPARE(x.vars.size(), std::size_t(1));
    QCOMPARE(x.vars[0].first, std::string("n"));
    QCOMPARE(x.request.headers.values("x-n").size(), std::size_t(1));
    // A second run starts without vars again, so rule 0 sets n once more.
    QCOMPARE(executor.run(*policy, PolicyPhase::HttpRequest, x).kind, PolicyOutcome::Kind::Continue);
    QCOMPARE(x.request.headers.values("x-n").size(), std::size_t(2));
}

void TestPolicyExecutor::responsePhaseEditsResponse()
{
    auto policy = compile("on_http_response:\n"
                          "  - expressions: ['res.status_code >= 500']\n"
                          "    actions:\n"
                          "      - type: remove-headers\n        config: {headers: [server]}\n"
                          "      - type: add-headers\n        config: {headers: {x-status: '${res.status_code}'}}\n");
    QVERIFY(policy);
    PolicyExchange x = exchange();
    x.response = PolicyResponse{};
    x.response->statusCode = 503;
    x.response->headers.append("Server", "upstream");
    QCOMPARE(PolicyExecutor().run(*policy, PolicyPhase::HttpResponse, x).kind, PolicyOutcome::Kind::Continue);
    QVERIFY(!x.response->headers.contains("server"));
    QCOMPARE(std::string(*x.response->headers.value("x-status")), std::string("503"));
    QVERIFY(!x.request.headers.contains("x-status"));
}

void TestPolicyExecutor::traceIsOptional()
{
    auto policy = compile("on_http_request:\n  - expressions: ['req.url.path == \"/\"']\n    actions: [{type: deny}]\n");
    QVERIFY(policy);
    PolicyExchange x = exchange();
    const PolicyOutcome o = PolicyExecutor().run(*policy, PolicyPhase::HttpRequest, x, nullptr);
    QCOMPARE(o.kind, PolicyOutcome::Kind::Respond);
    QCOMPARE(o.response.statusCode, 403);
    QVERIFY(o.response.body.empty());
}

void TestPolicyExecutor::requestChangesVisibleToLaterRules()
{
    auto policy = compile("on_http_request:\n"
                          "  - actions: [{type: add-headers, config: {headers: {x-added: '1'}}}]\n"
                          "  - expressions: [\"req.headers['x-added'] == ['1']\"]\n"
                          "    actions: [{type: url-rewrite, config: {from: '/a$', to: '/b'}}]\n"
                          "  - expressions: [\"req.url.path == '/b'\"]\n"
                          "    actions: [{type: custom-response, config: {body: '${req.url.path}'}}]\n");
    QVERIFY(policy);
    PolicyExchange x = exchange("https://app.example.com/a");
    const PolicyOutcome o = PolicyExecutor().run(*policy, PolicyPhase::HttpRequest, x);
    QCOMPARE(o.kind, PolicyOutcome::Kind::Respond);
    QCOMPARE(o.response.body, std::string("/b"));
}

void TestPolicyExecutor::requestUrlParts_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("parts"); // scheme|host|port|path|query|authority
    QTest::newRow("plain") << "https://App.Example.com/a?b=1" << "https|app.example.com|443|/a|b=1|app.example.com";
    QTest::newRow("port") << "http://h:8080" << "http|h|8080|/||h:8080";
    QTest::newRow("ipv6") << "http://[::1]:9/x#frag" << "http|::1|9|/x||[::1]:9";
    QTest::newRow("user") << "https://u:p@h/p" << "https|h|443|/p||h";
    QTest::newRow("query only") << "https://h?q" << "https|h|443|/|q|h";
}

void TestPolicyExecutor::requestUrlParts()
{
    QFETCH(QString, url);
    QFETCH(QString, parts);
    const auto u = RequestUrl::parse(url.toStdString());
    QVERIFY(u);
    const std::string actual = u->scheme + "|" + u->host + "|" + std::to_string(u->port) + "|" + u->path + "|"
                               + u->query + "|" + u->authority();
    QCOMPARE(QString::fromStdString(actual), parts);
    QVERIFY(!RequestUrl::parse("no-scheme/path"));
    QVERIFY(!RequestUrl::parse("http://h:99999/"));
}

QTEST_GUILESS_MAIN(TestPolicyExecutor)
#include "tst_policyexecutor.moc"
