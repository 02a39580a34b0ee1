// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "data/engine/enginelimits.h"
#include "data/engine/localservice.h"

#include <memory>
#include <string>
#include <vector>

namespace switchyard {
class CaptureSink;
class Engine;
class EndpointRegistry;
}

namespace switchyard::cli {

// The management and agent APIs of a headless core: opens the store in the
// data dir, loads its cloud endpoints into the registry, makes sure
// DATA_DIR/api_key holds a valid key, and serves ApiService through the
// engine's local service seam. The store is only touched by open() (before
// the engine starts) and then by the engine's single API thread.
// It also runs the traffic inspector: the capture queue the engine feeds,
// DATA_DIR/inspect.db with its writer thread, the metrics, and their routes.
class HeadlessApi
{
public:
    static Result<std::unique_ptr<HeadlessApi>> open(const std::string &dataDir, const std::string &apiAddr,
                                                     EndpointRegistry &registry, const EngineLimits &limits = {},
                                                     const std::vector<std::string> &allowHosts = {});
    ~HeadlessApi();

    // For Engine::setLocalServiceHandler(); valid while this object lives.
    LocalServiceHandler handler();
    // For Engine::setCaptureSink().
    std::shared_ptr<CaptureSink> captureSink() const;
    // Replays go to this engine's listeners; call before Engine::start().
    void attachEngine(const Engine *engine);
    int loadedEndpoints() const { return m_loaded; }
    // agent.api_allow_hosts of the agent and inspector APIs; safe while
    // serving (a config reload).
    void setAllowHosts(const std::vector<std::string> &allowHosts);

private:
    struct State;
    explicit HeadlessApi(std::unique_ptr<State> state, int loaded);

    std::unique_ptr<State> m_state;
    int m_loaded = 0;
};

} // namespace switchyard::cli
