// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cli/globaloptions.h"

namespace switchyard::cli {

// `switchyard` with no command: the desktop app when a display is there
// (and the GUI is built), otherwise the headless core with the config file,
// or the bundled demo config when there is none.
int runAppMode(int argc, char **argv, GlobalOptions globals);

} // namespace switchyard::cli
