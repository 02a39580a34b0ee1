// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "data/engine/capturesink.h"

#include <optional>
#include <string>
#include <string_view>

namespace switchyard {

// The capture store's own encoding of an exchange: a version byte, then
// every field in a fixed order, integers as LEB128 varints (signed ones
// zigzagged), strings and bodies as length + raw bytes. It exists because
// the writer encodes every exchange the core forwards: a JSON document cost
// ~30x more CPU than this and made capture the dominant cost of a request.
// decode() checks every length against the input and returns nothing for
// damaged data; it never reads past the end.
class CaptureCodec
{
public:
    static constexpr unsigned char Version = 1;

    static std::string encode(const CapturedExchange &exchange);
    // Appends the encoding to `out` (which keeps its capacity between calls,
    // so a warm buffer allocates nothing); returns the bytes appended.
    static std::size_t appendTo(const CapturedExchange &exchange, std::string &out);
    static std::optional<CapturedExchange> decode(std::string_view data);
};

} // namespace switchyard
