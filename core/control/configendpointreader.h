// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/diagnostic.h"
#include "control/configfile.h"

#include "common/yamlnode.h"

#include <string>

namespace switchyard {

class ConfigParser;

// One `endpoints[i]` entry as read, with what the checks across entries
// (unique names, URL conflicts) need even when the entry itself has errors.
struct ConfigEndpointEntry
{
    EndpointConfig config;
    bool valid = false;          // the entry had no errors of its own
    SourcePosition namePosition; // unknown when there is no usable name
    // URL, binding and type resolved: the entry takes part in the URL
    // conflict check.
    bool routable = false;
};

// Reads and checks one entry of `endpoints:`: keys and their types, URL and
// binding, upstream, the agent/cloud rules and the traffic policy source
// (not its contents — core/policy validates those).
class ConfigEndpointReader
{
public:
    // `baseDir` is where relative traffic_policy_file paths start.
    ConfigEndpointReader(const ConfigParser &parser, std::string baseDir);

    // `fallback` is where to point when the entry has no position of its own
    // (an empty `-` item).
    ConfigEndpointEntry read(const YamlNode &node, std::size_t index, SourcePosition fallback,
                             DiagnosticList &diagnostics) const;

private:
    const ConfigParser &m_parser;
    std::string m_baseDir;
};

} // namespace switchyard
