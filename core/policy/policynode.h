// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/diagnostic.h"

#include <string>
#include <string_view>
#include <vector>

namespace switchyard {

// One YAML/JSON node of a policy document, kept with where it came from so
// every later layer (schemas, validator, compiler) can point at it. Map
// entries are children that carry their key; order is the document's.
class PolicyNode
{
public:
    enum class Kind { Null, Scalar, Sequence, Map };
    enum class ScalarStyle { Plain, SingleQuoted, DoubleQuoted, Literal, Folded };

    Kind kind = Kind::Null;
    ScalarStyle style = ScalarStyle::Plain;
    std::string scalar;            // decoded text of a scalar
    SourcePosition position;       // first character of the node (the quote of a quoted scalar)
    std::string path;              // "on_http_request[0].actions[1].config.status_code"
    int offset = -1;               // byte offset of the node in the parsed text; -1 = unknown
    std::string key;               // set on map children
    SourcePosition keyPosition;    // set on map children
    std::vector<PolicyNode> children;

    bool isNull() const { return kind == Kind::Null; }
    bool isScalar() const { return kind == Kind::Scalar; }
    bool isSequence() const { return kind == Kind::Sequence; }
    bool isMap() const { return kind == Kind::Map; }
    // Quoted and block scalars are always strings; plain ones may be numbers or booleans.
    bool isPlainScalar() const { return isScalar() && style == ScalarStyle::Plain; }

    // The child of a map with this key, or nullptr.
    const PolicyNode *find(std::string_view name) const
    {
        if (!isMap())
            return nullptr;
        for (const PolicyNode &c : children) {
            if (c.key == name)
                return &c;
        }
        return nullptr;
    }

    // "a string", "a number", "a list", "a map", "null": for "must be X, not Y" messages.
    std::string_view describe() const
    {
        switch (kind) {
        case Kind::Null: return "empty";
        case Kind::Sequence: return "a list";
        case Kind::Map: return "a map";
        case Kind::Scalar: break;
        }
        if (isPlainScalar()) {
            if (scalar == "true" || scalar == "false")
                return "a boolean";
            if (!scalar.empty() && scalar.find_first_not_of("-+0123456789.eE") == std::string::npos
                && scalar.find_first_of("0123456789") != std::string::npos)
                return "a number";
        }
        return "a string";
    }
};

} // namespace switchyard
