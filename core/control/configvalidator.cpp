// SPDX-License-Identifier: Apache-2.0
#include "control/configvalidator.h"

#include "common/hostport.h"
#include "control/configendpointreader.h"
#include "control/configparser.h"
#include "control/configpolicychecker.h"
#include "control/endpointregistry.h"
#include "data/engine/enginelimits.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <map>

namespace switchyard {

namespace {

constexpr std::array<std::string_view, 3> TopLevelKeys{"version", "agent", "endpoints"};
constexpr std::array<std::string_view, 14> AgentKeys{
    "api_addr",        "web_addr",  "edge_http",  "edge_https", "api_allow_hosts", "web_allow_hosts",
    "inspect_db_size", "log_level", "log_format", "workers",    "data_dir",        "limits",
    "upstream_tls_verify", "upstream_tls_verify_cas"};
constexpr std::array<std::string_view, 4> LogLevels{"debug", "info", "warn", "error"};
constexpr std::array<std::string_view, 2> LogFormats{"text", "json"};
// Keys of ngrok's v3 agent section that have no meaning here. A config
// written for ngrok should still load, with a warning per key.
constexpr std::array<std::string_view, 19> NgrokOnlyAgentKeys{"authtoken",
                                                              "api_key",
                                                              "connect_url",
                                                              "connect_cas",
                                                              "connect_interface",
                                                              "connect_timeout",
                                                              "heartbeat_interval",
                                                              "heartbeat_tolerance",
                                                              "dns_resolver_ips",
                                                              "proxy_url",
                                                              "crl_noverify",
                                                              "console_ui",
                                                              "console_ui_color",
                                                              "log",
                                                              "metadata",
                                                              "remote_management",
                                                              "update_channel",
                                                              "update_check",
                                                              "root_cas"};

// The spelling a key has in this file's model: ngrok's `web_*` keys are aliases.
std::string_view canonicalAgentKey(std::string_view key)
{
    if (key == "web_addr")
        return "api_addr";
    if (key == "web_allow_hosts")
        return "api_allow_hosts";
    return key;
}

std::string endpointLabel(const EndpointConfig &cfg)
{
    return cfg.endpoint.name.empty() ? cfg.path : "'" + cfg.endpoint.name + "'";
}

} // namespace

ConfigValidator::ConfigValidator(const ConfigParser &parser, std::string baseDir, const ExpressionCompiler *compiler)
    : m_parser(parser)
    , m_baseDir(std::move(baseDir))
    , m_compiler(compiler)
{}

std::optional<ConfigFile> ConfigValidator::validate(const YamlNode &root, DiagnosticList &diagnostics) const
{
    const int errorsBefore = diagnostics.errorCount();
    if (root.isNull()) {
        diagnostics.error("the config file is empty; it needs at least 'version: 3'", SourcePosition{1, 1, 0});
        return std::nullopt;
    }
    if (!root.isMapping()) {
        diagnostics.error("the config file must be a mapping with 'version', 'agent' and 'endpoints', not " +
                              describeNode(root),
                          root.position());
        return std::nullopt;
    }

    ConfigFile config;
    bool hasVersion = false;
    std::vector<ConfigEndpointEntry> entries;
    for (const ConfigMapEntry &e : mapEntries(root)) {
        if (e.key == "version") {
            hasVersion = true;
            if (!e.value->isScalar())
                diagnostics.error(typeMismatch("version", "the number 3", *e.value), valuePosition(e), "version");
            else if (e.value->scalar() != "3")
                diagnostics.error("unsupported config version '" + e.value->scalar() +
                                      "'; this version of Switchyard reads version 3",
                                  valuePosition(e), "version");
        } else if (e.key == "agent") {
            if (e.value->isMapping())
                readAgent(*e.value, config.agent, diagnostics);
            else if (!e.value->isNull())
                diagnostics.error(typeMismatch("agent", "a mapping", *e.value), valuePosition(e), "agent");
        } else if (e.key == "endpoints") {
            if (e.value->isSequence()) {
                const ConfigEndpointReader reader(m_parser, m_baseDir);
                std::size_t index = 0;
                for (const YamlNode &item : e.value->items())
                    entries.push_back(reader.read(item, index++, e.keyPosition, diagnostics));
            } else if (!e.value->isNull()) {
                diagnostics.error(typeMismatch("endpoints", "a list of endpoints", *e.value), valuePosition(e),
                                  "endpoints");
            }
        } else if (e.key == "tunnels") {
            diagnostics.error("'tunnels' is the version 2 format and is not supported; describe each tunnel under "
                              "'endpoints'",
                              e.keyPosition, "tunnels");
        } else {
            reportUnknownKey(e, TopLevelKeys, "at the top level", {}, diagnostics);
        }
    }
    if (!hasVersion) {
        SourcePosition pos = root.position();
        pos.length = 0;
        diagnostics.error("missing required key 'version'; add 'version: 3' at the top", pos, "version");
    }

    checkNames(entries, diagnostics);
    checkConflicts(entries, diagnostics);

    std::vector<const EndpointConfig *> withPolicies;
    for (const ConfigEndpointEntry &entry : entries)
        if (entry.routable)
            withPolicies.push_back(&entry.config);
    ConfigPolicyChecker(m_compiler).check(withPolicies, diagnostics);

    if (diagnostics.errorCount() != errorsBefore)
        return std::nullopt;
    for (ConfigEndpointEntry &entry : entries)
        config.endpoints.push_back(std::move(entry.config));
    return config;
}

void ConfigValidator::readAddress(const ConfigMapEntry &e, std::string &out, DiagnosticList &diagnostics) const
{
    const std::string path = "agent." + e.key;
    if (e.key == "web_addr" && plainBool(*e.value) == false) {
        diagnostics.error("'web_addr: false' is not supported: the API serves the desktop app and the command line",
                          valuePosition(e), path);
        return;
    }
    if (!e.value->isScalar()) {
        diagnostics.error(typeMismatch(e.key, "HOST:PORT, as in 127.0.0.1:4040", *e.value), valuePosition(e), path);
        return;
    }
    auto address = HostPort::parse(e.value->scalar());
    if (!address) {
        diagnostics.error("invalid " + e.key + ": " + address.message(), valuePosition(e), path);
        return;
    }
    out = e.value->scalar();
}

void ConfigValidator::readAgent(const YamlNode &node, AgentSettings &agent, DiagnosticList &diagnostics) const
{
    // canonical key → the spelling and position that set it
    std::map<std::string_view, std::pair<std::string, SourcePosition>> seen;
    for (const ConfigMapEntry &e : mapEntries(node)) {
        const std::string path = "agent." + e.key;
        const std::string_view key = canonicalAgentKey(e.key);
        if (auto it = seen.find(key); it != seen.end()) {
            const std::string line = std::to_string(it->second.second.line);
            diagnostics.error(key != e.key ? "'" + e.key + "' is the ngrok name of '" + std::string(key) +
                                                 "', which is already set on line " + line
                                           : "'" + e.key + "' is already set on line " + line + " by its ngrok name '" +
                                                 it->second.first + "'",
                              e.keyPosition, path);
            continue;
        }
        seen.emplace(key, std::make_pair(e.key, e.keyPosition));

        if (key == "api_addr") {
            readAddress(e, agent.apiAddr, diagnostics);
        } else if (key == "edge_http") {
            readAddress(e, agent.edgeHttp, diagnostics);
        } else if (key == "edge_https") {
            readAddress(e, agent.edgeHttps, diagnostics);
        } else if (key == "api_allow_hosts") {
            if (!e.value->isSequence()) {
                diagnostics.error(typeMismatch(e.key, "a list of host names", *e.value), valuePosition(e), path);
                continue;
            }
            std::size_t index = 0;
            for (const YamlNode &host : e.value->items()) {
                const std::string itemPath = path + "[" + std::to_string(index++) + "]";
                if (!host.isScalar() || host.scalar().empty())
                    diagnostics.error(
                        typeMismatch(e.key + "[" + std::to_string(index - 1) + "]", "a host name, IP or CIDR", host),
                        host.isNull() ? valuePosition(e) : host.position(), itemPath);
                else if (host.scalar().find_first_of(" \t") != std::string::npos)
                    diagnostics.error("'" + host.scalar() + "' is not a host name, IP or CIDR", host.position(),
                                      itemPath);
                else
                    agent.apiAllowHosts.push_back(host.scalar());
            }
        } else if (key == "inspect_db_size") {
            long long value = 0;
            const std::string text = e.value->isScalar() ? e.value->scalar() : std::string();
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
            if (!e.value->isScalar() || text.empty() || ec != std::errc() || end != text.data() + text.size() ||
                value < -1)
                diagnostics.error(typeMismatch(e.key,
                                               "a number of bytes (0 for the default 50 MB, -1 to turn "
                                               "inspection off)",
                                               *e.value),
                                  valuePosition(e), path);
            else
                agent.inspectDbSize = value;
        } else if (key == "workers") {
            int value = 0;
            const std::string text = e.value->isScalar() ? e.value->scalar() : std::string();
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
            if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 1 || value > 256)
                diagnostics.error(typeMismatch(e.key, "a number from 1 to 256", *e.value), valuePosition(e), path);
            else
                agent.workers = value;
        } else if (key == "data_dir") {
            if (!e.value->isScalar() || e.value->scalar().empty())
                diagnostics.error(typeMismatch(e.key, "a directory path", *e.value), valuePosition(e), path);
            else
                agent.dataDir = e.value->scalar();
        } else if (key == "limits") {
            readLimits(e, agent, diagnostics);
        } else if (key == "upstream_tls_verify") {
            const std::string text = e.value->isScalar() ? e.value->scalar() : std::string();
            if (text == "true" || text == "false")
                agent.upstreamTlsVerify = text == "true";
            else
                diagnostics.error(typeMismatch(e.key, "true or false", *e.value), valuePosition(e), path);
        } else if (key == "upstream_tls_verify_cas") {
            if (!e.value->isScalar() || e.value->scalar().empty())
                diagnostics.error(typeMismatch(e.key, "a PEM file path", *e.value), valuePosition(e), path);
            else
                agent.upstreamTlsVerifyCas = e.value->scalar();
        } else if (key == "log_level" || key == "log_format") {
            const bool level = key == "log_level";
            const std::span<const std::string_view> allowed =
                level ? std::span<const std::string_view>(LogLevels) : std::span<const std::string_view>(LogFormats);
            if (!e.value->isScalar()) {
                diagnostics.error(typeMismatch(e.key, allowedList(allowed), *e.value), valuePosition(e), path);
                continue;
            }
            const std::string &value = e.value->scalar();
            if (std::find(allowed.begin(), allowed.end(), value) == allowed.end())
                diagnostics.error(unknownChoice(e.key, value, allowed), valuePosition(e), path);
            else
                (level ? agent.logLevel : agent.logFormat) = value;
        } else if (std::find(NgrokOnlyAgentKeys.begin(), NgrokOnlyAgentKeys.end(), e.key) != NgrokOnlyAgentKeys.end()) {
            diagnostics.warning("agent key '" + e.key +
                                    "' is an ngrok setting that Switchyard does not use; it is ignored",
                                e.keyPosition, path);
        } else if (const auto limitKeys = EngineLimits::keys();
                   std::find(limitKeys.begin(), limitKeys.end(), e.key) != limitKeys.end()) {
            diagnostics.error("'" + e.key + "' is an engine limit; put it under 'limits:' in agent, as in 'limits: {" +
                                  e.key + ": ...}'",
                              e.keyPosition, path);
        } else {
            reportUnknownKey(e, AgentKeys, "in agent", "agent", diagnostics);
        }
    }
}

