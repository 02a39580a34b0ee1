// SPDX-License-Identifier: Apache-2.0
#include "policy/celexpressioncompiler.h"
#include "policy/compile/policycompiler.h"

#include <QDir>
#include <QFile>
#include <QTest>

using namespace switchyard;

class TestPolicyCompiler : public QObject
{
    Q_OBJECT

private slots:
    void sameDiagnosticsAsValidator_data();
    void sameDiagnosticsAsValidator();
    void errorsGiveNoPolicy();
    void warningsStillCompile();
    void defaultsApplied();
    void customResponseContentAlias();
    void templatesSplitIntoParts();
    void forwardTargetsListed();
    void headerNamesLowerCased();
    void setVarsConstantsTyped();
    void externalActionKeepsCompiledFields();
    void rulesKeepOrderAndNames();
    void badCaptureReferenceIsTheOnlyRunTimeCheck();
};

namespace {

PolicyCompileResult compile(const std::string &text, EndpointType type = EndpointType::Agent,
                            const std::string &url = "https://app.example.com")
{
    return PolicyCompiler({PolicyEndpointContext::forUrl(*EndpointUrl::parse(url), type), nullptr}).compile(text);
}

const CompiledAction &firstAction(const PolicyCompileResult &r, PolicyPhase phase = PolicyPhase::HttpRequest)
{
    return r.policy->phase(phase)->rules.at(0).actions.at(0);
}

} // namespace

// Every golden policy of tests/data/policy gives exactly the validator's
// diagnostics (which tst_policyvalidator checks against the expected text).
void TestPolicyCompiler::sameDiagnosticsAsValidator_data()
{
    QTest::addColumn<QString>("file");
    const QDir dir(QStringLiteral(SWITCHYARD_TEST_DATA_DIR) + "/policy");
    for (const QString &name : dir.entryList({"*.test"}, QDir::Files, QDir::Name))
        QTest::newRow(qPrintable(name)) << dir.filePath(name);
}

void TestPolicyCompiler::sameDiagnosticsAsValidator()
{
    QFETCH(QString, file);
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const std::string text = f.readAll().toStdString();
    const std::size_t sep = text.find("\n----\n");
    QVERIFY(sep != std::string::npos);
    // The header lines are comments, so the policy part can be parsed as is.
    const std::string policy = text.substr(0, sep + 1);
    for (EndpointType type : {EndpointType::Agent, EndpointType::Cloud}) {
        for (const char *url : {"https://app.example.com", "https://example.internal", "tcp://1.tcp.example.com:20000"}) {
            const PolicyEndpointContext endpoint = PolicyEndpointContext::forUrl(*EndpointUrl::parse(url), type);
            const CelExpressionCompiler cel;
            DiagnosticList expected;
            PolicyValidator(PolicyValidator::Options{endpoint, &cel, nullptr}).check(PolicySource{policy, 1, 1, {}}, expected);
            const PolicyCompileResult result = PolicyCompiler({endpoint, nullptr}).compile(policy);
            QCOMPARE(QString::fromStdString(result.diagnostics.format("p")), QString::fromStdString(expected.format("p")));
            QCOMPARE(result.ok(), !expected.hasErrors());
        }
    }
}

void TestPolicyCompiler::errorsGiveNoPolicy()
{
    const PolicyCompileResult r = compile("on_http_request:\n  - expressions: [\"req.nope\"]\n    actions:\n      - type: deny\n");
    QVERIFY(!r.ok());
    QVERIFY(r.document.has_value());
    QCOMPARE(r.diagnostics.errorCount(), 1);
    QCOMPARE(r.diagnostics.format("p"), std::string("p:2:24: error: undefined field 'nope' of req\n"));
}

void TestPolicyCompiler::warningsStillCompile()
{
    const PolicyCompileResult r = compile("inbound:\n  - actions:\n      - type: deny\n");
    QVERIFY(r.ok());
    QCOMPARE(r.diagnostics.size(), std::size_t(1));
    QVERIFY(!r.diagnostics.hasErrors());
    QVERIFY(r.policy->phase(PolicyPhase::HttpRequest));
}

