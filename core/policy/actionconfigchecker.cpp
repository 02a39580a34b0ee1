// SPDX-License-Identifier: Apache-2.0
#include "policy/actionconfigchecker.h"

#include "common/textdistance.h"
#include "policy/policyvalues.h"

#include <algorithm>
#include <cstdio>
#include <set>

namespace switchyard {

namespace {

std::string formatNumber(double v)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%g", v);
    std::string s = buffer;
    if (s.find_first_of(".e") == std::string::npos)
        s += ".0";
    return s;
}

std::string joinNames(std::span<const std::string_view> names)
{
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0)
            out += i + 1 == names.size() ? " or " : ", ";
        out += names[i];
    }
    return out;
}

// How a value that is not the wanted scalar is named: "'abc'", "the string \"200\"", "a list".
std::string shown(const PolicyNode &value)
{
    if (value.isPlainScalar())
        return "'" + value.scalar + "'";
    if (value.isScalar())
        return "the string \"" + value.scalar + "\"";
    return std::string(value.describe());
}

std::string entries(long long n)
{
    return std::to_string(n) + (n == 1 ? " entry" : " entries");
}

// "from 100 to 599", "at least 1", "at most 10".
std::string rangeText(const std::string &low, const std::string &high, bool hasLow, bool hasHigh)
{
    if (hasLow && hasHigh)
        return "from " + low + " to " + high;
    if (hasLow)
        return "at least " + low;
    return "at most " + high;
}

} // namespace

void ActionConfigChecker::check(const ActionSchema &schema, const PolicyAction &action, PolicyPhase phase)
{
    const PolicyNode &config = action.config;
    const SourcePosition missingAt = config.keyPosition.known() ? config.keyPosition : action.typePosition;
    if (config.isMap())
        checkMembers(schema.fields, config, std::string(schema.type), missingAt);
    else
        checkMembers(schema.fields, PolicyNode{}, std::string(schema.type), missingAt);
    if (schema.rule)
        schema.rule(action, phase, m_diagnostics);
}

void ActionConfigChecker::checkMembers(std::span<const FieldSchema> fields, const PolicyNode &map,
                                       const std::string &owner, SourcePosition missingAt)
{
    std::vector<std::string_view> names;
    for (const FieldSchema &f : fields)
        names.push_back(f.name);
    for (const PolicyNode &entry : map.children) {
        const auto field = std::find_if(fields.begin(), fields.end(),
                                        [&](const FieldSchema &f) { return f.name == entry.key; });
        if (field != fields.end()) {
            checkField(*field, entry);
            continue;
        }
        std::string message = "unknown field '" + entry.key + "' in " + owner;
        if (fields.empty()) {
            message += "; " + owner + " takes no config";
        } else if (const std::string near = closestMatch(entry.key, names); !near.empty()) {
            message += "; did you mean '" + near + "'?";
        } else {
            message += "; expected " + joinNames(names);
        }
        m_diagnostics.error(message, entry.keyPosition, entry.path);
    }
    for (const FieldSchema &f : fields) {
        if (f.required && !map.find(f.name))
            m_diagnostics.error(owner + " needs '" + std::string(f.name) + "'", missingAt, map.path);
    }
}

void ActionConfigChecker::checkCount(const FieldSchema &field, const PolicyNode &value)
{
    const auto count = static_cast<long long>(value.children.size());
    const std::string name = "'" + std::string(field.name) + "'";
    if (count == 0 && field.min > 0) {
        m_diagnostics.error(name + " must not be empty", value.position, value.path);
        return;
    }
    if ((field.min > 0 && count < field.min) || (field.max > 0 && count > field.max)) {
        std::string bound;
        if (field.min > 0 && field.max > 0)
            bound = std::to_string(field.min) + " to " + entries(field.max);
        else if (field.max > 0)
            bound = "at most " + entries(field.max);
        else
            bound = "at least " + entries(field.min);
        m_diagnostics.error(name + " must have " + bound + ", not " + std::to_string(count), value.position,
                            value.path);
    }
}