void ConfigValidator::readLimits(const ConfigMapEntry &e, AgentSettings &agent, DiagnosticList &diagnostics) const
{
    if (e.value->isNull())
        return;
    if (!e.value->isMapping()) {
        diagnostics.error(typeMismatch(e.key, "a mapping of engine limits, as in {header_read_timeout: 10s}", *e.value),
                          valuePosition(e), "agent.limits");
        return;
    }
    const std::vector<std::string> keys = EngineLimits::keys();
    const std::vector<std::string_view> known(keys.begin(), keys.end());
    EngineLimits scratch;
    for (const ConfigMapEntry &limit : mapEntries(*e.value)) {
        const std::string path = "agent.limits." + limit.key;
        if (std::find(known.begin(), known.end(), limit.key) == known.end()) {
            reportUnknownKey(limit, known, "in agent.limits", "agent.limits", diagnostics);
            continue;
        }
        if (!limit.value->isScalar()) {
            diagnostics.error(typeMismatch(limit.key, "a duration, size or word as in docs/config.md", *limit.value),
                              valuePosition(limit), path);
            continue;
        }
        if (auto set = scratch.set(limit.key, limit.value->scalar()); !set)
            diagnostics.error("invalid limit " + set.message(), valuePosition(limit), path);
        else
            agent.limits.emplace_back(limit.key, limit.value->scalar());
    }
}

