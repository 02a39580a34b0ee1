// SPDX-License-Identifier: Apache-2.0
#include "control/configfile.h"

#include "common/textfile.h"
#include "control/configparser.h"
#include "control/configvalidator.h"
#include "policy/celexpressioncompiler.h"

// yaml-cpp only writes here; all YAML input goes through YamlDocument.
#include <yaml-cpp/yaml.h>

#include <filesystem>

namespace switchyard {

namespace {

bool loadsAsScalar(const std::string &yaml, const std::string &value)
{
    const YamlDocument document("v: " + yaml, ConfigParser::yamlOptions());
    const YamlNode *node = document.root() ? document.root()->find("v") : nullptr;
    return node && node->isScalar() && node->scalar() == value;
}

// A string as a YAML scalar that reads back as exactly that string (plain
// when that is unambiguous, quoted otherwise: "", "null", "~", ": x"...).
std::string scalar(const std::string &value)
{
    {
        YAML::Emitter plain;
        plain << value;
        std::string text = plain.c_str();
        if (text.find('\n') == std::string::npos && loadsAsScalar(text, value))
            return text;
    }
    YAML::Emitter quoted;
    quoted << YAML::DoubleQuoted << value;
    return quoted.c_str();
}

std::string flowList(const std::vector<std::string> &items)
{
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i)
        out += (i ? ", " : "") + scalar(items[i]);
    return out + "]";
}

// Each line of `text` indented by `indent` spaces; blank lines stay empty.
std::string indented(const std::string &text, std::size_t indent)
{
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        const std::string line = text.substr(start, end - start);
        if (line.find_first_not_of(" \t\r") != std::string::npos)
            out += std::string(indent, ' ') + line;
        out += '\n';
        start = end + 1;
    }
    return out;
}

// The `traffic_policy:` entry for a policy kept as source text. The text is
// written as it is (comments and layout kept) when it reads back as the same
// mapping; otherwise the parsed mapping is re-emitted (in flow style), and
// text that is no mapping at all is kept as a string so nothing is lost
// (loading then reports it).
std::string trafficPolicyEntry(const std::string &text, std::size_t indent)
{
    const std::string key = std::string(indent, ' ') + "traffic_policy:";
    ConfigParser parser(text);
    DiagnosticList problems;
    if (const YamlNode *root = parser.parse(problems); root && root->isMapping())
        return key + '\n' + indented(text, indent + 2);
    // Tabs make the parser refuse a text that may still read as a mapping.
    const YamlDocument document(text, ConfigParser::yamlOptions());
    if (!document.root() || !document.root()->isMapping())
        return key + ' ' + scalar(text) + '\n';
    return key + ' ' + document.root()->toFlowText() + '\n';
}

void writeAgent(const AgentSettings &agent, std::string &out)
{
    std::string body;
    auto line = [&](const char *key, const std::string &value) {
        if (!value.empty())
            body += std::string("  ") + key + ": " + scalar(value) + '\n';
    };
    line("api_addr", agent.apiAddr);
    line("edge_http", agent.edgeHttp);
    line("edge_https", agent.edgeHttps);
    if (!agent.apiAllowHosts.empty())
        body += "  api_allow_hosts: " + flowList(agent.apiAllowHosts) + '\n';
    if (agent.inspectDbSize != 0)
        body += "  inspect_db_size: " + std::to_string(agent.inspectDbSize) + '\n';
    line("log_level", agent.logLevel);
    line("log_format", agent.logFormat);
    if (agent.workers != 0)
        body += "  workers: " + std::to_string(agent.workers) + '\n';
    line("data_dir", agent.dataDir);
    if (agent.upstreamTlsVerify)
        body += std::string("  upstream_tls_verify: ") + (*agent.upstreamTlsVerify ? "true" : "false") + '\n';
    line("upstream_tls_verify_cas", agent.upstreamTlsVerifyCas);
    if (!agent.limits.empty()) {
        body += "  limits:\n";
        for (const auto &[key, value] : agent.limits)
            body += "    " + key + ": " + scalar(value) + '\n';
    }
    if (!body.empty())
        out += "agent:\n" + body;
}

void writeEndpoint(const EndpointConfig &cfg, std::string &out)
{
    const Endpoint &ep = cfg.endpoint;
    out += "  - name: " + scalar(ep.name) + '\n';
    out += "    url: " + scalar(ep.url.toString()) + '\n';
    if (ep.type == EndpointType::Cloud)
        out += "    type: cloud\n";
    // The binding always follows from the URL (resolveBinding allows no
    // other), so it is not written.
    if (!ep.description.empty())
        out += "    description: " + scalar(ep.description) + '\n';
    if (!ep.metadata.empty())
        out += "    metadata: " + scalar(ep.metadata) + '\n';
    if (ep.poolingEnabled)
        out += "    pooling_enabled: true\n";
    if (ep.upstream) {
        out += "    upstream:\n      url: " + scalar(ep.upstream->toString()) + '\n';
        if (!cfg.upstreamProtocol.empty())
            out += "      protocol: " + scalar(cfg.upstreamProtocol) + '\n';
    }
    if (!cfg.trafficPolicyFile.empty())
        out += "    traffic_policy_file: " + scalar(cfg.trafficPolicyFile) + '\n';
    else if (!ep.trafficPolicy.empty())
        out += trafficPolicyEntry(ep.trafficPolicy, 4);
}

} // namespace

std::optional<ConfigFile> ConfigFile::loadFile(const std::string &path, DiagnosticList &diagnostics)
{
    auto text = TextFile::read(path);
    if (!text) {
        diagnostics.error("cannot read config file: " + text.message());
        return std::nullopt;
    }
    const std::filesystem::path dir = std::filesystem::path(path).parent_path();
    return loadString(*text, diagnostics, dir.string());
}

std::optional<ConfigFile> ConfigFile::loadString(const std::string &text, DiagnosticList &diagnostics,
                                                 const std::string &baseDir)
{
    DiagnosticList found;
    ConfigParser parser(text);
    std::optional<ConfigFile> config;
    if (auto root = parser.parse(found)) {
        // Policies in the config are checked with the real CEL engine, as
        // `policy validate` and the API do.
        const CelExpressionCompiler compiler;
        config = ConfigValidator(parser, baseDir, &compiler).validate(*root, found);
    }
    found.sortByPosition();
    diagnostics.append(found);
    if (found.hasErrors())
        return std::nullopt;
    return config;
}

std::string ConfigFile::toYaml() const
{
    std::string out = "version: " + std::to_string(CurrentVersion) + '\n';
    writeAgent(agent, out);
    if (endpoints.empty()) {
        out += "endpoints: []\n";
        return out;
    }
    out += "endpoints:\n";
    for (const EndpointConfig &cfg : endpoints)
        writeEndpoint(cfg, out);
    return out;
}

bool ConfigFile::saveFile(const std::string &path, std::string *error) const
{
    auto written = TextFile::writeAtomically(path, toYaml());
    if (!written && error)
        *error = "cannot write config file '" + path + "': " + written.message();
    return written.ok();
}

std::vector<Endpoint> ConfigFile::modelEndpoints() const
{
    std::vector<Endpoint> out;
    out.reserve(endpoints.size());
    for (const EndpointConfig &cfg : endpoints)
        out.push_back(cfg.endpoint);
    return out;
}

} // namespace switchyard
