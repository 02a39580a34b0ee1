// SPDX-License-Identifier: Apache-2.0
// `switchyard policy simulate FILE --url URL --request "METHOD URL" [-H …]
// [--body …] [--client-ip …] [--json]` and `--endpoint NAME` (CONTRACT.md).
#include "commands/policysimulate.h"

#include "cli/exitcode.h"
#include "cli/globaloptions.h"
#include "common/textfile.h"
#include "control/configfile.h"
#include "model/endpointurl.h"
#include "policy/bodyrunners/bodyactionrunners.h"
#include "policy/bodyrunners/httprequestrunner.h"
#include "policy/cel/cidrrange.h"
#include "policy/cel/jsonformat.h"
#include "policy/compile/policycompiler.h"
#include "policy/exec/policysimulator.h"
#include "policy/exec/requesturl.h"
#include "policy/exec/simulationreport.h"
#include "policy/policygraph.h"
#include "policy/policyvalues.h"
#include "policy/runners/runtimeactions.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <filesystem>

namespace switchyard::cli {

namespace {

constexpr const char *Command = "switchyard policy simulate";

int usage(const std::string &message)
{
    printError(std::string(Command) + ": " + message + "\nRun 'switchyard policy --help' for usage.");
    return ExitUsage;
}

int invalid(const std::string &message)
{
    printError(std::string(Command) + ": " + message);
    return ExitInvalidInput;
}

// Prints diagnostics as `policy validate` does; true when there are errors.
bool report(const DiagnosticList &diagnostics, const std::string &file, bool json)
{
    const bool errors = diagnostics.hasErrors();
    if (json && errors) {
        printOut(policyDiagnosticsJson(false, diagnostics));
    } else if (!diagnostics.empty()) {
        std::string text = diagnostics.format(file);
        text.pop_back();
        printError(text);
    }
    return errors;
}

QJsonValue celJson(const cel::Value &v)
{
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString("[" + cel::toJson(v) + "]"));
    return doc.array().isEmpty() ? QJsonValue(QString::fromStdString(v.debugString())) : doc.array().first();
}

QJsonObject headersJson(const HttpHeaders &headers)
{
    QJsonObject out;
    for (const HttpHeaderField &f : headers.fields()) {
        const QString name = QString::fromStdString(f.lowerName);
        QJsonArray values = out.value(name).toArray();
        values.append(QString::fromStdString(f.value));
        out.insert(name, values);
    }
    return out;
}

std::string_view kindName(SimulationOutcome::Kind kind)
{
    switch (kind) {
    case SimulationOutcome::Kind::Response: return "response";
    case SimulationOutcome::Kind::Upstream: return "upstream";
    case SimulationOutcome::Kind::Close: return "close";
    }
    return "close";
}

QJsonObject resultJson(const SimulationResult &r)
{
    const SimulationOutcome &o = r.outcome;
    QJsonObject outcome{{"kind", QString::fromStdString(std::string(kindName(o.kind)))},
                        {"endpoint", QString::fromStdString(o.endpoint)}};
    if (o.kind == SimulationOutcome::Kind::Response) {
        outcome.insert("status_code", o.response.statusCode);
        outcome.insert("headers", headersJson(o.response.headers));
        outcome.insert("body", QString::fromStdString(o.response.body));
        if (!o.responseCoding.empty())
            outcome.insert("content_coding", QString::fromStdString(o.responseCoding));
    } else if (o.kind == SimulationOutcome::Kind::Upstream) {
        outcome.insert("request", QJsonObject{{"method", QString::fromStdString(o.request.method)},
                                              {"url", QString::fromStdString(o.request.url)},
                                              {"headers", headersJson(o.request.headers)},
                                              {"body", QString::fromStdString(o.request.body)}});
    }
    QJsonArray trace;
    for (const RuleTrace &rule : r.trace.rules) {
        QJsonArray expressions;
        for (const ExpressionTrace &e : rule.expressions) {
            QJsonObject item{{"source", QString::fromStdString(e.source)}};
            if (e.value.isError())
                item.insert("error", QString::fromStdString(std::string(e.value.errorMessage())));
            else
                item.insert("value", celJson(e.value));
            expressions.append(item);
        }
        QJsonArray actions;
        for (const ActionTrace &a : rule.actions) {
            QJsonObject item{{"type", QString::fromStdString(a.type)}, {"result", QString::fromStdString(a.result)}};
            if (a.error)
                item.insert("error", true);
            actions.append(item);
        }
        QJsonObject item{{"endpoint", QString::fromStdString(rule.endpoint)},
                         {"phase", QString::fromStdString(std::string(toString(rule.phase)))},
                         {"rule", static_cast<int>(rule.index)},
                         {"matched", rule.matched},
                         {"expressions", expressions},
                         {"actions", actions}};
        if (!rule.name.empty())
            item.insert("name", QString::fromStdString(rule.name));
        if (rule.resumed)
            item.insert("resumed", true);
        trace.append(item);
    }
    QJsonArray logs;
    for (const PolicyLogEntry &l : r.logs) {
        QJsonObject metadata;
        for (const auto &[k, v] : l.metadata)
            metadata.insert(QString::fromStdString(k), QString::fromStdString(v));
        logs.append(QJsonObject{{"path", QString::fromStdString(l.path)}, {"metadata", metadata}});
    }
    QJsonArray vars;
    for (const SimulationResult::VarsSet &set : r.vars) {
        QJsonObject values;
        for (const auto &[k, v] : set.vars)
            values.insert(QString::fromStdString(k), celJson(v));
        vars.append(QJsonObject{{"endpoint", QString::fromStdString(set.endpoint)},
                                {"phase", QString::fromStdString(std::string(toString(set.phase)))},
                                {"vars", values}});
    }
    return QJsonObject{{"outcome", outcome}, {"trace", trace}, {"logs", logs}, {"vars", vars}};
}

struct ConfigEndpoints
{
    std::vector<SimulatedEndpoint> endpoints;
    std::vector<std::string> names;
    std::vector<EndpointUrl> urls;
};

// Compiles every config endpoint's policy (each with the whole graph, as
// `config check` does). False when the config does not load.
bool loadConfigEndpoints(const std::string &file, ConfigEndpoints &out)
{
    DiagnosticList diagnostics;
    const auto config = ConfigFile::loadFile(file, diagnostics);
    if (!config) {
        report(diagnostics, file, false);
        return false;
    }
    PolicyGraph graph;
    for (const EndpointConfig &cfg : config->endpoints) {
        DiagnosticList ignored;
        const auto doc = cfg.trafficPolicySource.empty() ? std::nullopt : PolicyParser::parse(cfg.trafficPolicySource, ignored);
        if (doc)
            graph.addEndpoint(cfg.endpoint.url, *doc);
        else
            graph.addEndpoint(cfg.endpoint.url);
    }
    for (const EndpointConfig &cfg : config->endpoints) {
        SimulatedEndpoint ep{cfg.endpoint.url.toString(), cfg.endpoint.type, nullptr};
        if (!cfg.trafficPolicySource.empty()) {
            const PolicyCompiler compiler({PolicyEndpointContext::forEndpoint(cfg.endpoint), &graph});
            ep.policy = compiler.compile(cfg.trafficPolicySource).policy;
        }
        out.endpoints.push_back(std::move(ep));
        out.names.push_back(cfg.endpoint.name);
        out.urls.push_back(cfg.endpoint.url);
    }
    return true;
}

} // namespace

