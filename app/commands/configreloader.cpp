// SPDX-License-Identifier: Apache-2.0
#include "commands/configreloader.h"

#include "common/textdistance.h"
#include "common/textfile.h"
#include "control/endpointregistry.h"

#include <sys/stat.h>

#include <algorithm>
#include <functional>

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

} // namespace

ConfigReloader::ConfigReloader(std::string configFile, std::vector<std::string> names, const ConfigFile &loaded)
    : m_configFile(std::move(configFile))
    , m_names(std::move(names))
    , m_agent(loaded.agent)
{
    watch(loaded);
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
    std::vector<Watched> watched{{m_configFile}};
    for (const EndpointConfig &entry : config.endpoints)
        if (!entry.trafficPolicyFilePath.empty())
            watched.push_back({entry.trafficPolicyFilePath});
    for (Watched &file : watched) {
        const auto it = std::find_if(m_watched.begin(), m_watched.end(),
                                     [&](const Watched &old) { return old.path == file.path; });
        if (it != m_watched.end()) {
            file = *it;
        } else {
            poll(file);
            file.loadedHash = file.hash;
        }
    }
    m_watched = std::move(watched);
}

bool ConfigReloader::poll(Watched &file)
{
    struct stat info
    {};
    const bool exists = ::stat(file.path.c_str(), &info) == 0;
    const long long size = exists ? static_cast<long long>(info.st_size) : -1;
    const std::timespec mtime = exists ? info.st_mtim : std::timespec{};
    if (size == file.size && mtime.tv_sec == file.mtime.tv_sec && mtime.tv_nsec == file.mtime.tv_nsec)
        return false;
    // A touch or an identical rewrite moves the stat but not the text.
    const auto text = exists ? TextFile::read(file.path) : Result<std::string>(makeError("missing"));
    const std::size_t hash = text ? std::hash<std::string>{}(*text) : MissingHash;
    const bool moved = hash != file.hash;
    file.size = size;
    file.mtime = mtime;
    file.hash = hash;
    return moved;
}

bool ConfigReloader::changed()
{
    bool moved = false;
    for (Watched &file : m_watched)
        moved = poll(file) || moved;
    // A file still moving since the last poll (an editor half way through
    // writing it) is looked at again on the next one.
    if (moved)
        return false;
    return std::any_of(m_watched.begin(), m_watched.end(),
                       [](const Watched &file) { return file.hash != file.loadedHash; });
}

Result<std::string> ConfigReloader::reload(EndpointRegistry &registry)
{
    // The files' state is taken before they are read: an edit racing with
    // this reload shows as a change on a later poll.
    for (Watched &file : m_watched) {
        poll(file);
        file.loadedHash = file.hash;
    }
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
    if (config->agent != m_agent)
        summary += "; the agent settings changed, restart to apply them";
    return summary;
}

} // namespace switchyard::cli
