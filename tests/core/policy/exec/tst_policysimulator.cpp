// SPDX-License-Identifier: Apache-2.0
// Runs every scenario in tests/data/simulate/*.test: endpoints (URL, type,
// policy) and a request above a "----" line, the expected report
// (SimulationReport::text) below it. The first endpoint receives the
// request; the others are forward-internal targets.
// SWITCHYARD_UPDATE_GOLDEN=1 rewrites the expected parts (review the diff!).
#include "policy/bodyrunners/bodyactionrunners.h"
#include "policy/compile/policycompiler.h"
#include "policy/exec/actionrunnerregistry.h"
#include "policy/exec/policysimulator.h"
#include "policy/exec/requesturl.h"
#include "policy/exec/simulationreport.h"

#include <QDir>
#include <QFile>
#include <QTest>

#include <yaml-cpp/yaml.h>

using namespace switchyard;

class TestPolicySimulator : public QObject
{
    Q_OBJECT

private slots:
    void scenarios_data();
    void scenarios();
    void enoughScenarios();
};

namespace {

QString scenarioDir()
{
    return QStringLiteral(SWITCHYARD_TEST_DATA_DIR) + "/simulate";
}

std::chrono::system_clock::time_point fixedNow()
{
    return std::chrono::system_clock::time_point(std::chrono::seconds(1767225600)); // 2026-01-01T00:00:00Z
}

struct Scenario
{
    std::vector<SimulatedEndpoint> endpoints;
    PolicyExchange exchange;
    int hopLimit = PolicySimulator::DefaultHopLimit;
    std::string expected;
    QString error;
};

Scenario readScenario(const QString &path)
{
    Scenario s;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        s.error = "cannot open " + path;
        return s;
    }
    const std::string text = f.readAll().toStdString();
    const std::size_t sep = text.find("\n----\n");
    if (sep == std::string::npos) {
        s.error = "no '----' line";
        return s;
    }
    s.expected = text.substr(sep + 6);
    while (!s.expected.empty() && s.expected.back() == '\n')
        s.expected.pop_back();
    try {
        const YAML::Node root = YAML::Load(text.substr(0, sep + 1));
        for (const YAML::Node &e : root["endpoints"]) {
            SimulatedEndpoint ep;
            ep.url = e["url"].as<std::string>();
            ep.type = e["type"] && e["type"].as<std::string>() == "cloud" ? EndpointType::Cloud : EndpointType::Agent;
            if (e["policy"]) {
                auto url = EndpointUrl::parse(ep.url);
                if (!url) {
                    s.error = QString::fromStdString("bad url " + ep.url);
                    return s;
                }
                const PolicyCompileResult compiled =
                    PolicyCompiler({PolicyEndpointContext::forUrl(*url, ep.type), nullptr})
                        .compile(e["policy"].as<std::string>());
                if (!compiled.ok()) {
                    s.error = QString::fromStdString("policy of " + ep.url + " does not compile:\n"
                                                     + compiled.diagnostics.format("policy"));
                    return s;
                }
                ep.policy = compiled.policy;
            }
            s.endpoints.push_back(std::move(ep));
        }
        const YAML::Node req = root["request"];
        PolicyExchange &x = s.exchange;
        x.now = fixedNow();
        x.connection.start = fixedNow();
        x.request.method = req["method"] ? req["method"].as<std::string>() : "GET";
        x.request.url = req["url"].as<std::string>();
        for (const YAML::Node &h : req["headers"]) {
            const std::string line = h.as<std::string>();
            const std::size_t colon = line.find(':');
            x.request.headers.append(line.substr(0, colon), line.substr(line.find_first_not_of(' ', colon + 1)));
        }
        // As `policy simulate` does: Host from the URL unless given.
        if (!x.request.headers.contains("host"))
            x.request.headers.append("host", RequestUrl::parse(x.request.url)->authority());
        if (req["body"])
            x.request.body = req["body"].as<std::string>();
        if (req["client_ip"])
            x.connection.clientIp = req["client_ip"].as<std::string>();
        if (root["hop_limit"])
            s.hopLimit = root["hop_limit"].as<int>();
    } catch (const YAML::Exception &e) {
        s.error = QString::fromStdString(std::string("YAML: ") + e.what());
    }
    return s;
}

} // namespace

void TestPolicySimulator::scenarios_data()
{
    QTest::addColumn<QString>("file");
    const QDir dir(scenarioDir());
    for (const QString &name : dir.entryList({"*.test"}, QDir::Files, QDir::Name))
        QTest::newRow(qPrintable(name)) << dir.filePath(name);
}

void TestPolicySimulator::scenarios()
{
    QFETCH(QString, file);
    const Scenario s = readScenario(file);
    QVERIFY2(s.error.isEmpty(), qPrintable(s.error));
    QVERIFY(!s.endpoints.empty());
    const std::vector<SimulatedEndpoint> &all = s.endpoints;
    // As `policy simulate`: the body actions run over the described body.
    ActionRunnerRegistry runners;
    registerBodyActions(runners);
    const PolicySimulator simulator(
        [&all](const std::string &url) -> std::optional<SimulatedEndpoint> {
            for (const SimulatedEndpoint &ep : all) {
                if (ep.url == url)
                    return ep;
            }
            return std::nullopt;
        },
        &runners, s.hopLimit);
    const std::string actual = SimulationReport::text(simulator.simulate(s.endpoints.front(), s.exchange));
    if (qEnvironmentVariableIsSet("SWITCHYARD_UPDATE_GOLDEN") && actual != s.expected) {
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray text = f.readAll();
        f.close();
        text = text.left(text.indexOf("\n----\n") + 6) + QByteArray::fromStdString(actual) + "\n";
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(text);
        return;
    }
    QCOMPARE(QString::fromStdString(actual), QString::fromStdString(s.expected));
}

void TestPolicySimulator::enoughScenarios()
{
    QVERIFY(QDir(scenarioDir()).entryList({"*.test"}, QDir::Files).size() >= 30);
}

QTEST_GUILESS_MAIN(TestPolicySimulator)
#include "tst_policysimulator.moc"
