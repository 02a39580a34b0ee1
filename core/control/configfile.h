// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/diagnostic.h"
#include "model/endpoint.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace switchyard {

// The `agent:` section of a version 3 config file. Empty strings mean "not
// set" so command-line flags and defaults can fill them.
struct AgentSettings
{
    std::string apiAddr; // `api_addr`, or its ngrok spelling `web_addr`
    std::string edgeHttp;
    std::string edgeHttps;
    std::vector<std::string> apiAllowHosts; // `api_allow_hosts` / `web_allow_hosts`
    long long inspectDbSize = 0;            // 0 = default (50 MB), -1 = inspection off
    std::string logLevel;                   // debug | info | warn | error
    std::string logFormat;                  // text | json
    // CONTRACT.md's other global flags, "also settable in the config file".
    int workers = 0;     // 0 = not set
    std::string dataDir; // as written; relative to the config file's directory
    // `limits:` — engine limit keys (EngineLimits::set) and their values as
    // written, in file order; already validated. `--limit` flags win.
    std::vector<std::pair<std::string, std::string>> limits;
    // Verify https:// upstream certificates (`upstream_tls_verify`), against
    // this PEM file when set (`upstream_tls_verify_cas`, relative to the
    // config file); --upstream-tls-verify[-cas] win.
    std::optional<bool> upstreamTlsVerify;
    std::string upstreamTlsVerifyCas;

    friend bool operator==(const AgentSettings &, const AgentSettings &) = default;
};

// One entry of `endpoints:` as loaded: the model endpoint it becomes plus the
// source positions later layers need (the policy compiler reports errors
// inside `traffic_policy:` at file positions).
struct EndpointConfig
{
    Endpoint endpoint;
    SourcePosition position;    // the `- name:` item
    std::string path;           // "endpoints[2]"
    SourcePosition urlPosition; // the `url:` value (the item when the URL was defaulted)
    // `upstream.protocol`: "http1", "http2" or empty (not set).
    std::string upstreamProtocol;

    // The traffic policy source (also in endpoint.trafficPolicy), and where
    // it starts. When trafficPolicyVerbatim is set the text is the file's own
    // text of the node, dedented: line L, column C of trafficPolicySource is
    // line trafficPolicyPosition.line + L - 1, column
    // C + trafficPolicyPosition.column - 1 of the file (comments and blank
    // lines kept, so line numbers match). Otherwise (a flow mapping such as
    // `{on_http_request: [...]}`) the node was re-written from the parsed
    // tree (YamlNode::toFlowText) and only its start position is known.
    std::string trafficPolicySource;
    SourcePosition trafficPolicyPosition;
    bool trafficPolicyVerbatim = false;
    // `traffic_policy_file:` as written (relative to the config file's
    // directory) and the path it resolved to. When set, trafficPolicySource
    // is that file's text and trafficPolicyPosition is 1:1 of that file.
    std::string trafficPolicyFile;
    std::string trafficPolicyFilePath;
};

// Config file version 3 (CONTRACT.md). Loading validates everything it can
// without the policy compiler and reports every problem, each pointing at
// the offending node. Any thread; no shared state.
class ConfigFile
{
public:
    static constexpr int CurrentVersion = 3;

    int version = CurrentVersion;
    AgentSettings agent;
    std::vector<EndpointConfig> endpoints;

    // Reads and validates `path`. Diagnostics go to `diagnostics` (positions
    // are 1-based, sorted by position); returns nullopt when the file has
    // errors or cannot be read. Warnings alone do not fail the load.
    static std::optional<ConfigFile> loadFile(const std::string &path, DiagnosticList &diagnostics);
    // As loadFile, for text already in memory. `baseDir` is where relative
    // `traffic_policy_file` paths start (empty: the working directory).
    static std::optional<ConfigFile> loadString(const std::string &text, DiagnosticList &diagnostics,
                                                const std::string &baseDir = {});

    // YAML text that loadString() turns back into an equal ConfigFile.
    // Endpoints with a traffic_policy_file keep the reference, not the text.
    std::string toYaml() const;
    // Writes toYaml() atomically (temporary file + rename).
    bool saveFile(const std::string &path, std::string *error = nullptr) const;

    // The model endpoints, in file order.
    std::vector<Endpoint> modelEndpoints() const;
};

} // namespace switchyard
