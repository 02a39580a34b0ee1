// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "data/http/httpheaders.h"
#include "data/http/httpmessage.h"

#include <cstdint>
#include <optional>
#include <string_view>

// Internal character-class and token helpers for the HTTP codec (RFC 9110 §5.6).
namespace switchyard::httpsyntax {

bool isTchar(unsigned char c);
bool isToken(std::string_view s);
std::string_view trimOws(std::string_view s);

// Parses "HTTP/d.d". Returns true for 1.0/1.1. Otherwise sets status to 505
// for a well-formed other version and 400 for a malformed one.
bool parseVersion(std::string_view text, HttpVersion &version, int &status);

// 1*DIGIT without sign, list or overflow (RFC 9110 §8.6).
std::optional<std::uint64_t> parseContentLength(std::string_view text);

} // namespace switchyard::httpsyntax

namespace switchyard::httpsyntax {

enum class TransferEncoding {
    Absent,
    Chunked,         // exactly one coding: chunked
    OtherCodings,    // valid list ending in chunked, with other codings before it
    NotFinalChunked, // chunked missing or not last
    Malformed,       // empty list, bad syntax, chunked twice, parameters on chunked
    Repeated,        // more than one Transfer-Encoding line
};
TransferEncoding readTransferEncoding(const HttpHeaders &headers);

enum class ContentLengthState { Absent, Valid, Invalid, Repeated };
ContentLengthState readContentLength(const HttpHeaders &headers, std::uint64_t &value);

} // namespace switchyard::httpsyntax
