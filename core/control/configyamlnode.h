// SPDX-License-Identifier: Apache-2.0
#pragma once

// Helpers for reading a yaml-cpp node tree with positions. Internal to the
// config loader: yaml-cpp types do not appear in public core headers.

#include "common/diagnostic.h"

#include <yaml-cpp/yaml.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace switchyard {

// One `key: value` of a mapping, with the positions diagnostics point at.
struct ConfigMapEntry
{
    std::string key;
    YAML::Node keyNode;
    YAML::Node value;
    SourcePosition keyPosition;
};

// 1-based position of a node (unknown when yaml-cpp has no mark). The
// length covers a scalar's text, quotes included.
SourcePosition nodePosition(const YAML::Node &node);

// Where a diagnostic about an entry's value points: the value, or the key
// when the value is empty (yaml-cpp marks an empty value at the next token).
SourcePosition valuePosition(const ConfigMapEntry &entry);

// "a mapping", "a list", "the string 'abc'", "empty" — for type errors.
std::string describeNode(const YAML::Node &node);

// "'FIELD' must be EXPECTED, not …" / "…, but it is empty".
std::string typeMismatch(std::string_view field, std::string_view expected, const YAML::Node &node);

// The entries of a mapping in file order. Later duplicates of a key and
// keys that are not scalars are left out: ConfigParser reports those.
std::vector<ConfigMapEntry> mapEntries(const YAML::Node &mapping);

// true/false for a plain (unquoted) YAML boolean, nullopt for anything else.
std::optional<bool> plainBool(const YAML::Node &node);

// "a, b or c".
std::string allowedList(std::span<const std::string_view> allowed);

// "unknown WHAT 'value'; did you mean 'x'?", or "…; use a or b" when no
// allowed value is close.
std::string unknownChoice(std::string_view what, const std::string &value, std::span<const std::string_view> allowed);

// "unknown key 'X' WHERE; did you mean 'Y'?" at the key.
void reportUnknownKey(const ConfigMapEntry &entry, std::span<const std::string_view> known, std::string_view where,
                      const std::string &path, DiagnosticList &diagnostics);

// "endpoints[1]" + "url" → "endpoints[1].url"; "" + "version" → "version".
std::string joinPath(const std::string &parent, std::string_view key);

} // namespace switchyard
