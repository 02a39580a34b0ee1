// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/diagnostic.h"
#include "model/endpoint.h"

#include <optional>
#include <string>
#include <vector>

namespace switchyard {

// The `agent:` section of a version 3 config file. Empty strings mean "not
// set" so command-line flags and defaults can fill them.
struct AgentSettings
{
    std::string apiAddr;
    std::string edgeHttp;
    std::string edgeHttps;
    std::vector<std::string> apiAllowHosts;
    long long inspectDbSize = 0; // 0 = default (50 MB), -1 = inspection off
};

// One entry of `endpoints:` as loaded: the model endpoint it becomes plus the
// source positions later layers need (the policy compiler reports errors
// inside `traffic_policy:` at file positions).
struct EndpointConfig
{
    Endpoint endpoint;
    SourcePosition position;       // the `- name:` item
    std::string path;              // "endpoints[2]"
    // The traffic_policy node re-emitted as YAML, and where it starts in the file.
    std::string trafficPolicySource;
    SourcePosition trafficPolicyPosition;
};

// Config file version 3 (CONTRACT.md). Loading validates everything it can
// without the policy compiler and reports every problem, each pointing at
// the offending node.
class ConfigFile
{
public:
    int version = 3;
    AgentSettings agent;
    std::vector<EndpointConfig> endpoints;

    // Reads and validates `path`. Diagnostics go to `diagnostics` (positions
    // are 1-based); returns nullopt when the file has errors or cannot be read.
    static std::optional<ConfigFile> loadFile(const std::string &path, DiagnosticList &diagnostics);
    static std::optional<ConfigFile> loadString(const std::string &text, DiagnosticList &diagnostics);

    // YAML text that loadString() turns back into an equal ConfigFile.
    std::string toYaml() const;
    bool saveFile(const std::string &path, std::string *error = nullptr) const;

    // The model endpoints, in file order.
    std::vector<Endpoint> modelEndpoints() const;
};

} // namespace switchyard
