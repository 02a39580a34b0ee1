// SPDX-License-Identifier: Apache-2.0
#include "common/xdgpaths.h"

#include <cstdlib>

namespace switchyard {

namespace {

std::string home()
{
    const char *h = std::getenv("HOME");
    return (h && *h) ? std::string(h) : std::string(".");
}

// The XDG spec says a relative value must be ignored, as if unset.
std::string xdgDir(const char *variable, const char *fallbackUnderHome)
{
    const char *v = std::getenv(variable);
    if (v && *v == '/')
        return std::string(v);
    return home() + '/' + fallbackUnderHome;
}

} // namespace

std::string XdgPaths::defaultConfigFile()
{
    return xdgDir("XDG_CONFIG_HOME", ".config") + "/switchyard/switchyard.yml";
}

std::string XdgPaths::defaultDataDir()
{
    return xdgDir("XDG_DATA_HOME", ".local/share") + "/switchyard";
}

} // namespace switchyard
