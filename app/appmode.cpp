// SPDX-License-Identifier: Apache-2.0
#include "appmode.h"

#include "cli/exitcode.h"

namespace switchyard::cli {

int runAppMode(int argc, char **argv, GlobalOptions globals)
{
    (void)argc;
    (void)argv;
    globals.resolveDefaults();
    printOut("switchyard: config " + globals.configFile);
    return ExitOk;
}

} // namespace switchyard::cli
