// SPDX-License-Identifier: Apache-2.0
#include "common/textfile.h"
#include "control/configfile.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace switchyard;

namespace {

const QString ConfigDataDir = QStringLiteral(SWITCHYARD_TEST_DATA_DIR "/config");

std::string readAll(const QString &path)
{
    auto text = TextFile::read(path.toStdString());
    return text ? *text : std::string();
}

// Golden file: the input, a line "----", then the expected diagnostics
// (formatted for "input.yml") or "OK".
bool splitGolden(const std::string &all, std::string &input, std::string &expected)
{
    const std::string separator = "\n----\n";
    const std::size_t at = all.find(separator);
    if (at == std::string::npos)
        return false;
    input = all.substr(0, at + 1);
    expected = all.substr(at + separator.size());
    return true;
}

std::string trimmedEnd(std::string s)
{
    while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
        s.pop_back();
    return s;
}

// Everything a round trip must keep, beyond the model endpoints.
void compareConfigs(const ConfigFile &a, const ConfigFile &b)
{
    QVERIFY(a.agent == b.agent);
    QCOMPARE(a.endpoints.size(), b.endpoints.size());
    QVERIFY(a.modelEndpoints() == b.modelEndpoints());
    for (std::size_t i = 0; i < a.endpoints.size(); ++i) {
        QCOMPARE(a.endpoints[i].upstreamProtocol, b.endpoints[i].upstreamProtocol);
        QCOMPARE(a.endpoints[i].trafficPolicyFile, b.endpoints[i].trafficPolicyFile);
        QCOMPARE(a.endpoints[i].path, b.endpoints[i].path);
    }
}

} // namespace

class TestConfigFile : public QObject
{
    Q_OBJECT

private slots:
    void goldenFilesPresent();
    void golden_data();
    void golden();
    void loadedValues();
    void diagnosticPaths();
    void trafficPolicySourcePositions();
    void flowTrafficPolicyIsReemitted();
    void trafficPolicyFileResolvesAgainstConfigDir();
    void roundTripKeepsMeaning();
    void toYamlQuotesAmbiguousStrings();
    void saveFileWritesLoadableFile();
    void saveFileReplacesExistingFile();
    void saveFileReportsUnwritablePath();
    void loadFileMissing();
    void demoConfigIsValid();
};

void TestConfigFile::goldenFilesPresent()
{
    const QStringList files = QDir(ConfigDataDir).entryList({"*.test"}, QDir::Files);
    QVERIFY2(files.size() >= 25, qPrintable(QString::number(files.size())));
}

void TestConfigFile::golden_data()
{
    QTest::addColumn<QString>("path");
    const QStringList files = QDir(ConfigDataDir).entryList({"*.test"}, QDir::Files, QDir::Name);
    for (const QString &file : files)
        QTest::newRow(qPrintable(file)) << ConfigDataDir + '/' + file;
}

void TestConfigFile::golden()
{
    QFETCH(QString, path);
    std::string input;
    std::string expected;
    QVERIFY2(splitGolden(readAll(path), input, expected), "no '----' separator line");

    DiagnosticList diagnostics;
    const auto config = ConfigFile::loadString(input, diagnostics, ConfigDataDir.toStdString());
    const std::string actual = diagnostics.format("input.yml");

    if (trimmedEnd(expected) == "OK") {
        QVERIFY2(diagnostics.empty(), actual.c_str());
        QVERIFY(config.has_value());
    } else {
        QCOMPARE(QString::fromStdString(trimmedEnd(actual)), QString::fromStdString(trimmedEnd(expected)));
        QCOMPARE(config.has_value(), !diagnostics.hasErrors());
    }

    // Every valid file survives toYaml() unchanged in meaning.
    if (config) {
        const std::string yaml = config->toYaml();
        DiagnosticList again;
        const auto reloaded = ConfigFile::loadString(yaml, again, ConfigDataDir.toStdString());
        QVERIFY2(!again.hasErrors(), (again.format("toYaml") + yaml).c_str());
        QVERIFY(reloaded.has_value());
        compareConfigs(*config, *reloaded);
        QCOMPARE(reloaded->toYaml(), yaml);
    }
}

