// SPDX-License-Identifier: Apache-2.0
// `switchyard policy validate FILE [--url URL] [--type agent|cloud] [--json]`.
// `policy simulate` is in policysimulatecommand.cpp.
#include "cli/exitcode.h"
#include "cli/globaloptions.h"
#include "commands/commands.h"
#include "commands/policysimulate.h"
#include "common/diagnostic.h"
#include "model/endpointurl.h"
#include "policy/compile/policycompiler.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <fstream>
#include <sstream>

namespace switchyard::cli {

namespace {

int usageError(const std::string &message)
{
    printError("switchyard policy: " + message + "\nRun 'switchyard policy --help' for usage.");
    return ExitUsage;
}

int validate(const QCommandLineParser &parser, const QStringList &positional)
{
    if (positional.size() != 2)
        return usageError("validate expects exactly one FILE argument, got " + std::to_string(positional.size() - 1));
    const std::string file = positional.at(1).toStdString();

    PolicyEndpointContext endpoint;
    if (parser.isSet("type")) {
        const auto type = endpointTypeFromString(parser.value("type").toStdString());
        if (!type)
            return usageError("--type must be agent or cloud, not '" + parser.value("type").toStdString() + "'");
        endpoint.type = *type;
    }
    if (parser.isSet("url")) {
        auto url = EndpointUrl::parse(parser.value("url").toStdString());
        if (!url) {
            printError("switchyard policy validate: invalid --url: " + url.message());
            return ExitInvalidInput;
        }
        endpoint = PolicyEndpointContext::forUrl(*url, endpoint.type);
    }

    std::ifstream in(file, std::ios::binary);
    if (!in) {
        printError("switchyard policy validate: cannot open '" + file + "'");
        return ExitInvalidInput;
    }
    std::ostringstream text;
    text << in.rdbuf();

    // The same call as config check, simulate, the API and the engine.
    const DiagnosticList diagnostics =
        PolicyCompiler(PolicyCompiler::Options{endpoint, nullptr}).compile(PolicySource{text.str(), 1, 1, {}}).diagnostics;
    const bool valid = !diagnostics.hasErrors();

    if (parser.isSet("json")) {
        printOut(policyDiagnosticsJson(valid, diagnostics));
    } else if (!diagnostics.empty()) {
        std::string report = diagnostics.format(file);
        report.pop_back(); // printError adds the final newline
        printError(report);
    }
    return valid ? ExitOk : ExitInvalidInput;
}

} // namespace

std::string policyDiagnosticsJson(bool valid, const DiagnosticList &diagnostics)
{
    QJsonArray list;
    for (const Diagnostic &d : diagnostics) {
        list.append(QJsonObject{{"line", d.position.line},
                                {"column", d.position.column},
                                {"severity", severityName(d.severity)},
                                {"message", QString::fromStdString(d.message)},
                                {"path", QString::fromStdString(d.path)}});
    }
    const QJsonObject out{{"valid", valid}, {"diagnostics", list}};
    return QJsonDocument(out).toJson(QJsonDocument::Indented).toStdString();
}

int runPolicyCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Validate or simulate a traffic policy.\n\n"
        "  validate FILE   check a policy (YAML or JSON); prints FILE:LINE:COLUMN: error: MESSAGE\n"
        "                  for every problem and exits 1 when there are errors\n"
        "  simulate FILE --url URL --request \"METHOD URL\" [-H \"Name: value\"]... [--body TEXT]\n"
        "                  [--client-ip IP] [--json]\n"
        "                  run a request through the policy without any network and print the\n"
        "                  outcome (response, upstream or close) and a per-rule trace;\n"
        "                  forward-internal targets are resolved from the endpoints of --config\n"
        "  simulate --endpoint NAME --request ...   simulate a config endpoint\n\n"
        "Without --url the policy is checked for an agent endpoint on a public https URL.");
    parser.addPositionalArgument("SUBCOMMAND", "validate or simulate");
    parser.addPositionalArgument("FILE", "Policy file (YAML or JSON).");
    parser.addOptions({
        {"url", "URL of the endpoint the policy belongs to, e.g. https://example.internal.", "ENDPOINT_URL"},
        {"type", "Endpoint type: agent (default) or cloud.", "TYPE"},
        {"json", "Print {\"valid\", \"diagnostics\"} as JSON on stdout."},
        {"request", "simulate: the request, as \"METHOD URL\".", "REQUEST"},
        {"H", "simulate: a request header \"Name: value\" (repeatable).", "HEADER"},
        {"body", "simulate: the request body.", "TEXT"},
        {"client-ip", "simulate: the client's IP address.", "IP"},
        {"endpoint", "simulate: a config endpoint's name instead of FILE and --url.", "NAME"},
    });
    GlobalOptions::addTo(parser);
    bool help = false;
    if (!parseCommandLine(parser, "policy", args, help))
        return ExitUsage;
    if (help)
        return ExitOk;
    GlobalOptions globals;
    if (auto bad = GlobalOptions::read(parser, globals))
        return usageError(*bad);

    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty())
        return usageError("expected a subcommand: validate or simulate");
    const QString &sub = positional.first();
    if (sub == "validate")
        return validate(parser, positional);
    if (sub == "simulate")
        return runPolicySimulate(parser, positional);
    return usageError("unknown subcommand '" + sub.toStdString() + "'; expected validate or simulate");
}

} // namespace switchyard::cli
