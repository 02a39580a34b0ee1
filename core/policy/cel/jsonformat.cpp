// SPDX-License-Identifier: Apache-2.0
#include "policy/cel/jsonformat.h"

#include "policy/cel/textformat.h"
#include "policy/cel/timeutil.h"

#include <cmath>

namespace switchyard::cel {

namespace {

std::string quoted(std::string_view s) { return "\"" + jsonEscape(s) + "\""; }

std::string keyText(const Value &k)
{
    switch (k.kind()) {
    case ValueKind::String: return std::string(k.stringValue());
    case ValueKind::Bool: return k.boolValue() ? "true" : "false";
    case ValueKind::Int: return std::to_string(k.intValue());
    case ValueKind::Uint: return std::to_string(k.uintValue());
    default: return k.debugString();
    }
}

} // namespace

std::string toJson(const Value &v)
{
    switch (v.kind()) {
    case ValueKind::Null: return "null";
    case ValueKind::Bool: return v.boolValue() ? "true" : "false";
    case ValueKind::Int: return std::to_string(v.intValue());
    case ValueKind::Uint: return std::to_string(v.uintValue());
    case ValueKind::Double: {
        const double d = v.doubleValue();
        if (std::isnan(d) || std::isinf(d))
            return quoted(formatDoubleLiteral(d));
        return formatDoubleLiteral(d);
    }
    case ValueKind::String: return quoted(v.stringValue());
    case ValueKind::Bytes: return quoted(base64Encode(v.stringValue()));
    case ValueKind::List: {
        std::string out = "[";
        bool first = true;
        for (const Value &e : v.listValue()) {
            out += first ? "" : ",";
            first = false;
            out += toJson(e);
        }
        return out + "]";
    }
    case ValueKind::Map: {
        std::string out = "{";
        bool first = true;
        for (const auto &[k, e] : v.mapValue().entries()) {
            out += first ? "" : ",";
            first = false;
            out += quoted(keyText(k)) + ":" + toJson(e);
        }
        return out + "}";
    }
    case ValueKind::Type: return quoted(v.typeValue());
    case ValueKind::Timestamp: return quoted(formatTimestamp(v.timestampValue()));
    case ValueKind::Duration: return quoted(formatDuration(v.durationValue()));
    case ValueKind::Error: return "{\"error\":" + quoted(v.errorMessage()) + "}";
    }
    return "null";
}

} // namespace switchyard::cel
