// SPDX-License-Identifier: Apache-2.0
#include "cli/exitcode.h"
#include "cli/globaloptions.h"
#include "commands/commands.h"
#include "common/textdistance.h"
#include "control/configfile.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <array>

namespace switchyard::cli {

namespace {

constexpr std::array<std::string_view, 1> Subcommands{"check"};

const char *const ConfigHelp = "Usage: switchyard config SUBCOMMAND [flags]\n\n"
                               "Work with the config file (version 3).\n\n"
                               "Subcommands:\n"
                               "  check   validate the config file; every problem is printed as\n"
                               "          FILE:LINE:COLUMN: error: MESSAGE on stderr\n\n"
                               "Flags:\n"
                               "  --config FILE    config file (default $XDG_CONFIG_HOME/switchyard/switchyard.yml)\n"
                               "  --data-dir DIR   data directory (default $XDG_DATA_HOME/switchyard)\n"
    "  --json           print {\"valid\", \"diagnostics\": [...]} on stdout instead\n\n"
                               "Run 'switchyard config check --help' for every flag.\n";

// CONTRACT.md: {"valid": bool, "diagnostics": [{"line","column","severity","message","path"}]}.
std::string diagnosticsJson(bool valid, const std::string &file, const DiagnosticList &diagnostics)
{
    QJsonArray items;
    for (const Diagnostic &d : diagnostics) {
        items.append(QJsonObject{
            {"file", QString::fromStdString(file)},
            {"line", d.position.line},
            {"column", d.position.column},
            {"severity", severityName(d.severity)},
            {"message", QString::fromStdString(d.message)},
            {"path", QString::fromStdString(d.path)},
        });
    }
    const QJsonObject root{{"valid", valid}, {"diagnostics", items}};
    return QJsonDocument(root).toJson(QJsonDocument::Compact).toStdString();
}

int runCheck(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription("Validate the config file. Every problem is printed on stderr as "
                                     "FILE:LINE:COLUMN: error: MESSAGE; exit code 0 when the file is valid, "
                                     "1 when it is not.");
    GlobalOptions::addTo(parser);
    const QCommandLineOption json("json", "Print the result as one JSON object on stdout.");
    parser.addOption(json);
    bool help = false;
    if (!parseCommandLine(parser, "config check", args, help))
        return ExitUsage;
    if (help)
        return ExitOk;
    if (!parser.positionalArguments().isEmpty()) {
        printError("switchyard config check: unexpected argument '" +
                   parser.positionalArguments().first().toStdString() + "'; name the file with --config FILE");
        return ExitUsage;
    }
    GlobalOptions globals;
    if (auto bad = GlobalOptions::read(parser, globals)) {
        printError("switchyard config check: " + *bad);
        return ExitUsage;
    }
    globals.resolveDefaults();

    DiagnosticList diagnostics;
    const auto config = ConfigFile::loadFile(globals.configFile, diagnostics);
    if (parser.isSet(json)) {
        printOut(diagnosticsJson(config.has_value(), globals.configFile, diagnostics));
        return config ? ExitOk : ExitInvalidInput;
    }
    if (!diagnostics.empty()) {
        std::string text = diagnostics.format(globals.configFile);
        text.pop_back(); // printError adds the final newline
        printError(text);
    }
    if (!config)
        return ExitInvalidInput;
    const std::size_t count = config->endpoints.size();
    printOut(globals.configFile + ": valid (" + std::to_string(count) + (count == 1 ? " endpoint)" : " endpoints)"));
    return ExitOk;
}

} // namespace

int runConfigCommand(const QStringList &args)
{
    if (args.isEmpty()) {
        printError("switchyard config: missing subcommand; use 'switchyard config check'\n"
                   "Run 'switchyard config --help' for usage.");
        return ExitUsage;
    }
    const QString &first = args.first();
    if (first == "--help" || first == "-h" || first == "help") {
        printOut(ConfigHelp);
        return ExitOk;
    }
    if (first == "check")
        return runCheck(args.mid(1));
    if (first.startsWith('-')) {
        printError("switchyard config: put the subcommand first, as in 'switchyard config check --config FILE'\n"
                   "Run 'switchyard config --help' for usage.");
        return ExitUsage;
    }
    std::string message = "switchyard config: unknown subcommand '" + first.toStdString() + "'";
    if (const std::string hint = closestMatch(first.toStdString(), Subcommands); !hint.empty())
        message += "; did you mean '" + hint + "'?";
    else
        message += "; the only subcommand is 'check'";
    printError(message + "\nRun 'switchyard config --help' for usage.");
    return ExitUsage;
}

} // namespace switchyard::cli
