// SPDX-License-Identifier: Apache-2.0
#include "commands/headlessrunner.h"

#include "cli/exitcode.h"
#include "commands/headlessreloader.h"
#include "commands/headlessapi.h"
#include "control/endpointregistry.h"
#include "data/engine/engine.h"
#include "data/engine/policyruntime.h"
#include "data/engine/tcppolicyruntime.h"
#include "policy/runners/runtimeactions.h"

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <memory>
#include <pthread.h>

namespace switchyard::cli {

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

namespace {

// "switchyard http: " — or "switchyard: " for the app mode, which has no command.
std::string prefix(const std::string &command)
{
    return command.empty() ? "switchyard: " : "switchyard " + command + ": ";
}

// "listening KIND ADDR", and for a dedicated listener the URLs it serves and
// the names of their endpoints ("[a,b]": pooled ones share a URL):
// appended, so scripts that read the first three fields keep working.
std::string listenerLine(const Engine &engine, const Engine::ListenerAddress &listener,
                         const RoutingSnapshot &snapshot)
{
    std::string line = "listening " + listener.kind + " " + listener.address;
    const int port = std::atoi(listener.address.substr(listener.address.rfind(':') + 1).c_str());
    std::vector<std::string> urls;
    std::string names;
    for (const EndpointPtr &endpoint : snapshot.endpoints()) {
        if (endpoint->binding == Binding::Internal || toString(endpoint->url.scheme()) != listener.kind
            || engine.dedicatedPort(endpoint->url) != port)
            continue;
        if (std::find(urls.begin(), urls.end(), endpoint->url.toString()) == urls.end())
            urls.push_back(endpoint->url.toString());
        if (!endpoint->name.empty())
            names += (names.empty() ? "" : ",") + endpoint->name;
    }
    for (const std::string &url : urls)
        line += " " + url;
    if (!names.empty())
        line += " [" + names + "]";
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
    if (!options.upstreamTlsVerify && agent.upstreamTlsVerify)
        options.upstreamTlsVerify = agent.upstreamTlsVerify;
    if (options.upstreamTlsVerifyCas.empty() && !agent.upstreamTlsVerifyCas.empty()) {
        const std::filesystem::path file(agent.upstreamTlsVerifyCas);
        options.upstreamTlsVerifyCas = file.is_absolute()
                                           ? file.string()
                                           : (std::filesystem::path(configFile).parent_path() / file).string();
    }
    if (options.apiAllowHosts.empty())
        options.apiAllowHosts = agent.apiAllowHosts;
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

EngineLimits limitsFromConfig(const AgentSettings &agent)
{
    EngineLimits limits;
    // Validated when the file was loaded, so set() cannot fail here.
    for (const auto &[key, value] : agent.limits)
        (void)limits.set(key, value);
    return limits;
}

int runHeadless(const std::string &command, const GlobalOptions &options, const std::vector<Endpoint> &endpoints,
                const EngineLimits &limits, HeadlessReloader *reloader)
{
    // Block the signals before any thread exists (the API's session reaper
    // and capture writer start in HeadlessApi::open), so every thread
    // inherits the mask and sigtimedwait() below is the only place they
    // land. A thread without the mask would let SIGTERM kill the process
    // by its default action instead of draining.
    sigset_t handled;
    sigemptyset(&handled);
    sigaddset(&handled, SIGINT);
    sigaddset(&handled, SIGTERM);
    sigaddset(&handled, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &handled, nullptr);

    EndpointRegistry registry;
    RegistryChange change;
    change.add = endpoints;
    auto applied = registry.apply(std::move(change));
    if (!applied) {
        printError(prefix(command) + applied.message());
        return ExitInvalidInput;
    }
    if (reloader)
        reloader->adopt(*applied);

    // The config's inspect_db_size applies unless --limit set one.
    EngineLimits engineLimits = limits;
    if (options.inspectDbSize != 0 && engineLimits.inspectDbSize == EngineLimits().inspectDbSize)
        engineLimits.inspectDbSize = options.inspectDbSize < 0 ? 0 : static_cast<std::uint64_t>(options.inspectDbSize);
    // Management/agent/inspector APIs: stored cloud endpoints join the
    // registry before the listeners are announced; declared before the
    // engine so it outlives the engine's API thread.
    auto api = HeadlessApi::open(options.dataDir, options.apiAddr, registry, engineLimits, options.apiAllowHosts);
    if (!api) {
        printError(prefix(command) + api.message());
        return ExitRuntime;
    }

    EngineOptions engineOptions;
    engineOptions.apiAddr = options.apiAddr;
    engineOptions.edgeHttp = options.edgeHttp;
    engineOptions.edgeHttps = options.edgeHttps;
    engineOptions.workers = options.workers;
    engineOptions.dataDir = options.dataDir;
    // A CA file alone means "verify against these".
    engineOptions.upstreamTlsVerify = options.upstreamTlsVerify.value_or(!options.upstreamTlsVerifyCas.empty());
    engineOptions.upstreamTlsVerifyCas = options.upstreamTlsVerifyCas;
    engineOptions.limits = engineLimits;
    // Runtime actions (rate-limit, jwt-validation, circuit-breaker) keep
    // their state in these runners; declared before the engine to outlive it.
    ActionRunnerRegistry runners;
    registerRuntimeActions(runners);
    Engine engine(registry, engineOptions);
    if (reloader) {
        HeadlessApi *live = api->get();
        reloader->setLiveSettings(
            {.setApiAllowHosts = [live](const std::vector<std::string> &hosts) { live->setAllowHosts(hosts); },
             .limits = [&engine] { return engine.limits(); },
             .setLimits = [&engine](const EngineLimits &next) { engine.setLimits(next); }});
    }
    engine.setLocalServiceHandler((*api)->handler());
    engine.setCaptureSink((*api)->captureSink());
    (*api)->attachEngine(&engine);
    auto policies = std::make_shared<PolicyRuntime>(registry, &runners);
    engine.setPolicyHook(policies);
    engine.setTcpPolicyHook(std::make_shared<TcpPolicyRuntime>(registry, policies));
    if (auto started = engine.start(); !started) {
        printError(prefix(command) + started.message());
        return ExitRuntime;
    }

    std::string ready = "switchyard ready\n";
    // Held in a variable: the range of a for loop would not keep a
    // temporary snapshot alive, and the API thread may replace it meanwhile.
    const auto snapshot = registry.snapshot();
    for (const Engine::ListenerAddress &listener : engine.listeners())
        ready += listenerLine(engine, listener, *snapshot) + "\n";
    for (const EndpointPtr &endpoint : snapshot->endpoints())
        ready += endpointLine(*endpoint) + "\n";
    if (!engine.caCertificatePath().empty())
        ready += "ca " + engine.caCertificatePath() + "\n";
    printOut(ready);

    // The main thread's loop: signals, and a tick to poll the config file.
    for (;;) {
        const std::timespec tick{1, 0};
        const int received = sigtimedwait(&handled, nullptr, &tick);
        if (received == SIGINT || received == SIGTERM)
            break;
        if (!reloader || (received != SIGHUP && !reloader->changed()))
            continue;
        auto reloaded = reloader->reload(registry);
        if (!reloaded) {
            printError(reloaded.message()); // FILE:LINE:COL first, as `config check` prints
            continue;
        }
        // Open the new dedicated listeners now rather than on the engine's
        // next poll, so "reloaded" means they accept.
        if (auto listening = engine.reconcile(); !listening)
            printError(prefix(command) + listening.message());
        printOut("reloaded " + *reloaded);
    }
    engine.stop();
    return ExitOk;
}

} // namespace switchyard::cli
