// SPDX-License-Identifier: Apache-2.0
#include "control/configyamlnode.h"

#include "common/textdistance.h"

#include <algorithm>
#include <set>

namespace switchyard {

namespace {

bool isQuoted(const YAML::Node &node)
{
    return node.Tag() == "!";
}

std::string shortened(const std::string &text)
{
    constexpr std::size_t Max = 60;
    std::string out = text.size() > Max ? text.substr(0, Max) + "..." : text;
    std::replace(out.begin(), out.end(), '\n', ' ');
    return out;
}

} // namespace

SourcePosition nodePosition(const YAML::Node &node)
{
    const YAML::Mark mark = node.Mark();
    if (mark.is_null() || mark.line < 0)
        return {};
    SourcePosition pos{mark.line + 1, mark.column + 1, 0};
    if (node.IsScalar()) {
        const std::string &text = node.Scalar();
        if (text.find('\n') == std::string::npos)
            pos.length = static_cast<int>(text.size()) + (isQuoted(node) ? 2 : 0);
    }
    return pos;
}

SourcePosition valuePosition(const ConfigMapEntry &entry)
{
    if (!entry.value.IsDefined() || entry.value.IsNull())
        return entry.keyPosition;
    return nodePosition(entry.value);
}

std::string describeNode(const YAML::Node &node)
{
    if (!node.IsDefined() || node.IsNull())
        return "empty";
    if (node.IsMap())
        return "a mapping";
    if (node.IsSequence())
        return "a list";
    return "the " + std::string(isQuoted(node) ? "quoted " : "") + "value '" + shortened(node.Scalar()) + "'";
}

std::string typeMismatch(std::string_view field, std::string_view expected, const YAML::Node &node)
{
    std::string out = "'" + std::string(field) + "' must be " + std::string(expected);
    if (!node.IsDefined() || node.IsNull())
        return out + ", but it is empty";
    return out + ", not " + describeNode(node);
}

std::vector<ConfigMapEntry> mapEntries(const YAML::Node &mapping)
{
    std::vector<ConfigMapEntry> out;
    if (!mapping.IsMap())
        return out;
    std::set<std::string> seen;
    for (const auto &item : mapping) {
        if (!item.first.IsScalar())
            continue;
        ConfigMapEntry entry{item.first.Scalar(), item.first, item.second, nodePosition(item.first)};
        if (!seen.insert(entry.key).second)
            continue;
        out.push_back(std::move(entry));
    }
    return out;
}

std::optional<bool> plainBool(const YAML::Node &node)
{
    if (!node.IsScalar())
        return std::nullopt;
    const std::string &tag = node.Tag();
    if (tag != "?" && tag != "tag:yaml.org,2002:bool")
        return std::nullopt;
    const std::string &v = node.Scalar();
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
