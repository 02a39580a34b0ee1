// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "control/configfile.h"
#include "control/routingsnapshot.h"

#include <cstddef>
#include <ctime>
#include <string>
#include <vector>

namespace switchyard {
class EndpointRegistry;
}

namespace switchyard::cli {

// The config file behind `switchyard start`, kept in step with a running
// registry. The endpoints the file owns are tracked by id, so endpoints that
// came from elsewhere (cloud endpoints created through the API) are never
// touched by a reload. Main thread only.
class ConfigReloader
{
public:
    // `loaded`: the file as the core was started with it (agent settings
    // changes need a restart). `names`: the endpoints to serve (empty: all).
    ConfigReloader(std::string configFile, std::vector<std::string> names, const ConfigFile &loaded);

    // The endpoints `names` picks from `config` (all when empty), in file
    // order; an error names the missing endpoint (with a "did you mean").
    static Result<std::vector<Endpoint>> select(const ConfigFile &config, const std::vector<std::string> &names,
                                                const std::string &configFile);

    // Records the endpoints the first apply put into the registry.
    void adopt(const std::vector<EndpointPtr> &applied);

    // Polls the config file and the traffic_policy_files it names (stat,
    // then a content hash when the stat moved): true when one differs from
    // what was last loaded and has not moved since the previous poll.
    bool changed();

    // Re-reads and validates the file and applies the difference in one
    // EndpointRegistry::apply(): unchanged endpoints stay as they are,
    // changed ones keep their id, removed ones go. On success returns a
    // one-line summary ("FILE: 2 endpoints (1 added, 1 changed, 0 removed)");
    // otherwise the error (FILE:LINE:COL diagnostics, or the registry's
    // refusal) and the registry is unchanged.
    Result<std::string> reload(EndpointRegistry &registry);

private:
    static constexpr std::size_t MissingHash = 0;
    struct Watched
    {
        std::string path;
        std::timespec mtime{};
        long long size = -1;
        std::size_t hash = MissingHash; // as last polled
        std::size_t loadedHash = MissingHash;
    };
    void watch(const ConfigFile &config);
    // Updates `file` from the disk; true when its text changed.
    static bool poll(Watched &file);

    std::string m_configFile;
    std::vector<std::string> m_names;
    AgentSettings m_agent;
    std::vector<std::string> m_ownedIds;
    std::vector<Watched> m_watched;
};

} // namespace switchyard::cli
