// SPDX-License-Identifier: Apache-2.0
#pragma once

// Helpers for reading a YamlNode tree with positions. Internal to the
// config loader.

#include "common/diagnostic.h"

#include "common/yamlnode.h"

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
    const YamlNode *keyNode = nullptr; // never null; points into the parsed tree
    const YamlNode *value = nullptr;
    SourcePosition keyPosition;
};

// Where a diagnostic about an entry's value points: the value, or the key
// when the value is empty (libyaml marks an empty value past its key's colon).
SourcePosition valuePosition(const ConfigMapEntry &entry);

// "a mapping", "a list", "the string 'abc'", "empty" — for type errors.
std::string describeNode(const YamlNode &node);

// "'FIELD' must be EXPECTED, not …" / "…, but it is empty".
std::string typeMismatch(std::string_view field, std::string_view expected, const YamlNode &node);

// The entries of a mapping in file order. Later duplicates of a key and
// keys that are not scalars are left out: ConfigParser reports those.
std::vector<ConfigMapEntry> mapEntries(const YamlNode &mapping);

// true/false for a plain (unquoted) YAML boolean, nullopt for anything else.
std::optional<bool> plainBool(const YamlNode &node);

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