int runPolicySimulate(const QCommandLineParser &parser, const QStringList &positional)
{
    const bool json = parser.isSet("json");
    const bool byName = parser.isSet("endpoint");
    if (byName && positional.size() != 1)
        return usage("--endpoint replaces FILE; give one or the other");
    if (!byName && positional.size() != 2)
        return usage("simulate expects exactly one FILE argument (or --endpoint NAME), got "
                     + std::to_string(positional.size() - 1));
    if (!byName && !parser.isSet("url"))
        return usage("--url is required with FILE (the URL of the endpoint the policy belongs to)");
    if (byName && parser.isSet("url"))
        return usage("--url cannot be combined with --endpoint; the endpoint has its own URL");
    if (!parser.isSet("request"))
        return usage("--request \"METHOD URL\" is required");

    const std::string requestText = parser.value("request").toStdString();
    const std::size_t space = requestText.find(' ');
    if (space == std::string::npos || space == 0 || requestText.find_first_not_of(' ', space) == std::string::npos)
        return usage("--request must be \"METHOD URL\", e.g. \"GET https://app.example.com/\", not '" + requestText + "'");
    PolicyExchange exchange;
    exchange.request.method = requestText.substr(0, space);
    std::string target = requestText.substr(requestText.find_first_not_of(' ', space));
    for (const QString &h : parser.values("H")) {
        const std::string header = h.toStdString();
        const std::size_t colon = header.find(':');
        if (colon == std::string::npos || colon == 0 || !PolicyValues::isHeaderName(header.substr(0, colon)))
            return usage("-H must be \"Name: value\", not '" + header + "'");
        const std::size_t value = header.find_first_not_of(" \t", colon + 1);
        exchange.request.headers.append(header.substr(0, colon), value == std::string::npos ? "" : header.substr(value));
    }
    exchange.request.body = parser.value("body").toStdString();
    if (parser.isSet("client-ip")) {
        exchange.connection.clientIp = parser.value("client-ip").toStdString();
        if (!cel::IpAddress::parse(exchange.connection.clientIp))
            return usage("--client-ip must be an IPv4 or IPv6 address, not '" + exchange.connection.clientIp + "'");
    }
    EndpointType type = EndpointType::Agent;
    if (parser.isSet("type")) {
        const auto t = endpointTypeFromString(parser.value("type").toStdString());
        if (!t)
            return usage("--type must be agent or cloud, not '" + parser.value("type").toStdString() + "'");
        type = *t;
    }

    GlobalOptions globals;
    if (auto bad = GlobalOptions::read(parser, globals))
        return usage(*bad);
    globals.resolveDefaults();
    ConfigEndpoints config;
    const bool haveConfig = globals.configFileGiven || std::filesystem::exists(globals.configFile);
    if ((byName || haveConfig) && !loadConfigEndpoints(globals.configFile, config))
        return ExitInvalidInput;

    SimulatedEndpoint entry;
    if (byName) {
        const std::string name = parser.value("endpoint").toStdString();
        std::size_t i = 0;
        while (i < config.names.size() && config.names[i] != name)
            ++i;
        if (i == config.names.size())
            return invalid("no endpoint named '" + name + "' in " + globals.configFile);
        entry = config.endpoints[i];
    } else {
        auto url = EndpointUrl::parse(parser.value("url").toStdString());
        if (!url)
            return invalid("invalid --url: " + url.message());
        const std::string file = positional.at(1).toStdString();
        auto text = TextFile::read(file);
        if (!text)
            return invalid("cannot open '" + file + "': " + text.message());
        const PolicyCompiler compiler({PolicyEndpointContext::forUrl(*url, type), nullptr});
        PolicyCompileResult compiled = compiler.compile(*text);
        if (report(compiled.diagnostics, file, json))
            return ExitInvalidInput;
        entry = SimulatedEndpoint{url->toString(), type, compiled.policy};
    }

    // A bare path is relative to the endpoint's URL.
    if (target.starts_with('/'))
        target = entry.url + target;
    const auto requestUrl = RequestUrl::parse(target);
    if (!requestUrl)
        return usage("the URL in --request must be absolute (scheme://host/path) or a path, not '" + target + "'");
    exchange.request.url = target;
    if (!exchange.request.headers.contains("host"))
        exchange.request.headers.append("host", requestUrl->authority());
    exchange.connection.serverPort = requestUrl->port;
    if (requestUrl->scheme == "https") {
        exchange.connection.tlsVersion = "TLSv1.3";
        exchange.connection.sni = requestUrl->host;
    }

    // The engine's runners, fresh per simulation: one request never fills a
    // rate-limit bucket or trips a breaker, but jwt-validation really checks.
    ActionRunnerRegistry runners;
    registerRuntimeActions(runners);
    // The described request (and a policy's own response) has a whole
    // body, so the body actions run as in the engine.
    registerBodyActions(runners);
    runners.add("http-request", std::make_shared<HttpRequestRunner>());
    const PolicySimulator simulator([&config](const std::string &url) -> std::optional<SimulatedEndpoint> {
        auto parsed = EndpointUrl::parse(url);
        if (!parsed)
            return std::nullopt;
        for (std::size_t i = 0; i < config.urls.size(); ++i) {
            if (config.urls[i] == *parsed)
                return config.endpoints[i];
        }
        return std::nullopt;
    }, &runners);
    const SimulationResult result = simulator.simulate(entry, std::move(exchange));
    if (json)
        printOut(QJsonDocument(resultJson(result)).toJson(QJsonDocument::Indented).toStdString());
    else
        printOut(SimulationReport::text(result));
    return ExitOk;
}

} // namespace switchyard::cli