void ConfigValidator::checkNames(const std::vector<ConfigEndpointEntry> &entries, DiagnosticList &diagnostics)
{
    std::map<std::string, const ConfigEndpointEntry *> byName;
    for (const ConfigEndpointEntry &entry : entries) {
        if (!entry.namePosition.known())
            continue;
        const std::string &name = entry.config.endpoint.name;
        auto [it, inserted] = byName.emplace(name, &entry);
        if (inserted)
            continue;
        diagnostics.error("duplicate endpoint name '" + name + "'; " + it->second->config.path + " on line " +
                              std::to_string(it->second->namePosition.line) + " already uses it",
                          entry.namePosition, entry.config.path + ".name");
    }
}

void ConfigValidator::checkConflicts(const std::vector<ConfigEndpointEntry> &entries, DiagnosticList &diagnostics)
{
    // Endpoints are checked in file order against those before them, as if
    // added one by one to an empty registry.
    std::vector<std::pair<EndpointPtr, const EndpointConfig *>> placed;
    for (const ConfigEndpointEntry &entry : entries) {
        if (!entry.routable)
            continue;
        Endpoint candidate = entry.config.endpoint;
        candidate.id = entry.config.path;
        bool conflict = false;
        for (const auto &[existing, existingConfig] : placed) {
            const RoutingSnapshot scratch(0, {}, {existing});
            auto ok = EndpointRegistry::checkConflict(scratch, candidate);
            if (ok)
                continue;
            std::string message;
            const std::string other = "endpoint " + endpointLabel(*existingConfig) + " (line " +
                                      std::to_string(existingConfig->position.line) + ")";
            if (ok.error().code != EndpointRegistry::ConflictCode)
                message = ok.message();
            else if (existing->url.scheme() != candidate.url.scheme())
                message = "URL " + candidate.url.toString() + " conflicts with " + other + ", which serves " +
                          existing->url.toString() + " on the same host and port";
            else
                message = "URL " + candidate.url.toString() + " is already used by " + other +
                          "; set 'pooling_enabled: true' on both endpoints to pool them";
            diagnostics.error(message, entry.config.urlPosition, entry.config.path + ".url");
            conflict = true;
            break;
        }
        if (!conflict)
            placed.emplace_back(std::make_shared<const Endpoint>(std::move(candidate)), &entry.config);
    }
}

} // namespace switchyard