bool ActionConfigChecker::checkString(const FieldSchema &field, const PolicyNode &value, const std::string &name)
{
    if (!value.isScalar()) {
        m_diagnostics.error(name + " must be a string, not " + std::string(value.describe()), value.position,
                            value.path);
        return false;
    }
    const std::string &text = value.scalar;
    const bool interpolated = PolicyValues::hasInterpolation(text);
    if (interpolated && !field.interpolation) {
        m_diagnostics.error(name + " does not support ${} interpolation", value.position, value.path);
        return false;
    }
    if (interpolated) {
        collectInterpolations(value);
        return true; // the rest can only be checked once evaluated
    }
    const long long minLength = field.type == FieldType::StringList ? field.itemMin : field.min;
    const long long maxLength = field.type == FieldType::StringList ? field.itemMax : field.max;
    const auto length = static_cast<long long>(text.size());
    if (length == 0 && minLength > 0) {
        m_diagnostics.error(name + " must not be empty", value.position, value.path);
        return false;
    }
    if ((minLength > 0 && length < minLength) || (maxLength > 0 && length > maxLength)) {
        m_diagnostics.error(name + " must be " + rangeText(std::to_string(minLength), std::to_string(maxLength), minLength > 0, maxLength > 0)
                                + " characters long, not " + std::to_string(length),
                            value.position, value.path);
        return false;
    }
    if (!field.allowed.empty()
        && std::find(field.allowed.begin(), field.allowed.end(), text) == field.allowed.end()) {
        // Long value lists (webhook providers) are left to the docs.
        const bool listValues = field.allowed.size() <= 8;
        std::string message = listValues ? name + " must be " + (field.allowed.size() == 1 ? "" : "one of ")
                                               + joinNames(field.allowed) + ", not '" + text + "'"
                                         : name + " cannot be '" + text + "'";
        if (const std::string near = closestMatch(text, field.allowed); !near.empty())
            message += "; did you mean '" + near + "'?";
        else if (!listValues)
            message += "; docs/traffic-policy.md lists the accepted values";
        m_diagnostics.error(message, value.position, value.path);
        return false;
    }
    switch (field.check) {
    case StringCheck::None: break;
    case StringCheck::HeaderName:
        if (!PolicyValues::isHeaderName(text)) {
            m_diagnostics.error("'" + text + "' is not a valid header name", value.position, value.path);
            return false;
        }
        break;
    case StringCheck::Cidr:
        if (auto problem = PolicyValues::cidrProblem(text)) {
            m_diagnostics.error(*problem, value.position, value.path);
            return false;
        }
        break;
    case StringCheck::Regex:
        if (auto problem = PolicyValues::regexProblem(text)) {
            m_diagnostics.error(name + " is not a valid regular expression: " + *problem, value.position, value.path);
            return false;
        }
        break;
    case StringCheck::Url:
        if (!PolicyValues::isHttpUrl(text)) {
            m_diagnostics.error(name + " must be an http:// or https:// URL, not '" + text + "'", value.position,
                                value.path);
            return false;
        }
        break;
    }
    return true;
}

