// SPDX-License-Identifier: Apache-2.0
// `switchyard ca path`: creates the local CA if needed and prints where its
// certificate is, for adding it to a trust store.
#include "cli/exitcode.h"
#include "cli/globaloptions.h"
#include "commands/commands.h"
#include "common/textdistance.h"
#include "data/tls/localca.h"

#include <string_view>
#include <vector>

namespace switchyard::cli {

int runCaCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription("Local certificate authority.\n\n"
                                     "Subcommands:\n"
                                     "  path    create the CA if needed and print its certificate's path");
    parser.addPositionalArgument("SUBCOMMAND", "path");
    GlobalOptions::addTo(parser);
    bool help = false;
    if (!parseCommandLine(parser, "ca", args, help))
        return ExitUsage;
    if (help)
        return ExitOk;

    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty()) {
        printError("switchyard ca: expected a subcommand: path\nRun 'switchyard ca --help' for usage.");
        return ExitUsage;
    }
    const std::string sub = positional.first().toStdString();
    if (sub != "path") {
        std::string message = "switchyard ca: unknown subcommand '" + sub + "'";
        const std::vector<std::string_view> known{"path"};
        if (const std::string guess = closestMatch(sub, known); !guess.empty())
            message += ". Did you mean '" + guess + "'?";
        printError(message + "\nRun 'switchyard ca --help' for usage.");
        return ExitUsage;
    }
    if (positional.size() > 1) {
        printError("switchyard ca path: unexpected argument '" + positional.at(1).toStdString() + "'");
        return ExitUsage;
    }

    GlobalOptions options;
    if (auto problem = GlobalOptions::read(parser, options)) {
        printError("switchyard ca: " + *problem);
        return ExitUsage;
    }
    options.resolveDefaults();
    auto ca = LocalCa::loadOrCreate(options.dataDir);
    if (!ca) {
        printError("switchyard ca: " + ca.message());
        return ExitRuntime;
    }
    for (const std::string &warning : ca->warnings())
        printError("switchyard ca: warning: " + warning);
    printOut(ca->caCertificatePath());
    return ExitOk;
}

} // namespace switchyard::cli
