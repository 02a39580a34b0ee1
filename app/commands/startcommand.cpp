// SPDX-License-Identifier: Apache-2.0
// `switchyard start [--all | NAME...]`: the headless core with the config
// file's endpoints.
#include "cli/exitcode.h"
#include "cli/globaloptions.h"
#include "commands/commands.h"
#include "commands/headlessrunner.h"
#include "common/textdistance.h"
#include "control/configfile.h"

namespace switchyard::cli {

int runStartCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription("Run the headless core with the config file's endpoints (all of them, or the "
                                     "ones named), until SIGINT/SIGTERM.");
    parser.addPositionalArgument("NAME", "Endpoints to start (default: all).", "[NAME...]");
    parser.addOption({"all", "Start every endpoint of the config file (the default)."});
    GlobalOptions::addTo(parser);
    addLimitOption(parser);
    bool help = false;
    if (!parseCommandLine(parser, "start", args, help))
        return ExitUsage;
    if (help)
        return ExitOk;
    GlobalOptions globals;
    if (auto bad = GlobalOptions::read(parser, globals)) {
        printError("switchyard start: " + *bad);
        return ExitUsage;
    }
    const QStringList names = parser.positionalArguments();
    if (parser.isSet("all") && !names.isEmpty()) {
        printError("switchyard start: give either --all or endpoint names, not both");
        return ExitUsage;
    }
    EngineLimits limits;
    if (!readLimits(parser, "start", limits))
        return ExitUsage;

    GlobalOptions resolved = globals;
    resolved.resolveDefaults();
    const std::string file = resolved.configFile;
    DiagnosticList diagnostics;
    const auto config = ConfigFile::loadFile(file, diagnostics);
    if (!diagnostics.empty()) {
        std::string text = diagnostics.format(file);
        text.pop_back();
        printError(text);
    }
    if (!config)
        return ExitInvalidInput;
    mergeAgentSettings(globals, config->agent, file);

    std::vector<Endpoint> endpoints;
    if (names.isEmpty()) {
        endpoints = config->modelEndpoints();
    } else {
        std::vector<std::string_view> known;
        for (const EndpointConfig &entry : config->endpoints)
            known.push_back(entry.endpoint.name);
        for (const QString &name : names) {
            const std::string wanted = name.toStdString();
            bool found = false;
            for (const EndpointConfig &entry : config->endpoints)
                if (entry.endpoint.name == wanted) {
                    endpoints.push_back(entry.endpoint);
                    found = true;
                }
            if (!found) {
                std::string message = "switchyard start: " + file + " has no endpoint named '" + wanted + "'";
                if (const std::string guess = closestMatch(wanted, known); !guess.empty())
                    message += "; did you mean '" + guess + "'?";
                printError(message);
                return ExitInvalidInput;
            }
        }
    }
    return runHeadless("start", globals, endpoints, limits);
}

} // namespace switchyard::cli
