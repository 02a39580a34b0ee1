// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/diagnostic.h"
#include "policy/policynode.h"
#include "policy/policysourcemap.h"

#include <cstddef>
#include <optional>
#include <string>

namespace switchyard {

// Turns policy text (YAML or JSON) into a PolicyNode tree with file
// positions. Syntax problems, tabs in indentation and duplicate keys are
// reported here; the meaning of the tree is PolicyParser's business.
// The text is parsed by YamlDocument (libyaml), which also enforces the
// limits below: policies arrive from the HTTP API.
class PolicyYamlReader
{
public:
    // Nesting deeper than this is refused (untrusted input).
    static constexpr int MaxDepth = 64;
    static constexpr int MaxNodes = 20000;
    static constexpr std::size_t MaxBytes = 1024 * 1024;

    // The root node, Kind::Null for an empty document; nullopt when the text
    // cannot be parsed (the reasons are in `diagnostics`).
    static std::optional<PolicyNode> read(const PolicySourceMap &source, const std::string &pathPrefix,
                                          DiagnosticList &diagnostics);
};

} // namespace switchyard
