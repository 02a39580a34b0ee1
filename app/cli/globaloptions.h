// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QCommandLineParser>
#include <QStringList>

#include <optional>
#include <string>
#include <vector>

namespace switchyard::cli {

// Flags every headless command takes (CONTRACT.md). Values not given on the
// command line stay empty so the config file's `agent:` section can fill
// them; resolve() applies the documented defaults last.
struct GlobalOptions
{
    std::string configFile;
    bool configFileGiven = false;
    std::string dataDir;
    std::string apiAddr;
    std::string edgeHttp;
    std::string edgeHttps;
    int workers = 0; // 0 = one per CPU core
    std::string logLevel;
    std::string logFormat;
    long long inspectDbSize = 0; // agent.inspect_db_size: 0 = unset, -1 = inspection off
    // Not global flags: `http`/`tls` take --upstream-tls-verify[-cas]; the
    // config's agent.upstream_tls_verify[_cas] fill what they left unset.
    // Core-wide (one upstream TLS client context per engine).
    std::optional<bool> upstreamTlsVerify;
    std::string upstreamTlsVerifyCas;
    std::vector<std::string> apiAllowHosts; // agent.api_allow_hosts (no flag)

    static void addTo(QCommandLineParser &parser);
    // Reads the flags; on a bad value returns a message for a usage error.
    static std::optional<std::string> read(const QCommandLineParser &parser, GlobalOptions &out);
    // Fills the defaults for anything still unset.
    void resolveDefaults();
};

// Parses `args` (without the program and command names) with `parser`,
// which already has the command's options. On a usage error prints
// "switchyard COMMAND: MESSAGE" and a hint to stderr and returns false.
// Handles --help by printing the parser's help and setting helpShown.
bool parseCommandLine(QCommandLineParser &parser, const QString &command, const QStringList &args,
                      bool &helpShown);

// stderr/stdout helpers that keep the CLI free of iostream boilerplate.
void printError(const std::string &text);
void printOut(const std::string &text);

} // namespace switchyard::cli
