// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

// Text helpers shared by the CEL engine: quoting, number formatting, UTF-8.
namespace switchyard::cel {

// "..." with C-style escapes, for diagnostics and debug output.
std::string quoteString(std::string_view s);
// Like quoteString, but every non-printable or non-ASCII byte is \xHH.
std::string quoteBytes(std::string_view b);
// A double as a CEL/JSON literal that stays a double: 1.0, 1.5, 1e+100, NaN.
std::string formatDoubleLiteral(double d);
// A double as CEL's string(double) prints it (Go's 'g' shortest form): 1000, 1e+21, -0.0045.
std::string formatDoubleText(double d);
// JSON string contents (without quotes).
std::string jsonEscape(std::string_view s);

bool isValidUtf8(std::string_view s);
// Number of code points in valid UTF-8 text.
std::size_t utf8Length(std::string_view s);
// Appends the UTF-8 encoding of a code point.
void appendUtf8(std::string &out, std::uint32_t codePoint);
// Byte offset of the code point with index `cp` (or s.size() if past the end).
std::size_t utf8Offset(std::string_view s, std::size_t cp);

std::string base64Encode(std::string_view data);
// Accepts standard and URL-safe alphabets, padding optional; false on bad input.
bool base64Decode(std::string_view text, std::string &out);

} // namespace switchyard::cel
