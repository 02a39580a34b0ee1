// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/cel/value.h"

#include <string_view>

namespace switchyard::cel {

// Parses JSON text (RFC 8259) into a CEL value: objects → map(string, dyn),
// arrays → list, strings → string, true/false → bool, null → null, numbers
// written without fraction or exponent that fit int64 → int, other numbers →
// double. Bad input, duplicate keys or nesting deeper than 128 levels give
// an error Value ("json: ... at offset N"). The inverse of toJson() for
// JSON's own types.
Value parseJson(std::string_view text);

} // namespace switchyard::cel
