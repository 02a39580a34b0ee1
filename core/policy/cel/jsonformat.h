// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "policy/cel/value.h"

#include <string>

namespace switchyard::cel {

// A CEL value as JSON (the `switchyard expr eval` output format):
//   int/uint → number; double → number that always has a fraction or
//   exponent (1.0, 1e+100), NaN/±Infinity → "NaN", "Infinity", "-Infinity";
//   string → string; bytes → base64 string; list → array; map → object with
//   keys stringified (true, 1, "a"); null → null; timestamp → RFC 3339
//   string; duration → "3600s"; type → its name; error → {"error": message}.
std::string toJson(const Value &value);

} // namespace switchyard::cel