void TestPolicyCompiler::defaultsApplied()
{
    const PolicyCompileResult r = compile("on_http_request:\n"
                                          "  - actions:\n"
                                          "      - type: redirect\n"
                                          "        config: {to: 'https://x.example.com/'}\n"
                                          "      - type: basic-auth\n"
                                          "        config: {credentials: ['a:12345678']}\n"
                                          "      - type: forward-internal\n"
                                          "        config: {url: 'https://a.internal', on_error: continue}\n"
                                          "      - type: deny\n");
    QVERIFY2(r.ok(), r.diagnostics.format("p").c_str());
    const auto &actions = r.policy->phase(PolicyPhase::HttpRequest)->rules.at(0).actions;
    QCOMPARE(actions.size(), std::size_t(4));
    QCOMPARE(std::get<RewriteConfig>(actions[0].config).statusCode, 302);
    QVERIFY(!std::get<RewriteConfig>(actions[0].config).from);
    QCOMPARE(std::get<BasicAuthConfig>(actions[1].config).realm, std::string("switchyard"));
    QCOMPARE(std::get<BasicAuthConfig>(actions[1].config).enforce, true);
    QCOMPARE(std::get<ForwardInternalConfig>(actions[2].config).continueOnError, true);
    QCOMPARE(actions[2].terminating, false);
    QCOMPARE(std::get<DenyConfig>(actions[3].config).statusCode, 403);
    QCOMPARE(actions[3].terminating, true);
    QCOMPARE(actions[3].kind, ActionKind::Deny);
}

void TestPolicyCompiler::customResponseContentAlias()
{
    const PolicyCompileResult r =
        compile("on_http_request:\n  - actions:\n      - type: custom-response\n        config: {content: Hello world!}\n",
                EndpointType::Cloud, "https://example.internal");
    QVERIFY2(r.ok(), r.diagnostics.format("p").c_str());
    const auto &c = std::get<CustomResponseConfig>(firstAction(r).config);
    QCOMPARE(c.statusCode, 200);
    QVERIFY(c.body && c.body->isLiteral());
    QCOMPARE(c.body->source(), std::string("Hello world!"));
}

void TestPolicyCompiler::templatesSplitIntoParts()
{
    const PolicyCompileResult r = compile("on_http_request:\n  - actions:\n      - type: custom-response\n"
                                          "        config: {body: \"a ${req.method}-${'}'} z\"}\n");
    QVERIFY2(r.ok(), r.diagnostics.format("p").c_str());
    const CompiledTemplate &t = *std::get<CustomResponseConfig>(firstAction(r).config).body;
    QVERIFY(!t.isLiteral());
    QVERIFY(!t.soleExpression());
    const auto &parts = t.parts();
    QCOMPARE(parts.size(), std::size_t(5));
    QCOMPARE(parts[0].literal, std::string("a "));
    QCOMPARE(parts[1].expression->source(), std::string("req.method"));
    QCOMPARE(parts[2].literal, std::string("-"));
    QCOMPARE(parts[3].expression->source(), std::string("'}'"));
    QCOMPARE(parts[4].literal, std::string(" z"));
}

void TestPolicyCompiler::forwardTargetsListed()
{
    const PolicyCompileResult r = compile("on_http_request:\n"
                                          "  - expressions: [\"req.method == 'GET'\"]\n"
                                          "    actions:\n"
                                          "      - type: forward-internal\n"
                                          "        config: {url: 'https://a.internal'}\n"
                                          "  - actions:\n"
                                          "      - type: forward-internal\n"
                                          "        config:\n"
                                          "          url: \"https://${req.method}.internal\"\n");
    QVERIFY2(r.ok(), r.diagnostics.format("p").c_str());
    const auto &targets = r.policy->forwardTargets();
    QCOMPARE(targets.size(), std::size_t(2));
    QCOMPARE(targets[0].url, std::string("https://a.internal"));
    QCOMPARE(targets[0].interpolated, false);
    QCOMPARE(targets[0].position.line, 5);
    QCOMPARE(targets[0].path, std::string("on_http_request[0].actions[0].config.url"));
    QCOMPARE(targets[1].interpolated, true);
    QCOMPARE(targets[1].position.line, 9);
}

void TestPolicyCompiler::headerNamesLowerCased()
{
    const PolicyCompileResult r = compile("on_http_request:\n  - actions:\n      - type: add-headers\n"
                                          "        config: {headers: {X-One: '1', x-Two: '${req.method}'}}\n"
                                          "      - type: remove-headers\n        config: {headers: [X-Three]}\n");
    QVERIFY2(r.ok(), r.diagnostics.format("p").c_str());
    const auto &actions = r.policy->phase(PolicyPhase::HttpRequest)->rules.at(0).actions;
    const auto &add = std::get<AddHeadersConfig>(actions[0].config);
    QCOMPARE(add.headers.size(), std::size_t(2));
    QCOMPARE(add.headers[0].name, std::string("x-one"));
    QCOMPARE(add.headers[1].name, std::string("x-two"));
    QVERIFY(add.headers[1].value.soleExpression());
    QCOMPARE(std::get<RemoveHeadersConfig>(actions[1].config).names, std::vector<std::string>{"x-three"});
}

