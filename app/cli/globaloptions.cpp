// SPDX-License-Identifier: Apache-2.0
#include "cli/globaloptions.h"

#include "common/xdgpaths.h"

#include <cstdio>
#include <thread>

namespace switchyard::cli {

void GlobalOptions::addTo(QCommandLineParser &parser)
{
    parser.addOptions({
        {"config", "Config file (default $XDG_CONFIG_HOME/switchyard/switchyard.yml).", "FILE"},
        {"data-dir", "Data directory: local CA, SQLite store, API key (default $XDG_DATA_HOME/switchyard).", "DIR"},
        {"api-addr", "Management, agent and inspector API address (default 127.0.0.1:4040).", "HOST:PORT"},
        {"edge-http", "Listener for public http:// endpoints (default 127.0.0.1:7080).", "HOST:PORT"},
        {"edge-https", "Listener for public https:// and tls:// endpoints (default 127.0.0.1:7443).", "HOST:PORT"},
        {"workers", "Data-plane I/O threads (default: one per CPU core).", "N"},
        {"log-level", "debug, info, warn or error (default info).", "LEVEL"},
        {"log-format", "text or json (default text).", "FORMAT"},
    });
}

std::optional<std::string> GlobalOptions::read(const QCommandLineParser &parser, GlobalOptions &out)
{
    if (parser.isSet("config")) {
        out.configFile = parser.value("config").toStdString();
        out.configFileGiven = true;
        if (out.configFile.empty())
            return "--config needs a file name";
    }
    if (parser.isSet("data-dir"))
        out.dataDir = parser.value("data-dir").toStdString();
    if (parser.isSet("api-addr"))
        out.apiAddr = parser.value("api-addr").toStdString();
    if (parser.isSet("edge-http"))
        out.edgeHttp = parser.value("edge-http").toStdString();
    if (parser.isSet("edge-https"))
        out.edgeHttps = parser.value("edge-https").toStdString();
    if (parser.isSet("workers")) {
        bool ok = false;
        const int n = parser.value("workers").toInt(&ok);
        if (!ok || n < 1 || n > 256)
            return "--workers must be a number from 1 to 256, not '" + parser.value("workers").toStdString() + "'";
        out.workers = n;
    }
    if (parser.isSet("log-level")) {
        out.logLevel = parser.value("log-level").toStdString();
        if (out.logLevel != "debug" && out.logLevel != "info" && out.logLevel != "warn" && out.logLevel != "error")
            return "--log-level must be debug, info, warn or error, not '" + out.logLevel + "'";
    }
    if (parser.isSet("log-format")) {
        out.logFormat = parser.value("log-format").toStdString();
        if (out.logFormat != "text" && out.logFormat != "json")
            return "--log-format must be text or json, not '" + out.logFormat + "'";
    }
    return std::nullopt;
}

void GlobalOptions::resolveDefaults()
{
    if (configFile.empty())
        configFile = XdgPaths::defaultConfigFile();
    if (dataDir.empty())
        dataDir = XdgPaths::defaultDataDir();
    if (apiAddr.empty())
        apiAddr = "127.0.0.1:4040";
    if (edgeHttp.empty())
        edgeHttp = "127.0.0.1:7080";
    if (edgeHttps.empty())
        edgeHttps = "127.0.0.1:7443";
    if (workers == 0)
        workers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    if (logLevel.empty())
        logLevel = "info";
    if (logFormat.empty())
        logFormat = "text";
}

bool parseCommandLine(QCommandLineParser &parser, const QString &command, const QStringList &args, bool &helpShown)
{
    helpShown = false;
    const QCommandLineOption help({"h", "help"}, "Show this help.");
    parser.addOption(help);
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    QStringList withProgram = args;
    withProgram.prepend(QStringLiteral("switchyard ") + command);
    if (!parser.parse(withProgram)) {
        printError("switchyard " + command.toStdString() + ": " + parser.errorText().toStdString()
                   + "\nRun 'switchyard " + command.toStdString() + " --help' for usage.");
        return false;
    }
    if (parser.isSet(help)) {
        // Without a QCoreApplication Qt cannot know the program name.
        QString text = parser.helpText();
        text.replace("<executable_name>", command.isEmpty() ? QStringLiteral("switchyard")
                                                            : QStringLiteral("switchyard ") + command);
        printOut(text.toStdString());
        helpShown = true;
    }
    return true;
}

void printError(const std::string &text)
{
    std::fprintf(stderr, "%s\n", text.c_str());
    std::fflush(stderr);
}

void printOut(const std::string &text)
{
    std::fwrite(text.data(), 1, text.size(), stdout);
    if (text.empty() || text.back() != '\n')
        std::fputc('\n', stdout);
    std::fflush(stdout);
}

} // namespace switchyard::cli