void ActionConfigChecker::checkField(const FieldSchema &field, const PolicyNode &value)
{
    const std::string name = "'" + std::string(field.name) + "'";
    if (value.isNull() && field.type != FieldType::Any) {
        m_diagnostics.error(name + " has no value", value.position, value.path);
        return;
    }
    switch (field.type) {
    case FieldType::String: checkString(field, value, name); return;
    case FieldType::Integer: {
        const auto v = value.isPlainScalar() ? PolicyValues::parseInteger(value.scalar) : std::nullopt;
        if (!v) {
            m_diagnostics.error(name + " must be an integer, not " + shown(value),
                                value.position, value.path);
            return;
        }
        const bool hasLow = field.min != 0 || field.max != 0;
        if (field.min == field.max && hasLow && *v != field.min)
            m_diagnostics.error(name + " must be " + std::to_string(field.min) + ", not " + value.scalar, value.position,
                                value.path);
        else if ((hasLow && *v < field.min) || (field.max != 0 && *v > field.max))
            m_diagnostics.error(name + " must be " + rangeText(std::to_string(field.min), std::to_string(field.max), hasLow, field.max != 0)
                                    + ", not " + value.scalar,
                                value.position, value.path);
        return;
    }
    case FieldType::Number: {
        const auto v = value.isPlainScalar() ? PolicyValues::parseNumber(value.scalar) : std::nullopt;
        if (!v) {
            m_diagnostics.error(name + " must be a number, not " + shown(value),
                                value.position, value.path);
            return;
        }
        if (*v < field.minNumber || *v > field.maxNumber)
            m_diagnostics.error(name + " must be from " + formatNumber(field.minNumber) + " to "
                                    + formatNumber(field.maxNumber) + ", not " + value.scalar,
                                value.position, value.path);
        return;
    }
    case FieldType::Boolean:
        if (!value.isPlainScalar() || !PolicyValues::parseBoolean(value.scalar))
            m_diagnostics.error(name + " must be true or false, not " + shown(value),
                                value.position, value.path);
        return;
    case FieldType::Duration: {
        const auto ms = value.isScalar() ? PolicyValues::parseDuration(value.scalar) : std::nullopt;
        if (!ms) {
            m_diagnostics.error(name + " must be a duration such as 10s, 1m or 1h, not "
                                    + (value.isScalar() ? "'" + value.scalar + "'" : std::string(value.describe())),
                                value.position, value.path);
            return;
        }
        if ((field.min > 0 && *ms < field.min) || (field.max > 0 && *ms > field.max)) {
            m_diagnostics.error(name + " must be " + rangeText(PolicyValues::formatDuration(field.min), PolicyValues::formatDuration(field.max), field.min > 0, field.max > 0)
                                    + ", not " + value.scalar,
                                value.position, value.path);
            return;
        }
        if (field.multipleOf > 0 && *ms % field.multipleOf != 0)
            m_diagnostics.error(name + " must be a multiple of " + PolicyValues::formatDuration(field.multipleOf)
                                    + ", not " + value.scalar,
                                value.position, value.path);
        return;
    }
    case FieldType::StringList: {
        if (!value.isSequence()) {
            m_diagnostics.error(name + " must be a list, not " + std::string(value.describe()), value.position,
                                value.path);
            return;
        }
        checkCount(field, value);
        std::set<std::string> seen;
        for (const PolicyNode &item : value.children) {
            if (!checkString(field, item, "each entry of " + name))
                continue;
            if (field.unique && !seen.insert(item.scalar).second)
                m_diagnostics.error("'" + item.scalar + "' appears twice in " + name, item.position, item.path);
        }
        return;
    }
    case FieldType::StringMap: {
        if (!value.isMap()) {
            m_diagnostics.error(name + " must be a map, not " + std::string(value.describe()), value.position,
                                value.path);
            return;
        }
        checkCount(field, value);
        for (const PolicyNode &entry : value.children) {
            if (field.check == StringCheck::HeaderName && !PolicyValues::isHeaderName(entry.key))
                m_diagnostics.error("'" + entry.key + "' is not a valid header name", entry.keyPosition, entry.path);
            if (!entry.isScalar() && !entry.isNull()) {
                m_diagnostics.error("the value of '" + entry.key + "' must be a string, not "
                                        + std::string(entry.describe()),
                                    entry.position, entry.path);
                continue;
            }
            if (PolicyValues::hasInterpolation(entry.scalar)) {
                if (field.interpolation)
                    collectInterpolations(entry);
                else
                    m_diagnostics.error(name + " does not support ${} interpolation", entry.position, entry.path);
            }
        }
        return;
    }
    case FieldType::Object:
        if (!value.isMap()) {
            m_diagnostics.error(name + " must be a map, not " + std::string(value.describe()), value.position,
                                value.path);
            return;
        }
        checkMembers(field.fields, value, name, value.keyPosition);
        return;
    case FieldType::ObjectList:
        if (!value.isSequence()) {
            m_diagnostics.error(name + " must be a list, not " + std::string(value.describe()), value.position,
                                value.path);
            return;
        }
        checkCount(field, value);
        for (const PolicyNode &item : value.children) {
            if (!item.isMap()) {
                m_diagnostics.error("each entry of " + name + " must be a map, not " + std::string(item.describe()),
                                    item.position, item.path);
                continue;
            }
            checkMembers(field.fields, item, "an entry of " + name, item.position);
        }
        return;
    case FieldType::Cel:
        if (value.isScalar() && value.scalar.empty()) {
            m_diagnostics.error(name + " must not be empty", value.position, value.path);
            return;
        }
        if (!value.isScalar()) {
            m_diagnostics.error(name + " must be a CEL expression, not " + std::string(value.describe()),
                                value.position, value.path);
            return;
        }
        m_expressions.push_back(EmbeddedExpression{&value, 1, value.scalar});
        return;
    case FieldType::CelList:
        if (!value.isSequence()) {
            m_diagnostics.error(name + " must be a list of CEL expressions, not " + std::string(value.describe()),
                                value.position, value.path);
            return;
        }
        checkCount(field, value);
        for (const PolicyNode &item : value.children) {
            if (!item.isScalar() || item.scalar.empty()) {
                m_diagnostics.error("each entry of " + name + " must be a CEL expression, not "
                                        + std::string(item.describe()),
                                    item.position, item.path);
                continue;
            }
            m_expressions.push_back(EmbeddedExpression{&item, 1, item.scalar});
        }
        return;
    case FieldType::Any: collectAll(value); return;
    }
}

void ActionConfigChecker::collectInterpolations(const PolicyNode &value)
{
    std::string problem;
    int problemColumn = 0;
    for (PolicyValues::Interpolation &i : PolicyValues::interpolations(value.scalar, &problem, &problemColumn))
        m_expressions.push_back(EmbeddedExpression{&value, i.column, std::move(i.source)});
    if (!problem.empty()) {
        Diagnostic d = Diagnostic::error(problem, m_sourceMap ? m_sourceMap->locate(value, problemColumn) : value.position,
                                         value.path);
        d.exprColumn = problemColumn;
        m_diagnostics.add(std::move(d));
    }
}

void ActionConfigChecker::collectAll(const PolicyNode &value)
{
    if (value.isScalar() && PolicyValues::hasInterpolation(value.scalar))
        collectInterpolations(value);
    for (const PolicyNode &child : value.children)
        collectAll(child);
}

} // namespace switchyard
