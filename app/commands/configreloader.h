// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "commands/headlessreloader.h"
#include "commands/watchedfile.h"
#include "control/configfile.h"

#include <string>
#include <utility>
#include <vector>

namespace switchyard::cli {

// The config file behind `switchyard start`, kept in step with a running
// registry. The endpoints the file owns are tracked by id, so endpoints that
// came from elsewhere (cloud endpoints created through the API) are never
// touched by a reload. Main thread only.
class ConfigReloader : public HeadlessReloader
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
    void adopt(const std::vector<EndpointPtr> &applied) override;

    // Polls the config file and the traffic_policy_files it names (stat,
    // then a content hash when the stat moved): true when one differs from
    // what was last loaded and has not moved since the previous poll.
    bool changed() override;

    // Re-reads and validates the file and applies the difference in one
    // EndpointRegistry::apply(): unchanged endpoints stay as they are,
    // changed ones keep their id, removed ones go. On success returns a
    // one-line summary ("FILE: 2 endpoints (1 added, 1 changed, 0 removed)");
    // otherwise the error (FILE:LINE:COL diagnostics, or the registry's
    // refusal) and the registry is unchanged.
    Result<std::string> reload(EndpointRegistry &registry) override;
    void setLiveSettings(LiveSettings live) override { m_live = std::move(live); }
    // The --limit KEY=VALUE flags the core was started with: they win over
    // the file's agent.limits on every reload too.
    void setLimitFlags(std::vector<std::pair<std::string, std::string>> flags);

private:
    void watch(const ConfigFile &config);
    // Applies what of `agent` can change while serving; the summary lines
    // for the rest ("needs a restart: agent.KEY").
    std::string applyAgentSettings(const AgentSettings &agent);

    std::string m_configFile;
    std::vector<std::string> m_names;
    AgentSettings m_agent;
    std::vector<std::string> m_ownedIds;
    std::vector<WatchedFile> m_watched;
    LiveSettings m_live;
    std::vector<std::pair<std::string, std::string>> m_limitFlags;
    // The file's limits (with the flags) as last applied; the keys that
    // need a restart keep their values from the start.
    EngineLimits m_limits;
};

} // namespace switchyard::cli