void TestPolicyCompiler::setVarsConstantsTyped()
{
    const PolicyCompileResult r = compile("on_http_request:\n  - actions:\n      - type: set-vars\n"
                                          "        config:\n          vars:\n"
                                          "            - a: 5\n            - b: 'text'\n            - c: false\n"
                                          "            - d: [1, x]\n            - e: '${req.method}'\n");
    QVERIFY2(r.ok(), r.diagnostics.format("p").c_str());
    const auto &vars = std::get<SetVarsConfig>(firstAction(r).config).vars;
    QCOMPARE(vars.size(), std::size_t(5));
    QCOMPARE(vars[0].constant->debugString(), std::string("5"));
    QVERIFY(!vars[1].constant);
    QCOMPARE(vars[1].text.source(), std::string("text"));
    QCOMPARE(vars[2].constant->debugString(), std::string("false"));
    QCOMPARE(vars[3].constant->debugString(), std::string("[1, \"x\"]"));
    QVERIFY(vars[4].text.soleExpression());
}

void TestPolicyCompiler::externalActionKeepsCompiledFields()
{
    const PolicyCompileResult r = compile("on_http_request:\n  - actions:\n      - type: rate-limit\n"
                                          "        config:\n          name: n\n          algorithm: sliding_window\n"
                                          "          capacity: 5\n          rate: 60s\n"
                                          "          bucket_key: [conn.client_ip, \"req.headers['x'][0]\"]\n");
    QVERIFY2(r.ok(), r.diagnostics.format("p").c_str());
    const CompiledAction &a = firstAction(r);
    QCOMPARE(a.kind, ActionKind::External);
    const auto &c = std::get<ExternalConfig>(a.config);
    QCOMPARE(c.programs.size(), std::size_t(2));
    QCOMPARE(c.programs[0].first, std::string("on_http_request[0].actions[0].config.bucket_key[0]"));
    QCOMPARE(c.programs[0].second->source(), std::string("conn.client_ip"));
    QVERIFY(c.programs[1].second);
    QCOMPARE(a.rawConfig.find("capacity")->scalar, std::string("5"));
}

void TestPolicyCompiler::rulesKeepOrderAndNames()
{
    const PolicyCompileResult r = compile("on_tcp_connect:\n  - actions: [{type: log, config: {metadata: {a: b}}}]\n"
                                          "on_http_request:\n  - name: first\n    expressions: ['true', 'req.method == \"GET\"']\n"
                                          "    actions: [{type: deny}]\n  - name: second\n    actions: [{type: deny}]\n");
    QVERIFY2(r.ok(), r.diagnostics.format("p").c_str());
    QCOMPARE(r.policy->ruleCount(), std::size_t(3));
    QVERIFY(!r.policy->phase(PolicyPhase::HttpResponse));
    const CompiledPhase *req = r.policy->phase(PolicyPhase::HttpRequest);
    QCOMPARE(req->rules[0].name, std::string("first"));
    QCOMPARE(req->rules[1].name, std::string("second"));
    QCOMPARE(req->rules[1].index, std::size_t(1));
    QCOMPARE(req->rules[0].expressions.size(), std::size_t(2));
    QCOMPARE(req->rules[0].expressions[1].source, std::string("req.method == \"GET\""));
    QVERIFY(req->rules[0].expressions[1].program);
}

void TestPolicyCompiler::badCaptureReferenceIsTheOnlyRunTimeCheck()
{
    // A literal regex is compiled at load; the validator already checked it.
    const PolicyCompileResult r = compile("on_http_request:\n  - actions:\n      - type: url-rewrite\n"
                                          "        config: {from: '/a/(b)', to: '/$1'}\n");
    QVERIFY2(r.ok(), r.diagnostics.format("p").c_str());
    QVERIFY(std::get<RewriteConfig>(firstAction(r).config).fromRegex);
}

QTEST_GUILESS_MAIN(TestPolicyCompiler)
#include "tst_policycompiler.moc"
