// SPDX-License-Identifier: Apache-2.0
#include "commands/configdefaults.h"

#include "commands/headlessrunner.h"
#include "common/xdgpaths.h"
#include "control/configfile.h"

#include <filesystem>

namespace switchyard::cli {

bool applyConfigFileDefaults(GlobalOptions &options, EngineLimits *limits)
{
    if (!options.configFileGiven && !std::filesystem::exists(XdgPaths::defaultConfigFile())) {
        options.resolveDefaults();
        return true;
    }
    const std::string file = options.configFileGiven ? options.configFile : XdgPaths::defaultConfigFile();
    DiagnosticList diagnostics;
    const auto config = ConfigFile::loadFile(file, diagnostics);
    if (!config) {
        std::string text = diagnostics.format(file);
        if (!text.empty() && text.back() == '\n')
            text.pop_back();
        printError(text);
        return false;
    }
    mergeAgentSettings(options, config->agent, file);
    if (limits)
        *limits = limitsFromConfig(config->agent);
    return true;
}

} // namespace switchyard::cli
