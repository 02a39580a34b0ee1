// SPDX-License-Identifier: Apache-2.0
#include "commands/headlessrunner.h"

#include "cli/exitcode.h"
#include "commands/headlessapi.h"
#include "control/endpointregistry.h"
#include "data/engine/engine.h"
#include "data/engine/policyruntime.h"

#include <csignal>
#include <filesystem>
#include <memory>
#include <pthread.h>

namespace switchyard::cli {

namespace {

std::string endpointLine(const Endpoint &endpoint)
{
    std::string line = "endpoint " + endpoint.url.toString();
    if (endpoint.binding == Binding::Internal)
        line += " (internal)";
    if (endpoint.upstream)
        line += " -> " + endpoint.upstream->toString();
    if (!endpoint.name.empty())
        line += " [" + endpoint.name + "]";
    return line;
}

} // namespace

void mergeAgentSettings(GlobalOptions &options, const AgentSettings &agent, const std::string &configFile)
{
    if (options.apiAddr.empty())
        options.apiAddr = agent.apiAddr;
    if (options.edgeHttp.empty())
        options.edgeHttp = agent.edgeHttp;
    if (options.edgeHttps.empty())
        options.edgeHttps = agent.edgeHttps;
    if (options.workers == 0)
        options.workers = agent.workers;
    if (options.dataDir.empty() && !agent.dataDir.empty()) {
        const std::filesystem::path dir(agent.dataDir);
        options.dataDir = dir.is_absolute() ? dir.string()
                                            : (std::filesystem::path(configFile).parent_path() / dir).string();
    }
    if (options.logLevel.empty())
        options.logLevel = agent.logLevel;
    if (options.logFormat.empty())
        options.logFormat = agent.logFormat;
    if (options.inspectDbSize == 0)
        options.inspectDbSize = agent.inspectDbSize;
    options.resolveDefaults();
}

void addLimitOption(QCommandLineParser &parser)
{
    parser.addOption({"limit",
                      "Engine limit KEY=VALUE, e.g. header_read_timeout=10s, max_body_size=10MiB (repeatable; "
                      "see docs/config.md).",
                      "KEY=VALUE"});
}

bool readLimits(const QCommandLineParser &parser, const std::string &command, EngineLimits &limits)
{
    for (const QString &item : parser.values("limit")) {
        const qsizetype eq = item.indexOf('=');
        if (eq <= 0) {
            printError("switchyard " + command + ": --limit needs KEY=VALUE, not '" + item.toStdString() + "'");
            return false;
        }
        if (auto set = limits.set(item.left(eq).toStdString(), item.mid(eq + 1).toStdString()); !set) {
            printError("switchyard " + command + ": --limit " + set.message());
            return false;
        }
    }
    return true;
}

int runHeadless(const std::string &command, const GlobalOptions &options, const std::vector<Endpoint> &endpoints,
                const EngineLimits &limits)
{
    EndpointRegistry registry;
    RegistryChange change;
    change.add = endpoints;
    if (auto applied = registry.apply(std::move(change)); !applied) {
        printError("switchyard " + command + ": " + applied.message());
        return ExitInvalidInput;
    }

    // Management/agent APIs: stored cloud endpoints join the registry
    // before the listeners are announced; declared before the engine so it
    // outlives the engine's API thread.
    // The config's inspect_db_size applies unless --limit set one.
    EngineLimits engineLimits = limits;
    if (options.inspectDbSize != 0 && engineLimits.inspectDbSize == EngineLimits().inspectDbSize)
        engineLimits.inspectDbSize = options.inspectDbSize < 0 ? 0 : static_cast<std::uint64_t>(options.inspectDbSize);
    auto api = HeadlessApi::open(options.dataDir, options.apiAddr, registry, engineLimits);
    if (!api) {
        printError("switchyard " + command + ": " + api.message());
        return ExitRuntime;
    }

    // Block the stop signals before any thread exists, so every thread
    // inherits the mask and sigwait() below is the only place they land.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGINT);
    sigaddset(&stopSignals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);

    EngineOptions engineOptions;
    engineOptions.apiAddr = options.apiAddr;
    engineOptions.edgeHttp = options.edgeHttp;
    engineOptions.edgeHttps = options.edgeHttps;
    engineOptions.workers = options.workers;
    engineOptions.dataDir = options.dataDir;
    engineOptions.limits = engineLimits;
    Engine engine(registry, engineOptions);
    engine.setLocalServiceHandler((*api)->handler());
    engine.setCaptureSink((*api)->captureSink());
    (*api)->attachEngine(&engine);
    engine.setPolicyHook(std::make_shared<PolicyRuntime>(registry));
    if (auto started = engine.start(); !started) {
        printError("switchyard " + command + ": " + started.message());
        return ExitRuntime;
    }

    std::string ready = "switchyard ready\n";
    for (const Engine::ListenerAddress &listener : engine.listeners())
        ready += "listening " + listener.kind + " " + listener.address + "\n";
    for (const EndpointPtr &endpoint : registry.snapshot()->endpoints())
        ready += endpointLine(*endpoint) + "\n";
    if (!engine.caCertificatePath().empty())
        ready += "ca " + engine.caCertificatePath() + "\n";
    printOut(ready);

    int received = 0;
    sigwait(&stopSignals, &received);
    engine.stop();
    return ExitOk;
}

} // namespace switchyard::cli
