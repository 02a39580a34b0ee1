// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "control/api/apierror.h"

#include <QJsonObject>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace switchyard {

// A request body read strictly: one JSON object (RFC 8259, no trailing
// commas, no duplicate names), known field names only, each of its declared
// type. The typed getters return nullopt for an absent (or null) field and
// remember the first type error, so a handler reads every field and then
// checks firstError() once.
class JsonBody
{
public:
    // Malformed JSON, or anything but an object, is a 400 whose message gives
    // the byte offset of the problem.
    static std::variant<JsonBody, ApiError> parse(std::string_view text);

    // Records an error for the first field not in `known` (with a "did you
    // mean" when one is close).
    void rejectUnknown(std::span<const std::string_view> known);

    bool has(std::string_view name) const;
    bool empty() const { return m_object.isEmpty(); }
    const QJsonObject &object() const { return m_object; }

    std::optional<std::string> string(std::string_view name);
    std::optional<bool> boolean(std::string_view name);
    std::optional<std::vector<std::string>> stringList(std::string_view name);
    std::optional<QJsonObject> object(std::string_view name);
    // A string, or an object given back re-serialised as compact JSON (a
    // traffic policy may be written either way).
    std::optional<std::string> stringOrObject(std::string_view name);

    // A field-level error found by a caller's own check (same shape).
    void fail(std::string field, std::string message, std::string code = ApiErrorCode::InvalidField);
    const std::optional<ApiError> &firstError() const { return m_error; }

private:
    explicit JsonBody(QJsonObject object) : m_object(std::move(object)) {}
    std::optional<QJsonValue> field(std::string_view name) const;
    void wrongType(std::string_view name, std::string_view expected, const QJsonValue &value);

    QJsonObject m_object;
    std::optional<ApiError> m_error;
};

} // namespace switchyard
