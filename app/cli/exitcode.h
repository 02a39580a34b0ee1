// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace switchyard::cli {

// CONTRACT.md "Exit codes and messages".
enum ExitCode : int {
    ExitOk = 0,
    ExitInvalidInput = 1, // bad URL, invalid policy, conflict…
    ExitUsage = 2,        // unknown command or flag, missing argument
    ExitRuntime = 3,      // port taken, upstream unreachable at start…
};

} // namespace switchyard::cli
