// SPDX-License-Identifier: Apache-2.0
#include "cli/exitcode.h"
#include "cli/globaloptions.h"
#include "commands/commands.h"

namespace switchyard::cli {

int runVersionCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription("Print the version.");
    bool help = false;
    if (!parseCommandLine(parser, "version", args, help))
        return ExitUsage;
    if (help)
        return ExitOk;
    if (!parser.positionalArguments().isEmpty()) {
        printError("switchyard version: unexpected argument '" + parser.positionalArguments().first().toStdString()
                   + "'");
        return ExitUsage;
    }
    printOut(std::string("switchyard ") + SWITCHYARD_VERSION);
    return ExitOk;
}

} // namespace switchyard::cli
