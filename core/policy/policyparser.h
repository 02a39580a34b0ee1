// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/diagnostic.h"
#include "policy/policydocument.h"

#include <optional>
#include <string>

namespace switchyard {

// Where policy text comes from. A policy embedded in a config file passes the
// position of its first character and the field path of the
// `traffic_policy:` node so diagnostics point into the config file.
struct PolicySource
{
    std::string text;
    int firstLine = 1;
    int firstColumn = 1;
    std::string pathPrefix; // e.g. "endpoints[2].traffic_policy"
};

// Parses a traffic policy (YAML or JSON) into a PolicyDocument, reporting
// every structural problem it finds: syntax, unknown or duplicated keys,
// wrong types, rules without actions. Action configs are not checked here
// (PolicyValidator does that against the action schemas). Pure; no I/O
// except parseFile().
class PolicyParser
{
public:
    // Returns the document (possibly `incomplete`) or nullopt when nothing
    // usable could be read: a syntax error, an empty document, or a root
    // that is not a map.
    static std::optional<PolicyDocument> parse(const PolicySource &source, DiagnosticList &diagnostics);
    static std::optional<PolicyDocument> parse(const std::string &text, DiagnosticList &diagnostics);
    // Reads the file first; a read failure is a diagnostic without position.
    static std::optional<PolicyDocument> parseFile(const std::string &path, DiagnosticList &diagnostics);
};

} // namespace switchyard
