// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "data/http/httpfeedresult.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace switchyard {

// Internal to the HTTP parsers. Decodes the chunk framing of a chunked body
// up to and including the last-chunk line (RFC 9112 §7.1); the trailer
// section that follows is left to HttpHeadScanner. Strict: 1..16 hex digits,
// no whitespace after the size, extensions bounded and free of control
// characters (they are discarded), CRLF only.
class HttpChunkedDecoder
{
public:
    enum class Outcome { NeedMore, LastChunk, Error };
    struct Step
    {
        std::size_t consumed = 0;
        Outcome outcome = Outcome::NeedMore;
        std::string_view data; // chunk data found in this step (may be empty)
    };

    // maxBody: 0 = unlimited, else a larger total answers 413.
    void reset(std::uint64_t maxBody, std::size_t maxLineLength);
    // Returns after at most one span of chunk data, so the caller can deliver it.
    Step feed(std::string_view input);
    const HttpParseError &error() const { return m_error; }

private:
    enum class State { Size, Ext, SizeLf, Data, DataCr, DataLf };
    Step fail(std::size_t consumed, int status, const char *reason);

    State m_state = State::Size;
    std::uint64_t m_chunkSize = 0;
    std::uint64_t m_remaining = 0;
    std::uint64_t m_total = 0;
    std::uint64_t m_maxBody = 0;
    std::size_t m_maxLine = 0;
    std::size_t m_lineLength = 0;
    int m_digits = 0;
    HttpParseError m_error;
};

} // namespace switchyard
