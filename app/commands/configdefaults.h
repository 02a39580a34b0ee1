// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cli/globaloptions.h"
#include "data/engine/enginelimits.h"

namespace switchyard::cli {

// Fills the options the command line left empty from the config file's
// `agent:` section (--config, or the default file when it exists), then the
// documented defaults. On a config file that does not load, prints its
// diagnostics and returns false. `limits`, when given, receives the file's
// `agent.limits` (left alone without a file).
bool applyConfigFileDefaults(GlobalOptions &options, EngineLimits *limits = nullptr);

} // namespace switchyard::cli
