// SPDX-License-Identifier: Apache-2.0
// Commands whose capability has not landed yet. Each parses --help and the
// global flags like the real command will, then says plainly that it is not
// available, with exit code 3 (a runtime failure, not a usage error).
#include "cli/exitcode.h"
#include "cli/globaloptions.h"
#include "commands/commands.h"

namespace switchyard::cli {

namespace {

[[maybe_unused]] int notYetAvailable(const char *command, const char *description, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(description);
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);
    GlobalOptions::addTo(parser);
    bool help = false;
    // Sub-options of these commands are not defined yet, so only --help and
    // the global flags are recognised; anything else is a usage error.
    if (!parseCommandLine(parser, command, args, help))
        return ExitUsage;
    if (help)
        return ExitOk;
    printError(std::string("switchyard ") + command + ": not available in this build yet");
    return ExitRuntime;
}

} // namespace

} // namespace switchyard::cli
