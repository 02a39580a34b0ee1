// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/cel/value.h"

#include <initializer_list>
#include <string_view>
#include <utility>

namespace switchyard {

// Builds the values of `actions.ngrok.<action>.*` (reference §6.3): maps
// with string keys, and the `error` map of a failed action.
class ActionResultValue
{
public:
    using Field = std::pair<std::string_view, cel::Value>;
    // Keys must be unique.
    static cel::Value map(std::initializer_list<Field> fields);
    // {code, message}; empty strings when there was no error.
    static cel::Value error(std::string_view code, std::string_view message);
};

} // namespace switchyard