void TestConfigFile::loadedValues()
{
    const std::string text = "version: 3\n"
                             "agent:\n"
                             "  web_addr: 127.0.0.1:5050\n"
                             "  edge_http: 127.0.0.1:8000\n"
                             "  web_allow_hosts: [localhost, .example.com]\n"
                             "  inspect_db_size: -1\n"
                             "  log_level: warn\n"
                             "  log_format: json\n"
                             "endpoints:\n"
                             "  - name: web\n"
                             "    url: HTTPS://App.Localhost:443\n"
                             "    description: front\n"
                             "    metadata: '{\"a\":1}'\n"
                             "    pooling_enabled: true\n"
                             "    upstream: {url: 443, protocol: http2}\n"
                             "  - name: hello\n"
                             "    type: cloud\n"
                             "    url: https://example.internal\n"
                             "    traffic_policy: {on_http_request: [{actions: [{type: deny}]}]}\n"
                             "  - name: db\n"
                             "    url: tcp://db.internal:5432\n"
                             "    bindings: [internal]\n"
                             "    upstream:\n"
                             "      url: 10.0.0.7:5432\n";
    DiagnosticList diagnostics;
    const auto config = ConfigFile::loadString(text, diagnostics);
    QVERIFY2(config, diagnostics.format("t").c_str());
    QVERIFY(diagnostics.empty());

    QCOMPARE(config->agent.apiAddr, std::string("127.0.0.1:5050"));
    QCOMPARE(config->agent.edgeHttp, std::string("127.0.0.1:8000"));
    QCOMPARE(config->agent.edgeHttps, std::string());
    QCOMPARE(config->agent.apiAllowHosts, (std::vector<std::string>{"localhost", ".example.com"}));
    QCOMPARE(config->agent.inspectDbSize, -1LL);
    QCOMPARE(config->agent.logLevel, std::string("warn"));
    QCOMPARE(config->agent.logFormat, std::string("json"));

    QCOMPARE(config->endpoints.size(), std::size_t(3));
    const EndpointConfig &web = config->endpoints[0];
    QCOMPARE(web.path, std::string("endpoints[0]"));
    QCOMPARE(web.position.line, 10);
    QCOMPARE(web.position.column, 5);
    QCOMPARE(web.urlPosition.line, 11);
    QCOMPARE(web.urlPosition.column, 10);
    QCOMPARE(web.endpoint.name, std::string("web"));
    QCOMPARE(web.endpoint.url.toString(), std::string("https://app.localhost"));
    QVERIFY(web.endpoint.type == EndpointType::Agent);
    QVERIFY(web.endpoint.binding == Binding::Public);
    QVERIFY(web.endpoint.poolingEnabled);
    QCOMPARE(web.endpoint.description, std::string("front"));
    QCOMPARE(web.endpoint.metadata, std::string("{\"a\":1}"));
    QVERIFY(web.endpoint.upstream.has_value());
    QCOMPARE(web.endpoint.upstream->toString(), std::string("https://localhost:443"));
    QCOMPARE(web.upstreamProtocol, std::string("http2"));
    QVERIFY(web.endpoint.trafficPolicy.empty());
    QVERIFY(web.endpoint.id.empty());

    const EndpointConfig &hello = config->endpoints[1];
    QVERIFY(hello.endpoint.type == EndpointType::Cloud);
    QVERIFY(hello.endpoint.binding == Binding::Internal);
    QVERIFY(!hello.endpoint.upstream.has_value());
    QVERIFY(!hello.endpoint.trafficPolicy.empty());

    const EndpointConfig &db = config->endpoints[2];
    QVERIFY(db.endpoint.binding == Binding::Internal);
    QCOMPARE(db.endpoint.url.port(), 5432);
    QCOMPARE(db.endpoint.upstream->toString(), std::string("tcp://10.0.0.7:5432"));

    const std::vector<Endpoint> model = config->modelEndpoints();
    QCOMPARE(model.size(), std::size_t(3));
    QVERIFY(model[1] == hello.endpoint);
}

void TestConfigFile::diagnosticPaths()
{
    const std::string text = "version: 3\n"
                             "agent:\n"
                             "  edge_http: nowhere\n"
                             "endpoints:\n"
                             "  - name: web\n"
                             "    url: https://app.localhost\n"
                             "    upstream: {url: 8080}\n"
                             "  - name: api\n"
                             "    url: https://api.localhost\n"
                             "    bindings: [pubic]\n"
                             "    upstream: {url: \"http://x:0\", color: red}\n";
    DiagnosticList diagnostics;
    QVERIFY(!ConfigFile::loadString(text, diagnostics));
    std::vector<std::string> paths;
    for (const Diagnostic &d : diagnostics)
        paths.push_back(d.path);
    QCOMPARE(paths, (std::vector<std::string>{"agent.edge_http", "endpoints[1].bindings[0]", "endpoints[1].upstream.url",
                                              "endpoints[1].upstream.color"}));
    QCOMPARE(diagnostics.items()[1].message, std::string("unknown binding 'pubic'; did you mean 'public'?"));
    QCOMPARE(diagnostics.items()[1].position.length, 5);
}

