// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cli/globaloptions.h"
#include "control/configfile.h"
#include "data/engine/enginelimits.h"
#include "model/endpoint.h"

#include <QCommandLineParser>

#include <string>
#include <vector>

namespace switchyard::cli {

class HeadlessReloader;

// Runs the embedded core headless (`switchyard start`, `switchyard http`):
// registers `endpoints`, starts the forwarding engine, prints
// "switchyard ready" and the listener addresses on stdout once everything is
// bound, then serves until SIGINT or SIGTERM and drains (requests in flight
// get limits.drainTimeout). A dedicated listener's line names what it
// serves: "listening KIND ADDR URL [NAME]". With a `reloader`, SIGHUP or a
// change of a file it watches (polled every second) reloads: "reloaded ..."
// on stdout, or the diagnostics on stderr while the previous configuration
// keeps serving. Returns the exit code: 0 after a signal, 1 when the endpoints
// conflict, 3 when a listener cannot bind (the message names the address).
int runHeadless(const std::string &command, const GlobalOptions &options, const std::vector<Endpoint> &endpoints,
                const EngineLimits &limits, HeadlessReloader *reloader = nullptr);

// The engine limits of the config file's `agent.limits`, over the defaults
// (flags are applied after, by readLimits).
EngineLimits limitsFromConfig(const AgentSettings &agent);

// "endpoint URL [(internal)] [-> UPSTREAM] [[NAME]]", as printed after
// "switchyard ready" (scripts read it).
std::string endpointLine(const Endpoint &endpoint);

// Fills the options the command line left empty from the config file's
// `agent:` section (flags win), then applies the documented defaults.
void mergeAgentSettings(GlobalOptions &options, const AgentSettings &agent, const std::string &configFile);

// The --limit KEY=VALUE option of the headless commands.
void addLimitOption(QCommandLineParser &parser);
// Applies every --limit; on a bad one returns false after printing why.
bool readLimits(const QCommandLineParser &parser, const std::string &command, EngineLimits &limits);

} // namespace switchyard::cli
