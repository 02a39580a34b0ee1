// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/diagnostic.h"
#include "control/configfile.h"
#include "control/configyamlnode.h"

#include "common/yamlnode.h"

#include <optional>
#include <string>
#include <vector>

namespace switchyard {

class ConfigParser;
struct ConfigEndpointEntry;
class ExpressionCompiler;

// Turns a parsed version 3 document into a ConfigFile: the top level, the
// `agent:` section, each endpoint (ConfigEndpointReader), and the checks
// across endpoints (unique names, URL conflicts via EndpointRegistry's
// rules). Reports every problem; returns nullopt when there was an error.
class ConfigValidator
{
public:
    // `compiler` checks the CEL expressions of the policies (nullptr: shape only).
    ConfigValidator(const ConfigParser &parser, std::string baseDir, const ExpressionCompiler *compiler = nullptr);

    std::optional<ConfigFile> validate(const YamlNode &root, DiagnosticList &diagnostics) const;

private:
    void readAgent(const YamlNode &node, AgentSettings &agent, DiagnosticList &diagnostics) const;
    void readLimits(const ConfigMapEntry &entry, AgentSettings &agent, DiagnosticList &diagnostics) const;
    void readAddress(const ConfigMapEntry &entry, std::string &out, DiagnosticList &diagnostics) const;
    static void checkNames(const std::vector<ConfigEndpointEntry> &entries, DiagnosticList &diagnostics);
    static void checkConflicts(const std::vector<ConfigEndpointEntry> &entries, DiagnosticList &diagnostics);

    const ConfigParser &m_parser;
    std::string m_baseDir;
    const ExpressionCompiler *m_compiler;
};

} // namespace switchyard
