// SPDX-License-Identifier: Apache-2.0
#include "commands/configreloader.h"

#include "common/textdistance.h"
#include "common/textfile.h"
#include "control/endpointregistry.h"

#include <algorithm>

namespace switchyard::cli {

namespace {

// What a reload compares: everything the file says, not what the registry
// filled in.
bool sameDefinition(const Endpoint &running, Endpoint candidate)
{
    candidate.id = running.id;
    candidate.createdAt = running.createdAt;
    candidate.updatedAt = running.updatedAt;
    return candidate == running;
}

std::string plural(std::size_t n, const char *word)
{
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// What the file's agent.limits and the --limit flags (which win) make.
// The file was validated when it was loaded, so set() cannot fail here.
EngineLimits fileLimits(const AgentSettings &agent, const std::vector<std::pair<std::string, std::string>> &flags)
{
    EngineLimits limits;
    for (const auto &[key, value] : agent.limits)
        (void)limits.set(key, value);
    for (const auto &[key, value] : flags)
        (void)limits.set(key, value);
    return limits;
}

} // namespace

ConfigReloader::ConfigReloader(std::string configFile, std::vector<std::string> names, const ConfigFile &loaded)
    : m_configFile(std::move(configFile))
    , m_names(std::move(names))
    , m_agent(loaded.agent)
    , m_limits(fileLimits(loaded.agent, {}))
{
    watch(loaded);
}

void ConfigReloader::setLimitFlags(std::vector<std::pair<std::string, std::string>> flags)
{
    m_limitFlags = std::move(flags);
    m_limits = fileLimits(m_agent, m_limitFlags);
}

Result<std::vector<Endpoint>> ConfigReloader::select(const ConfigFile &config, const std::vector<std::string> &names,
                                                     const std::string &configFile)
{
    if (names.empty())
        return config.modelEndpoints();
    std::vector<Endpoint> endpoints;
    std::vector<std::string_view> known;
    for (const EndpointConfig &entry : config.endpoints)
        known.push_back(entry.endpoint.name);
    for (const std::string &wanted : names) {
        const auto it = std::find_if(config.endpoints.begin(), config.endpoints.end(),
                                     [&](const EndpointConfig &entry) { return entry.endpoint.name == wanted; });
        if (it == config.endpoints.end()) {
            std::string message = configFile + " has no endpoint named '" + wanted + "'";
            if (const std::string guess = closestMatch(wanted, known); !guess.empty())
                message += "; did you mean '" + guess + "'?";
            return makeError(message);
        }
        endpoints.push_back(it->endpoint);
    }
    return endpoints;
}

void ConfigReloader::adopt(const std::vector<EndpointPtr> &applied)
{
    m_ownedIds.clear();
    for (const EndpointPtr &endpoint : applied)
        m_ownedIds.push_back(endpoint->id);
}

void ConfigReloader::watch(const ConfigFile &config)
{
    // Files already watched keep their state; new ones start as loaded.
    std::vector<std::string> paths{m_configFile};
    for (const EndpointConfig &entry : config.endpoints)
        if (!entry.trafficPolicyFilePath.empty())
            paths.push_back(entry.trafficPolicyFilePath);
    std::vector<WatchedFile> watched;
    for (const std::string &path : paths) {
        const auto it = std::find_if(m_watched.begin(), m_watched.end(),
                                     [&](const WatchedFile &old) { return old.path() == path; });
        if (it != m_watched.end())
            watched.push_back(*it);
        else
            watched.emplace_back(path);
    }
    m_watched = std::move(watched);
}

bool ConfigReloader::changed()
{
    bool moved = false;
    for (WatchedFile &file : m_watched)
        moved = file.poll() || moved;
    // A file still moving since the last poll (an editor half way through
    // writing it) is looked at again on the next one.
    if (moved)
        return false;
    return std::any_of(m_watched.begin(), m_watched.end(), [](const WatchedFile &file) { return file.differs(); });
}

Result<std::string> ConfigReloader::reload(EndpointRegistry &registry)
{
    // The files' state is taken before they are read: an edit racing with
    // this reload shows as a change on a later poll.
    for (WatchedFile &file : m_watched)
        file.markLoaded();
    DiagnosticList diagnostics;
    const auto config = ConfigFile::loadFile(m_configFile, diagnostics);
    if (!config)
        return makeError(diagnostics.format(m_configFile) + "reload failed; still serving the previous configuration");
    watch(*config);
    auto wanted = select(*config, m_names, m_configFile);
    if (!wanted)
        return makeError(wanted.message() + "\nreload failed; still serving the previous configuration");

    const auto snapshot = registry.snapshot();
    std::vector<EndpointPtr> running;
    for (const std::string &id : m_ownedIds)
        if (EndpointPtr endpoint = snapshot->endpoint(id))
            running.push_back(std::move(endpoint));

    RegistryChange change;
    std::vector<std::string> kept;
    std::size_t added = 0;
    std::size_t updated = 0;
    for (Endpoint &endpoint : *wanted) {
        const auto old = std::find_if(running.begin(), running.end(),
                                      [&](const EndpointPtr &e) { return e->name == endpoint.name; });
        if (old == running.end()) {
            ++added;
            change.add.push_back(std::move(endpoint));
            continue;
        }
        if (sameDefinition(**old, endpoint)) {
            kept.push_back((*old)->id);
        } else {
            ++updated;
            endpoint.id = (*old)->id;
            endpoint.createdAt = (*old)->createdAt;
            change.removeIds.push_back((*old)->id);
            change.add.push_back(std::move(endpoint));
        }
        running.erase(old);
    }
    for (const EndpointPtr &gone : running)
        change.removeIds.push_back(gone->id);
    const std::size_t removed = running.size();

    if (!change.add.empty() || !change.removeIds.empty()) {
        auto applied = registry.apply(std::move(change));
        if (!applied)
            return makeError(m_configFile + ": " + applied.message()
                             + "\nreload failed; still serving the previous configuration");
        for (const EndpointPtr &endpoint : *applied)
            kept.push_back(endpoint->id);
        m_ownedIds = std::move(kept);
    }

    std::string summary = m_configFile + ": " + plural(m_ownedIds.size(), "endpoint") + " (" + std::to_string(added)
                          + " added, " + std::to_string(updated) + " changed, " + std::to_string(removed)
                          + " removed)";
    summary += applyAgentSettings(config->agent);
    return summary;
}

std::string ConfigReloader::applyAgentSettings(const AgentSettings &agent)
{
    std::string lines;
    if (agent.apiAllowHosts != m_agent.apiAllowHosts && m_live.setApiAllowHosts) {
        // The API's host guard is read per request, so it can change now.
        m_live.setApiAllowHosts(agent.apiAllowHosts);
        m_agent.apiAllowHosts = agent.apiAllowHosts;
        lines += "\napplied: agent.api_allow_hosts";
    }
    // Limits apply to new connections (Engine::setLimits), all changed keys
    // in one snapshot; the inspector's are read once by the capture store.
    const EngineLimits next = fileLimits(agent, m_limitFlags);
    std::vector<std::string> restartLimits;
    if (m_live.limits && m_live.setLimits) {
        EngineLimits engineLimits = m_live.limits();
        bool applied = false;
        for (const std::string &key : m_limits.changedKeys(next)) {
            if (!EngineLimits::appliesLive(key)) {
                restartLimits.push_back(key);
                continue;
            }
            (void)engineLimits.set(key, next.get(key));
            (void)m_limits.set(key, next.get(key));
            lines += "\napplied: agent.limits." + key;
            applied = true;
        }
        if (applied)
            m_live.setLimits(engineLimits);
    } else {
        restartLimits = m_limits.changedKeys(next);
    }
    // The rest is read once at start (listeners, workers, the store);
    // m_agent keeps the started values so every reload until the restart
    // says so.
    const auto restart = [&lines](bool differs, const std::string &key) {
        if (differs)
            lines += "\nneeds a restart: agent." + key;
    };
    restart(agent.apiAddr != m_agent.apiAddr, "api_addr");
    restart(agent.edgeHttp != m_agent.edgeHttp, "edge_http");
    restart(agent.edgeHttps != m_agent.edgeHttps, "edge_https");
    restart(agent.apiAllowHosts != m_agent.apiAllowHosts, "api_allow_hosts");
    restart(agent.inspectDbSize != m_agent.inspectDbSize, "inspect_db_size");
    restart(agent.logLevel != m_agent.logLevel, "log_level");
    restart(agent.logFormat != m_agent.logFormat, "log_format");
    restart(agent.workers != m_agent.workers, "workers");
    restart(agent.dataDir != m_agent.dataDir, "data_dir");
    for (const std::string &key : restartLimits)
        restart(true, "limits." + key);
    return lines;
}

} // namespace switchyard::cli
