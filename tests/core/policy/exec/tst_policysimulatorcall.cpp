// SPDX-License-Identifier: Apache-2.0
// PolicySimulator with the http-request runner: calls go to the simulated
// internal endpoints' policies; an upstream is never contacted.
#include "policy/bodyrunners/httprequestrunner.h"
#include "policy/compile/policycompiler.h"
#include "policy/exec/actionrunnerregistry.h"
#include "policy/exec/policysimulator.h"

#include <QTest>

using namespace switchyard;

namespace {

SimulatedEndpoint simulated(const std::string &url, EndpointType type, const std::string &policy)
{
    SimulatedEndpoint ep;
    ep.url = url;
    ep.type = type;
    const PolicyCompileResult compiled
        = PolicyCompiler({PolicyEndpointContext::forUrl(*EndpointUrl::parse(url), type), nullptr}).compile(policy);
    ep.policy = compiled.policy;
    if (!ep.policy)
        qWarning("%s", compiled.diagnostics.format("policy").c_str());
    return ep;
}

std::string callThen(const std::string &phase, const std::string &config, const std::string &then)
{
    return phase + ":\n  - actions:\n      - type: http-request\n        config:\n" + config + then;
}

std::string respond(const std::string &content)
{
    return "      - type: custom-response\n        config:\n          content: \"" + content + "\"\n";
}

} // namespace

class TestPolicySimulatorCall : public QObject
{
    Q_OBJECT

private slots:
    void call_data();
    void call();
    void responsePhase();
};

void TestPolicySimulatorCall::call_data()
{
    QTest::addColumn<QString>("config");
    QTest::addColumn<QString>("content");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("body");

    const QString result = "${string(actions.ngrok.http_request.res.status_code)} "
                           "[${actions.ngrok.http_request.res.body}] "
                           "attempts=${string(actions.ngrok.http_request.attempts)}";
    const QString error = "${actions.ngrok.http_request.error.code}";
    QTest::newRow("answered by the target's policy")
        << "          url: https://hello.internal/x\n          method: POST\n          body: hi\n" << result << 200
        << "200 [hello POST /x 2] attempts=1";
    QTest::newRow("retry_condition")
        << "          url: https://hello.internal/\n"
           "          retry_condition: actions.ngrok.http_request.attempts < 2\n"
        << result << 200 << "200 [hello GET / 0] attempts=2";
    QTest::newRow("upstream is not simulated")
        << "          url: https://agent.internal/\n" << error << 200 << "ERR_SWITCHYARD_3607";
    QTest::newRow("offline") << "          url: https://nowhere.internal/\n" << error << 200
                             << "ERR_SWITCHYARD_3200";
    QTest::newRow("not internal") << "          url: https://example.com/\n" << error << 200
                                  << "ERR_SWITCHYARD_3605";
    QTest::newRow("loop") << "          url: https://loop.internal/\n" << error << 200 << "ERR_SWITCHYARD_3603";
    QTest::newRow("halt") << "          url: https://agent.internal/\n          on_error: halt\n" << "no" << 502
                          << "not simulated: the call would reach the upstream of https://agent.internal\n";
}

void TestPolicySimulatorCall::call()
{
    QFETCH(QString, config);
    QFETCH(QString, content);
    QFETCH(int, status);
    QFETCH(QString, body);

    std::vector<SimulatedEndpoint> endpoints{
        simulated("https://hello.internal", EndpointType::Cloud,
                  "on_http_request:\n  - actions:\n"
                      + respond("hello ${req.method} ${req.url.path} ${string(req.content_length)}")),
        simulated("https://agent.internal", EndpointType::Agent, "on_http_request: []\n"),
        simulated("https://loop.internal", EndpointType::Cloud,
                  callThen("on_http_request", "          url: https://loop.internal/\n          on_error: halt\n",
                           respond("never"))),
    };
    ActionRunnerRegistry runners;
    runners.add("http-request", std::make_shared<HttpRequestRunner>());
    const PolicySimulator simulator(
        [&endpoints](const std::string &url) -> std::optional<SimulatedEndpoint> {
            for (const SimulatedEndpoint &ep : endpoints) {
                if (ep.url == url)
                    return ep;
            }
            return std::nullopt;
        },
        &runners);
    const SimulatedEndpoint front = simulated(
        "https://front.example.com", EndpointType::Cloud,
        callThen("on_http_request", config.toStdString(), respond(content.toStdString())));
    QVERIFY(front.policy);
    PolicyExchange exchange;
    exchange.request.url = "https://front.example.com/";
    const SimulationResult result = simulator.simulate(front, exchange);
    QCOMPARE(int(result.outcome.kind), int(SimulationOutcome::Kind::Response));
    QCOMPARE(result.outcome.response.statusCode, status);
    QCOMPARE(QString::fromStdString(result.outcome.response.body), body);
}

void TestPolicySimulatorCall::responsePhase()
{
    std::vector<SimulatedEndpoint> endpoints{simulated(
        "https://hello.internal", EndpointType::Cloud, "on_http_request:\n  - actions:\n" + respond("hello"))};
    ActionRunnerRegistry runners;
    runners.add("http-request", std::make_shared<HttpRequestRunner>());
    const PolicySimulator simulator(
        [&endpoints](const std::string &url) -> std::optional<SimulatedEndpoint> {
            return url == endpoints[0].url ? std::optional(endpoints[0]) : std::nullopt;
        },
        &runners);
    const SimulatedEndpoint front = simulated(
        "https://front.example.com", EndpointType::Agent,
        callThen("on_http_response", "          url: https://hello.internal/\n",
                 "      - type: add-headers\n        config:\n          headers:\n"
                 "            x-called: \"${actions.ngrok.http_request.res.body}\"\n")
            + "on_http_request:\n  - actions:\n" + respond("front"));
    QVERIFY(front.policy);
    PolicyExchange exchange;
    exchange.request.url = "https://front.example.com/";
    const SimulationResult result = simulator.simulate(front, exchange);
    QCOMPARE(result.outcome.response.body, std::string("front"));
    QCOMPARE(std::string(result.outcome.response.headers.value("x-called").value_or("")), std::string("hello"));
}

QTEST_GUILESS_MAIN(TestPolicySimulatorCall)
#include "tst_policysimulatorcall.moc"
