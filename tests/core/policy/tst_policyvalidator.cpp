// SPDX-License-Identifier: Apache-2.0
// Runs every golden file in tests/data/policy/ (format: tests/data/policy/README.md):
// the policy is parsed and validated, and the diagnostics, formatted as
// "policy.yml:LINE:COLUMN: severity: message", must match the expected text exactly.
// SWITCHYARD_UPDATE_GOLDEN=1 rewrites the expected parts (review the diff!).
#include "fakeexpressioncompiler.h"
#include "policy/celexpressioncompiler.h"
#include "policy/policygraph.h"
#include "policy/policyvalidator.h"

#include <QDir>
#include <QFile>
#include <QTest>

using namespace switchyard;

class TestPolicyValidator : public QObject
{
    Q_OBJECT

private slots:
    void golden_data();
    void golden();
    void enoughGoldenFiles();
    void embeddedBasePosition();
    void graphLoopAcrossEndpoints();
};

namespace {

struct GoldenCase
{
    std::string policy;   // header lines blanked, so line numbers match the .test file
    std::string expected; // "OK" or the diagnostics
    PolicyEndpointContext endpoint;
    PolicyGraph graph;
    bool useGraph = false;
    // The real CEL engine unless a header asks for the fake one or none.
    enum class Compiler { Cel, Fake, None } compiler = Compiler::Cel;
    QString error;
};

GoldenCase readCase(const QString &path)
{
    GoldenCase c;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        c.error = "cannot open " + path;
        return c;
    }
    const QString text = QString::fromUtf8(f.readAll());
    const qsizetype sep = text.indexOf("\n----\n");
    if (sep < 0) {
        c.error = "no '----' separator line";
        return c;
    }
    QStringList lines = text.left(sep + 1).split('\n');
    for (QString &line : lines) {
        if (line.startsWith("# endpoint:")) {
            const QStringList words = line.mid(11).split(' ', Qt::SkipEmptyParts);
            auto url = EndpointUrl::parse(words.value(0).toStdString());
            if (!url) {
                c.error = "bad endpoint URL in " + line;
                return c;
            }
            const auto type = endpointTypeFromString(words.value(1, "agent").toStdString());
            c.endpoint = PolicyEndpointContext::forUrl(*url, type.value_or(EndpointType::Agent));
            line.clear();
        } else if (line.startsWith("# known:")) {
            const QStringList words = line.mid(8).split(' ', Qt::SkipEmptyParts);
            std::vector<EndpointUrl> targets;
            for (qsizetype i = 2; i < words.size(); ++i)
                targets.push_back(*EndpointUrl::parse(words[i].toStdString()));
            c.graph.addEndpoint(*EndpointUrl::parse(words.value(0).toStdString()), targets);
            c.useGraph = true;
            line.clear();
        } else if (line.startsWith("# compiler: fake")) {
            c.compiler = GoldenCase::Compiler::Fake;
            line.clear();
        } else if (line.startsWith("# compiler: none")) {
            c.compiler = GoldenCase::Compiler::None;
            line.clear();
        }
    }
    c.policy = lines.join('\n').toStdString();
    c.expected = text.mid(sep + 6).toStdString();
    return c;
}

std::string runCase(const GoldenCase &c)
{
    static const FakeExpressionCompiler fake;
    static const CelExpressionCompiler cel;
    const ExpressionCompiler *compiler = c.compiler == GoldenCase::Compiler::Fake ? static_cast<const ExpressionCompiler *>(&fake)
                                       : c.compiler == GoldenCase::Compiler::Cel  ? &cel
                                                                                  : nullptr;
    PolicyValidator validator(PolicyValidator::Options{c.endpoint, compiler, c.useGraph ? &c.graph : nullptr});
    DiagnosticList diagnostics;
    (void)validator.check(PolicySource{c.policy, 1, 1, {}}, diagnostics);
    return diagnostics.empty() ? "OK\n" : diagnostics.format("policy.yml");
}