void TestConfigFile::trafficPolicySourcePositions()
{
    const std::string text = "version: 3\n"
                             "endpoints:\n"
                             "  - name: web\n"
                             "    url: https://app.localhost\n"
                             "    upstream: {url: 8080}\n"
                             "    traffic_policy:\n"
                             "      # why: keep the header\n"
                             "      on_http_request:\n"
                             "        - actions:\n"
                             "  # a comment further left\n"
                             "            - type: deny\n"
                             "\n"
                             "    description: after the policy\n";
    DiagnosticList diagnostics;
    const auto config = ConfigFile::loadString(text, diagnostics);
    QVERIFY2(config, diagnostics.format("t").c_str());
    const EndpointConfig &web = config->endpoints.front();
    QVERIFY(web.trafficPolicyVerbatim);
    QCOMPARE(web.trafficPolicyPosition.line, 8);
    QCOMPARE(web.trafficPolicyPosition.column, 7);
    QCOMPARE(web.trafficPolicySource, std::string("on_http_request:\n"
                                                  "  - actions:\n"
                                                  "\n"
                                                  "      - type: deny\n"));
    QCOMPARE(web.endpoint.trafficPolicy, web.trafficPolicySource);
    QCOMPARE(web.endpoint.description, std::string("after the policy"));

    // Line 4, column 15 of the source ("deny") maps to line 11, column 21 of the file.
    auto lineOf = [](const std::string &s, int n) {
        std::size_t start = 0;
        for (int i = 1; i < n; ++i)
            start = s.find('\n', start) + 1;
        return s.substr(start, s.find('\n', start) - start);
    };
    QCOMPARE(lineOf(web.trafficPolicySource, 4).substr(14, 4), std::string("deny"));
    const int line = web.trafficPolicyPosition.line + 4 - 1;
    const int column = 15 + web.trafficPolicyPosition.column - 1;
    QCOMPARE(line, 11);
    QCOMPARE(column, 21);
    QCOMPARE(lineOf(text, line).substr(static_cast<std::size_t>(column - 1), 4), std::string("deny"));
}

void TestConfigFile::flowTrafficPolicyIsReemitted()
{
    const std::string text = "version: 3\n"
                             "endpoints:\n"
                             "  - name: hello\n"
                             "    type: cloud\n"
                             "    url: https://hello.internal\n"
                             "    traffic_policy: {on_http_request: [{actions: [{type: deny}]}]}\n";
    DiagnosticList diagnostics;
    const auto config = ConfigFile::loadString(text, diagnostics);
    QVERIFY2(config, diagnostics.format("t").c_str());
    const EndpointConfig &hello = config->endpoints.front();
    QVERIFY(!hello.trafficPolicyVerbatim);
    QCOMPARE(hello.trafficPolicyPosition.line, 6);
    QCOMPARE(hello.trafficPolicyPosition.column, 21);
    QCOMPARE(hello.trafficPolicySource, std::string("{on_http_request: [{actions: [{type: deny}]}]}\n"));
}

void TestConfigFile::trafficPolicyFileResolvesAgainstConfigDir()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(QDir(dir.path()).mkpath("conf/policies"));
    const std::string policy = "on_http_request:\n  - actions:\n      - type: deny\n";
    QVERIFY(TextFile::writeAtomically((dir.path() + "/conf/policies/p.yml").toStdString(), policy).ok());
    const std::string configPath = (dir.path() + "/conf/switchyard.yml").toStdString();
    QVERIFY(TextFile::writeAtomically(configPath, "version: 3\n"
                                                  "endpoints:\n"
                                                  "  - name: web\n"
                                                  "    url: https://app.localhost\n"
                                                  "    upstream: {url: 8080}\n"
                                                  "    traffic_policy_file: policies/p.yml\n")
                .ok());

    DiagnosticList diagnostics;
    const auto config = ConfigFile::loadFile(configPath, diagnostics);
    QVERIFY2(config, diagnostics.format(configPath).c_str());
    const EndpointConfig &web = config->endpoints.front();
    QCOMPARE(web.trafficPolicyFile, std::string("policies/p.yml"));
    QCOMPARE(web.trafficPolicyFilePath, (dir.path() + "/conf/policies/p.yml").toStdString());
    QCOMPARE(web.trafficPolicySource, policy);
    QCOMPARE(web.endpoint.trafficPolicy, policy);
    QCOMPARE(web.trafficPolicyPosition.line, 1);
    QCOMPARE(web.trafficPolicyPosition.column, 1);

    // The same text from another working directory still finds the file
    // through loadFile's base directory, and fails without it.
    DiagnosticList noBase;
    QVERIFY(!ConfigFile::loadString(readAll(QString::fromStdString(configPath)), noBase, "/nonexistent-dir"));
    QCOMPARE(noBase.format("f"), std::string("f:6:26: error: cannot read traffic policy file 'policies/p.yml': No "
                                             "such file or directory\n"));
}

