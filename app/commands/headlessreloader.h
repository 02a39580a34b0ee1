// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "control/routingsnapshot.h"
#include "data/engine/enginelimits.h"

#include <functional>
#include <string>
#include <vector>

namespace switchyard {
class EndpointRegistry;
}

namespace switchyard::cli {

// What runHeadless() reloads on SIGHUP and on a change of the files it
// watches (a config file: ConfigReloader; a --traffic-policy-file:
// PolicyFileReloader). Main thread only.
class HeadlessReloader
{
public:
    // Settings of the running core a reload may change without a restart.
    struct LiveSettings
    {
        std::function<void(const std::vector<std::string> &)> setApiAllowHosts;
        // The engine's limits now, and their replacement (Engine::limits,
        // Engine::setLimits): new connections take the new ones.
        std::function<EngineLimits()> limits;
        std::function<void(const EngineLimits &)> setLimits;
    };

    virtual ~HeadlessReloader() = default;

    // Records the endpoints the first apply put into the registry.
    virtual void adopt(const std::vector<EndpointPtr> &applied) = 0;
    // True when a watched file changed and has settled (one poll unchanged).
    virtual bool changed() = 0;
    // Applies the files' current state to `registry` in one step. On success
    // a summary (printed after "reloaded "); otherwise the error with its
    // FILE:LINE:COL diagnostics, and nothing changed.
    virtual Result<std::string> reload(EndpointRegistry &registry) = 0;
    virtual void setLiveSettings(LiveSettings) {}
};

} // namespace switchyard::cli
