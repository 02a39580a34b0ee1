// SPDX-License-Identifier: Apache-2.0
// Entry point. GUI or headless is decided from argv before any
// QApplication exists, so headless commands never need a display.
#include "appmode.h"
#include "cli/commandtable.h"
#include "cli/exitcode.h"
#include "cli/globaloptions.h"

#include <QStringList>

using namespace switchyard::cli;

int main(int argc, char **argv)
{
    QStringList args;
    for (int i = 1; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);

    if (args.contains("--version") || args.contains("-v")) {
        printOut(std::string("switchyard ") + SWITCHYARD_VERSION);
        return ExitOk;
    }
    if (!args.isEmpty() && (args.first() == "--help" || args.first() == "-h" || args.first() == "help")) {
        if (args.size() > 1 && args.first() == "help") {
            if (const Command *c = findCommand(args.at(1).toStdString()))
                return c->run({"--help"});
        }
        printOut(mainHelpText());
        return ExitOk;
    }

    // The first argument that is not a flag (or a flag's value) names the command.
    if (!args.isEmpty() && !args.first().startsWith('-')) {
        const std::string name = args.first().toStdString();
        if (const Command *command = findCommand(name))
            return command->run(args.mid(1));
        std::string message = "switchyard: unknown command '" + name + "'.";
        if (const std::string hint = suggestCommand(name); !hint.empty())
            message += " Did you mean '" + hint + "'?";
        printError(message + "\nRun 'switchyard --help' for the list of commands.");
        return ExitUsage;
    }

    // Only global flags: the app itself.
    QCommandLineParser parser;
    GlobalOptions::addTo(parser);
    bool help = false;
    if (!parseCommandLine(parser, "", args, help))
        return ExitUsage;
    if (help)
        return ExitOk;
    if (!parser.positionalArguments().isEmpty()) {
        printError("switchyard: put the command first, as in 'switchyard "
                   + parser.positionalArguments().first().toStdString() + " --config FILE'");
        return ExitUsage;
    }
    GlobalOptions globals;
    if (auto bad = GlobalOptions::read(parser, globals)) {
        printError("switchyard: " + *bad);
        return ExitUsage;
    }
    return runAppMode(argc, argv, std::move(globals));
}
