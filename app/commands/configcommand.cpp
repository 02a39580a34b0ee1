// SPDX-License-Identifier: Apache-2.0
#include "cli/exitcode.h"
#include "cli/globaloptions.h"
#include "commands/commands.h"

namespace switchyard::cli {

int runConfigCommand(const QStringList &args)
{
    (void)args;
    printError("switchyard config: not available in this build yet");
    return ExitRuntime;
}

} // namespace switchyard::cli
