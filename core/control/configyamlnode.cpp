// SPDX-License-Identifier: Apache-2.0
#include "control/configyamlnode.h"

#include "common/textdistance.h"

#include <algorithm>

namespace switchyard {

namespace {

// Quoted and block scalars are strings whatever their text.
bool isQuoted(const YamlNode &node)
{
    return node.style() != YamlNode::Style::Plain;
}

std::string shortened(const std::string &text)
{
    constexpr std::size_t Max = 60;
    std::string out = text.size() > Max ? text.substr(0, Max) + "..." : text;
    std::replace(out.begin(), out.end(), '\n', ' ');
    return out;
}

} // namespace

SourcePosition valuePosition(const ConfigMapEntry &entry)
{
    if (entry.value->isNull())
        return entry.keyPosition;
    return entry.value->position();
}

std::string describeNode(const YamlNode &node)
{
    if (node.isNull())
        return "empty";
    if (node.isMapping())
        return "a mapping";
    if (node.isSequence())
        return "a list";
    return "the " + std::string(isQuoted(node) ? "quoted " : "") + "value '" + shortened(node.scalar()) + "'";
}

std::string typeMismatch(std::string_view field, std::string_view expected, const YamlNode &node)
{
    std::string out = "'" + std::string(field) + "' must be " + std::string(expected);
    if (node.isNull())
        return out + ", but it is empty";
    return out + ", not " + describeNode(node);
}

std::vector<ConfigMapEntry> mapEntries(const YamlNode &mapping)
{
    std::vector<ConfigMapEntry> out;
    if (!mapping.isMapping())
        return out;
    // YamlDocument has dropped (and reported) later duplicates of a key.
    for (std::size_t i = 0; i < mapping.size(); ++i) {
        const YamlNode &key = mapping.key(i);
        if (key.isScalar())
            out.push_back(ConfigMapEntry{key.scalar(), &key, &mapping.value(i), key.position()});
    }
    return out;
}

std::optional<bool> plainBool(const YamlNode &node)
{
    if (!node.isScalar() || node.style() != YamlNode::Style::Plain)
        return std::nullopt;
    if (!node.tag().empty() && node.tag() != "tag:yaml.org,2002:bool")
        return std::nullopt;
    const std::string &v = node.scalar();
    if (v == "true" || v == "True" || v == "TRUE")
        return true;
    if (v == "false" || v == "False" || v == "FALSE")
        return false;
    return std::nullopt;
}

std::string allowedList(std::span<const std::string_view> allowed)
{
    std::string out;
    for (std::size_t i = 0; i < allowed.size(); ++i) {
        if (i > 0)
            out += i + 1 == allowed.size() ? " or " : ", ";
        out += allowed[i];
    }
    return out;
}

std::string unknownChoice(std::string_view what, const std::string &value, std::span<const std::string_view> allowed)
{
    std::string message = "unknown " + std::string(what) + " '" + value + "'";
    if (const std::string hint = closestMatch(value, allowed); !hint.empty())
        return message + "; did you mean '" + hint + "'?";
    return message + "; use " + allowedList(allowed);
}

void reportUnknownKey(const ConfigMapEntry &entry, std::span<const std::string_view> known, std::string_view where,
                      const std::string &path, DiagnosticList &diagnostics)
{
    std::string message = "unknown key '" + entry.key + "' " + std::string(where);
    if (const std::string hint = closestMatch(entry.key, known); !hint.empty())
        message += "; did you mean '" + hint + "'?";
    diagnostics.error(std::move(message), entry.keyPosition, joinPath(path, entry.key));
}

std::string joinPath(const std::string &parent, std::string_view key)
{
    return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

} // namespace switchyard