void TestConfigFile::roundTripKeepsMeaning()
{
    ConfigFile config;
    config.agent.apiAddr = "127.0.0.1:4545";
    config.agent.apiAllowHosts = {"localhost", "true", "10.0.0.0/8"};
    config.agent.inspectDbSize = 1024;

    EndpointConfig web;
    web.endpoint.name = "web";
    web.endpoint.url = *EndpointUrl::parse("https://*.apps.localhost:8443");
    web.endpoint.upstream = *Upstream::parse("https://backend.local:9443", Scheme::Https);
    web.endpoint.description = "line one\nline two";
    web.endpoint.metadata = "{\"team\": \"x\"}";
    web.endpoint.poolingEnabled = true;
    web.endpoint.trafficPolicy = "{\"on_http_request\":[{\"actions\":[{\"type\":\"deny\"}]}]}";
    config.endpoints.push_back(web);

    EndpointConfig hello;
    hello.endpoint.name = "hello";
    hello.endpoint.type = EndpointType::Cloud;
    hello.endpoint.url = *EndpointUrl::parse("https://hello.internal");
    hello.endpoint.binding = Binding::Internal;
    hello.endpoint.trafficPolicy = "# answers itself\non_http_request:\n  - actions:\n      - type: custom-response\n"
                                   "        config: {status_code: 200, content: \"Hello: world\"}\n";
    config.endpoints.push_back(hello);

    const std::string yaml = config.toYaml();
    DiagnosticList diagnostics;
    auto loaded = ConfigFile::loadString(yaml, diagnostics);
    QVERIFY2(loaded, (diagnostics.format("toYaml") + yaml).c_str());
    QVERIFY(loaded->agent == config.agent);
    QCOMPARE(loaded->endpoints.size(), std::size_t(2));
    const Endpoint &w = loaded->endpoints[0].endpoint;
    QVERIFY(w.url == web.endpoint.url);
    QVERIFY(w.upstream == web.endpoint.upstream);
    QCOMPARE(w.description, web.endpoint.description);
    QCOMPARE(w.metadata, web.endpoint.metadata);
    QVERIFY(w.poolingEnabled);
    // JSON is a YAML flow mapping: it loads back re-emitted, same content.
    QCOMPARE(w.trafficPolicy, std::string("{on_http_request: [{actions: [{type: deny}]}]}\n"));
    const Endpoint &h = loaded->endpoints[1].endpoint;
    QVERIFY(h.type == EndpointType::Cloud);
    QVERIFY(h.binding == Binding::Internal);
    // Policy text written as it was given keeps its comments.
    QCOMPARE(h.trafficPolicy, hello.endpoint.trafficPolicy.substr(hello.endpoint.trafficPolicy.find('\n') + 1));
    QVERIFY(yaml.find("# answers itself") != std::string::npos);

    // A second round is a fixed point.
    DiagnosticList again;
    const auto second = ConfigFile::loadString(loaded->toYaml(), again);
    QVERIFY(second);
    compareConfigs(*loaded, *second);
}

void TestConfigFile::toYamlQuotesAmbiguousStrings()
{
    ConfigFile config;
    EndpointConfig ep;
    ep.endpoint.name = "null";
    ep.endpoint.url = *EndpointUrl::parse("https://app.localhost");
    ep.endpoint.upstream = *Upstream::parse("8080", Scheme::Https);
    ep.endpoint.description = "true";
    ep.endpoint.metadata = "- not: a list";
    config.endpoints.push_back(ep);

    DiagnosticList diagnostics;
    const auto loaded = ConfigFile::loadString(config.toYaml(), diagnostics);
    QVERIFY2(loaded, (diagnostics.format("toYaml") + config.toYaml()).c_str());
    QCOMPARE(loaded->endpoints.front().endpoint.name, std::string("null"));
    QCOMPARE(loaded->endpoints.front().endpoint.description, std::string("true"));
    QCOMPARE(loaded->endpoints.front().endpoint.metadata, std::string("- not: a list"));
}

