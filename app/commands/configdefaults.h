// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cli/globaloptions.h"

namespace switchyard::cli {

// Fills the options the command line left empty from the config file's
// `agent:` section (--config, or the default file when it exists), then the
// documented defaults. On a config file that does not load, prints its
// diagnostics and returns false.
bool applyConfigFileDefaults(GlobalOptions &options);

} // namespace switchyard::cli
