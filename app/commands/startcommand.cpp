// SPDX-License-Identifier: Apache-2.0
// `switchyard start [--all | NAME...]`: the headless core with the config
// file's endpoints.
#include "cli/exitcode.h"
#include "cli/globaloptions.h"
#include "commands/commands.h"
#include "commands/configreloader.h"
#include "commands/headlessrunner.h"
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
    // Flags are checked before the file is read (a usage error wins), and
    // applied after its `agent.limits`.
    EngineLimits flagLimits;
    if (!readLimits(parser, "start", flagLimits))
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
    EngineLimits limits = limitsFromConfig(config->agent);
    readLimits(parser, "start", limits);

    std::vector<std::string> wanted;
    for (const QString &name : names)
        wanted.push_back(name.toStdString());
    const auto endpoints = ConfigReloader::select(*config, wanted, file);
    if (!endpoints) {
        printError("switchyard start: " + endpoints.message());
        return ExitInvalidInput;
    }
    ConfigReloader reloader(file, std::move(wanted), *config);
    std::vector<std::pair<std::string, std::string>> limitFlags;
    for (const QString &item : parser.values("limit")) {
        const qsizetype eq = item.indexOf('=');
        limitFlags.emplace_back(item.left(eq).toStdString(), item.mid(eq + 1).toStdString());
    }
    reloader.setLimitFlags(std::move(limitFlags));
    return runHeadless("start", globals, *endpoints, limits, &reloader);
}

} // namespace switchyard::cli