QString goldenDir()
{
    return QStringLiteral(SWITCHYARD_TEST_DATA_DIR "/policy");
}

} // namespace

void TestPolicyValidator::golden_data()
{
    QTest::addColumn<QString>("path");
    const QDir dir(goldenDir());
    for (const QString &name : dir.entryList({"*.test"}, QDir::Files, QDir::Name))
        QTest::newRow(qPrintable(name)) << dir.filePath(name);
}

void TestPolicyValidator::golden()
{
    QFETCH(QString, path);
    const GoldenCase c = readCase(path);
    QVERIFY2(c.error.isEmpty(), qPrintable(c.error));
    const std::string actual = runCase(c);
    if (qEnvironmentVariableIsSet("SWITCHYARD_UPDATE_GOLDEN") && actual != c.expected) {
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray text = f.readAll();
        f.close();
        text = text.left(text.indexOf("\n----\n") + 6) + QByteArray::fromStdString(actual);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(text);
        return;
    }
    QCOMPARE(QString::fromStdString(actual), QString::fromStdString(c.expected));
}

void TestPolicyValidator::enoughGoldenFiles()
{
    QVERIFY(QDir(goldenDir()).entryList({"*.test"}, QDir::Files).size() >= 60);
}

// A policy cut out of a config file reports positions in the config file.
void TestPolicyValidator::embeddedBasePosition()
{
    const std::string text = "on_http_request:\n"
                             "  - actions:\n"
                             "      - type: deny\n"
                             "        config: {status_code: 200}\n";
    PolicyValidator validator(PolicyValidator::Options{});
    DiagnosticList diagnostics;
    (void)validator.check(PolicySource{text, 12, 5, "endpoints[1].traffic_policy"}, diagnostics);
    QCOMPARE(QString::fromStdString(diagnostics.format("switchyard.yml")),
             QString("switchyard.yml:15:35: error: 'status_code' must be from 400 to 599, not 200\n"));
    QCOMPARE(QString::fromStdString(diagnostics.items().at(0).path),
             QString("endpoints[1].traffic_policy.on_http_request[0].actions[0].config.status_code"));
}

// Loops found through the policies of other endpoints, given as documents.
void TestPolicyValidator::graphLoopAcrossEndpoints()
{
    DiagnosticList ignored;
    const auto b = PolicyParser::parse(std::string("on_http_request:\n  - actions:\n      - type: forward-internal\n"
                                                   "        config: {url: https://c.internal}\n"),
                                       ignored);
    const auto c = PolicyParser::parse(std::string("on_http_request:\n  - actions:\n      - type: forward-internal\n"
                                                   "        config: {url: \"https://a.internal:443\"}\n"),
                                       ignored);
    QVERIFY(b && c && ignored.empty());
    PolicyGraph graph;
    graph.addEndpoint(*EndpointUrl::parse("https://b.internal"), *b);
    graph.addEndpoint(*EndpointUrl::parse("https://c.internal"), *c);
    graph.addEndpoint(*EndpointUrl::parse("https://a.internal"));
    PolicyValidator::Options options;
    options.endpoint = PolicyEndpointContext::forUrl(*EndpointUrl::parse("https://a.internal"));
    options.graph = &graph;
    DiagnosticList diagnostics;
    (void)PolicyValidator(options).check(
        PolicySource{"on_http_request:\n  - actions:\n      - type: forward-internal\n"
                     "        config: {url: https://b.internal}\n",
                     1, 1, {}},
        diagnostics);
    QCOMPARE(QString::fromStdString(diagnostics.format("a.yml")),
             QString("a.yml:4:23: warning: forwarding loop: https://a.internal → https://b.internal → "
                     "https://c.internal → https://a.internal\n"));
}

QTEST_GUILESS_MAIN(TestPolicyValidator)
#include "tst_policyvalidator.moc"
