// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace switchyard {

// XDG base-directory defaults (CONTRACT.md "Flags every headless command
// takes"). Read from the environment on each call; any thread.
struct XdgPaths
{
    // $XDG_CONFIG_HOME/switchyard/switchyard.yml (~/.config when unset)
    static std::string defaultConfigFile();
    // $XDG_DATA_HOME/switchyard (~/.local/share when unset)
    static std::string defaultDataDir();
};

} // namespace switchyard
