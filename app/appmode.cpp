// SPDX-License-Identifier: Apache-2.0
#include "appmode.h"

#include "cli/exitcode.h"
#include "control/configfile.h"
#include "control/endpointregistry.h"

#ifdef SWITCHYARD_HAVE_GUI
#include "desktopapp.h"
#endif

#include <QFile>

#include <algorithm>
#include <array>
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

std::string pad(std::string text, std::size_t width)
{
    if (text.size() < width)
        text.resize(width, ' ');
    return text;
}

// A plain table of the endpoints, one per line, for the headless start.
std::string endpointTable(const RoutingSnapshot &snapshot)
{
    std::vector<std::array<std::string, 5>> rows{{"NAME", "URL", "TYPE", "BINDING", "UPSTREAM"}};
    for (const EndpointPtr &ep : snapshot.endpoints())
        rows.push_back({ep->name.empty() ? ep->id : ep->name, ep->url.toString(), std::string(toString(ep->type)),
                        std::string(toString(ep->binding)), ep->upstream ? ep->upstream->toString() : "-"});
    std::array<std::size_t, 5> widths{};
    for (const auto &row : rows)
        for (std::size_t i = 0; i < row.size(); ++i)
            widths[i] = std::max(widths[i], row[i].size());
    std::string out;
    for (const auto &row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i)
            line += i + 1 < row.size() ? pad(row[i], widths[i] + 2) : row[i];
        out += line + '\n';
    }
    return out;
}

} // namespace

int runAppMode(int argc, char **argv, GlobalOptions globals)
{
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

    auto registry = std::make_shared<EndpointRegistry>();
    RegistryChange change;
    change.add = config->modelEndpoints();
    if (auto applied = registry->apply(std::move(change)); !applied) {
        printError("switchyard: " + applied.message());
        return ExitInvalidInput;
    }

#ifdef SWITCHYARD_HAVE_GUI
    if (hasDisplay())
        return ui::runDesktopApp(argc, argv, registry, QString::fromStdString(shownPath));
#else
    (void)argc;
    (void)argv;
#endif

    // Headless. The forwarding engine is not in this build yet, so the core
    // shows what it loaded and exits instead of serving it.
    printOut("switchyard " SWITCHYARD_VERSION " (headless: no display)\nconfig: " + shownPath + "\n\n"
             + endpointTable(*registry->snapshot()));
    return ExitOk;
}

} // namespace switchyard::cli