void TestConfigFile::saveFileWritesLoadableFile()
{
    DiagnosticList diagnostics;
    const auto config = ConfigFile::loadFile(ConfigDataDir.toStdString() + "/../../../resources/demo.yml", diagnostics);
    QVERIFY2(config, diagnostics.format("demo.yml").c_str());

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = (dir.path() + "/new/sub/switchyard.yml").toStdString();
    std::string error;
    QVERIFY2(config->saveFile(path, &error), error.c_str());
    QCOMPARE(QDir(dir.path() + "/new/sub").entryList(QDir::Files | QDir::Hidden), QStringList{"switchyard.yml"});

    DiagnosticList reloadDiagnostics;
    const auto reloaded = ConfigFile::loadFile(path, reloadDiagnostics);
    QVERIFY2(reloaded, reloadDiagnostics.format(path).c_str());
    QVERIFY(reloadDiagnostics.empty());
    compareConfigs(*config, *reloaded);
}

void TestConfigFile::saveFileReplacesExistingFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.path() + "/switchyard.yml";
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("old contents that are much longer than the new file will be ......................\n");
        QVERIFY(f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    }
    ConfigFile config;
    config.agent.edgeHttps = "127.0.0.1:9443";
    QVERIFY(config.saveFile(path.toStdString()));
    QCOMPARE(readAll(path), std::string("version: 3\nagent:\n  edge_https: 127.0.0.1:9443\nendpoints: []\n"));
    QCOMPARE(QFile(path).permissions() & (QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadOther),
             QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{"switchyard.yml"});
}

void TestConfigFile::saveFileReportsUnwritablePath()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString blocker = dir.path() + "/file";
    {
        QFile f(blocker);
        QVERIFY(f.open(QIODevice::WriteOnly));
    }
    ConfigFile config;
    std::string error;
    // A regular file where a directory should be.
    QVERIFY(!config.saveFile((blocker + "/switchyard.yml").toStdString(), &error));
    QVERIFY2(error.starts_with("cannot "), error.c_str());
}

void TestConfigFile::loadFileMissing()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = (dir.path() + "/missing.yml").toStdString();
    DiagnosticList diagnostics;
    QVERIFY(!ConfigFile::loadFile(path, diagnostics));
    QCOMPARE(diagnostics.format(path), path + ": error: cannot read config file: No such file or directory\n");

    DiagnosticList dirDiagnostics;
    QVERIFY(!ConfigFile::loadFile(dir.path().toStdString(), dirDiagnostics));
    QCOMPARE(dirDiagnostics.format("d"), std::string("d: error: cannot read config file: Is a directory\n"));
}

void TestConfigFile::demoConfigIsValid()
{
    DiagnosticList diagnostics;
    const auto config = ConfigFile::loadFile(ConfigDataDir.toStdString() + "/../../../resources/demo.yml", diagnostics);
    QVERIFY2(config, diagnostics.format("demo.yml").c_str());
    QVERIFY(diagnostics.empty());
    QCOMPARE(config->endpoints.size(), std::size_t(2));
    const Endpoint &hello = config->endpoints[0].endpoint;
    QCOMPARE(hello.name, std::string("hello"));
    QVERIFY(hello.type == EndpointType::Cloud);
    QVERIFY(hello.binding == Binding::Internal);
    QCOMPARE(hello.url.toString(), std::string("https://example.internal"));
    QVERIFY(hello.trafficPolicy.find("custom-response") != std::string::npos);
    QVERIFY(hello.trafficPolicy.find("Hello world!") != std::string::npos);
    const Endpoint &web = config->endpoints[1].endpoint;
    QCOMPARE(web.name, std::string("web"));
    QVERIFY(web.type == EndpointType::Agent);
    QVERIFY(web.binding == Binding::Public);
    QCOMPARE(web.url.toString(), std::string("http://127.0.0.1:19090"));
    QCOMPARE(web.upstream->toString(), std::string("http://localhost:8080"));
    QVERIFY(web.trafficPolicy.find("forward-internal") != std::string::npos);
    QVERIFY(web.trafficPolicy.find("https://example.internal") != std::string::npos);
}

QTEST_GUILESS_MAIN(TestConfigFile)
#include "tst_configfile.moc"
