// SPDX-License-Identifier: Apache-2.0
#include "appmode.h"

#include "cli/exitcode.h"
#include "commands/configreloader.h"
#include "commands/headlessrunner.h"
#include "control/configfile.h"
#include "control/endpointregistry.h"

#ifdef SWITCHYARD_HAVE_GUI
#include "desktopapp.h"
#endif

#include <QFile>

#include <cstdlib>
#include <filesystem>
#include <memory>

namespace switchyard::cli {

namespace {

// The bundled demo configuration (resources/demo.yml), used when the user
// has no config file yet so that a first start shows something real.
constexpr const char *DemoResource = ":/switchyard/demo.yml";

[[maybe_unused]] bool hasDisplay()
{
    auto set = [](const char *name) {
        const char *v = std::getenv(name);
        return v && *v;
    };
    return set("DISPLAY") || set("WAYLAND_DISPLAY");
}

std::string readDemoConfig()
{
    QFile file(DemoResource);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll().toStdString();
}

} // namespace

int runAppMode(int argc, char **argv, GlobalOptions globals)
{
    // The flags as given: the config's agent settings fill what they leave open.
    GlobalOptions flags = globals;
    globals.resolveDefaults();

    // An explicit --config must exist; the default one may not exist yet.
    const bool useDemo = !globals.configFileGiven && !std::filesystem::exists(globals.configFile);
    DiagnosticList diagnostics;
    std::optional<ConfigFile> config;
    std::string shownPath = globals.configFile;
    if (useDemo) {
        shownPath = "demo configuration (" + globals.configFile + " does not exist yet)";
        config = ConfigFile::loadString(readDemoConfig(), diagnostics);
    } else {
        config = ConfigFile::loadFile(globals.configFile, diagnostics);
    }
    const std::string diagnosticsFile = useDemo ? std::string("demo.yml") : globals.configFile;
    if (!diagnostics.empty())
        printError(diagnostics.format(diagnosticsFile));
    if (!config) {
        printError("switchyard: the config file has errors; fix them or run 'switchyard config check'");
        return ExitInvalidInput;
    }

#ifdef SWITCHYARD_HAVE_GUI
    if (hasDisplay()) {
        auto registry = std::make_shared<EndpointRegistry>();
        RegistryChange change;
        change.add = config->modelEndpoints();
        if (auto applied = registry->apply(std::move(change)); !applied) {
            printError("switchyard: " + applied.message());
            return ExitInvalidInput;
        }
        return ui::runDesktopApp(argc, argv, registry, QString::fromStdString(shownPath));
    }
#else
    (void)argc;
    (void)argv;
#endif

    // Headless: serve the configuration as `switchyard start --all` does
    // (a real config file is also reloaded on SIGHUP or when it changes).
    printError("switchyard " SWITCHYARD_VERSION " (headless: no display); config: " + shownPath);
    const std::string configFile = globals.configFile;
    flags.configFile = configFile;
    mergeAgentSettings(flags, config->agent, configFile);
    const EngineLimits limits = limitsFromConfig(config->agent);
    if (useDemo)
        return runHeadless({}, flags, config->modelEndpoints(), limits);
    ConfigReloader reloader(configFile, {}, *config);
    return runHeadless({}, flags, config->modelEndpoints(), limits, &reloader);
}

} // namespace switchyard::cli
