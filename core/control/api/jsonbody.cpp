// SPDX-License-Identifier: Apache-2.0
#include "control/api/jsonbody.h"

#include "common/textdistance.h"
#include "policy/jsonsyntaxchecker.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QString>

#include <algorithm>
#include <set>

namespace switchyard {

namespace {

ApiError malformed(std::string message)
{
    return ApiError{400, ApiErrorCode::MalformedBody, "The request body is not valid JSON: " + std::move(message)};
}

std::string_view typeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null: return "null";
    case QJsonValue::Bool: return "a boolean";
    case QJsonValue::Double: return "a number";
    case QJsonValue::String: return "a string";
    case QJsonValue::Array: return "an array";
    case QJsonValue::Object: return "an object";
    case QJsonValue::Undefined: break;
    }
    return "undefined";
}

// Qt keeps the last of duplicated names silently; a strict API says so.
// Walks the raw text (already known to be valid JSON) for the top-level
// object's member names.
std::optional<std::string> duplicateTopLevelName(std::string_view text)
{
    std::set<std::string> seen;
    int depth = 0;
    bool expectName = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '{' || c == '[') {
            ++depth;
            expectName = depth == 1 && c == '{';
        } else if (c == '}' || c == ']') {
            --depth;
        } else if (c == ',' && depth == 1) {
            expectName = true;
        } else if (c == '"') {
            std::string raw;
            std::size_t j = i + 1;
            for (; j < text.size() && text[j] != '"'; ++j) {
                if (text[j] == '\\' && j + 1 < text.size())
                    raw += text[j++];
                raw += text[j];
            }
            if (depth == 1 && expectName) {
                if (!seen.insert(raw).second)
                    return raw;
                expectName = false;
            }
            i = j;
        }
    }
    return std::nullopt;
}

} // namespace

std::variant<JsonBody, ApiError> JsonBody::parse(std::string_view text)
{
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
        return malformed("the body is empty; send a JSON object");
    if (auto problem = JsonSyntaxChecker::check(text))
        return malformed(problem->message + " at byte offset " + std::to_string(problem->offset));
    // Qt 6.4 refuses top-level scalars with a vague "illegal value".
    std::size_t start = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    start = text.find_first_not_of(" \t\r\n", start);
    if (start == std::string_view::npos)
        return malformed("the body is empty; send a JSON object");
    if (text[start] != '{')
        return malformed("expected a JSON object at byte offset " + std::to_string(start) + ", found "
                         + (text[start] == '[' ? "an array" : "a scalar"));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(text.data(), static_cast<qsizetype>(text.size())), &error);
    if (error.error != QJsonParseError::NoError)
        return malformed(error.errorString().toStdString() + " at byte offset " + std::to_string(error.offset));
    if (auto duplicate = duplicateTopLevelName(text))
        return malformed("the field \"" + *duplicate + "\" is given more than once");
    return JsonBody(doc.object());
}

void JsonBody::rejectUnknown(std::span<const std::string_view> known)
{
    for (auto it = m_object.begin(); it != m_object.end(); ++it) {
        const std::string name = it.key().toStdString();
        if (std::find(known.begin(), known.end(), name) != known.end())
            continue;
        std::string message = "unknown field \"" + name + "\"";
        if (const std::string guess = closestMatch(name, known); !guess.empty())
            message += "; did you mean \"" + guess + "\"?";
        else {
            message += "; known fields:";
            for (std::string_view k : known)
                message += " " + std::string(k);
        }
        fail(name, message);
        return;
    }
}

bool JsonBody::has(std::string_view name) const
{
    return m_object.contains(QString::fromUtf8(name.data(), static_cast<qsizetype>(name.size())));
}

std::optional<QJsonValue> JsonBody::field(std::string_view name) const
{
    const QJsonValue value = m_object.value(QString::fromUtf8(name.data(), static_cast<qsizetype>(name.size())));
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    return value;
}

void JsonBody::fail(std::string fieldName, std::string message, std::string code)
{
    if (m_error)
        return;
    ApiError error{400, std::move(code), "Invalid field \"" + fieldName + "\": " + message};
    error.details.insert("field", QString::fromStdString(fieldName));
    m_error = std::move(error);
}

void JsonBody::wrongType(std::string_view name, std::string_view expected, const QJsonValue &value)
{
    fail(std::string(name), "expected " + std::string(expected) + ", found " + std::string(typeName(value)));
}

std::optional<std::string> JsonBody::string(std::string_view name)
{
    auto value = field(name);
    if (!value)
        return std::nullopt;
    if (!value->isString()) {
        wrongType(name, "a string", *value);
        return std::nullopt;
    }
    return value->toString().toStdString();
}

std::optional<bool> JsonBody::boolean(std::string_view name)
{
    auto value = field(name);
    if (!value)
        return std::nullopt;
    if (!value->isBool()) {
        wrongType(name, "a boolean (true or false)", *value);
        return std::nullopt;
    }
    return value->toBool();
}

std::optional<std::vector<std::string>> JsonBody::stringList(std::string_view name)
{
    auto value = field(name);
    if (!value)
        return std::nullopt;
    if (!value->isArray()) {
        wrongType(name, "an array of strings", *value);
        return std::nullopt;
    }
    std::vector<std::string> list;
    const QJsonArray array = value->toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        if (!array.at(i).isString()) {
            wrongType(std::string(name) + "[" + std::to_string(i) + "]", "a string", array.at(i));
            return std::nullopt;
        }
        list.push_back(array.at(i).toString().toStdString());
    }
    return list;
}

std::optional<QJsonObject> JsonBody::object(std::string_view name)
{
    auto value = field(name);
    if (!value)
        return std::nullopt;
    if (!value->isObject()) {
        wrongType(name, "an object", *value);
        return std::nullopt;
    }
    return value->toObject();
}

std::optional<std::string> JsonBody::stringOrObject(std::string_view name)
{
    auto value = field(name);
    if (!value)
        return std::nullopt;
    if (value->isString())
        return value->toString().toStdString();
    if (value->isObject())
        return QJsonDocument(value->toObject()).toJson(QJsonDocument::Compact).toStdString();
    wrongType(name, "a string (YAML or JSON) or an object", *value);
    return std::nullopt;
}

} // namespace switchyard
