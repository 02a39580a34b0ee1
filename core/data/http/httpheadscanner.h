// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "data/http/httpfeedresult.h"
#include "data/http/httpheaders.h"
#include "data/http/httplimits.h"
#include "data/http/httpmessage.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace switchyard {

// A start line and header section as found on the wire, before any
// semantic checks (Host, framing, ...).
struct HttpRawHead
{
    std::string method; // requests
    std::string target; // requests
    int status = 0;     // responses
    std::string reason; // responses
    HttpVersion version = HttpVersion::Http11;
    HttpHeaders headers;
};

// Internal to the HTTP parsers. A strict, incremental line scanner for a
// message head or a trailer section (RFC 9112 §2.2, §3, §4, §5): CRLF line
// ends only, no NUL/bare CR/bare LF/control characters, no obs-fold or
// whitespace-prefixed lines, no whitespace before ':', no empty names, a
// strictly formed start line, and the head size/count/target limits.
// Every check fires at a fixed byte, so results never depend on how the
// input is split.
class HttpHeadScanner
{
public:
    enum class Mode { Request, Response, Trailers };
    enum class Outcome { NeedMore, Complete, Error };
    struct Step
    {
        // Complete: bytes up to and including the final LF.
        // Error: bytes before the offending one.
        std::size_t consumed = 0;
        Outcome outcome = Outcome::NeedMore;
    };

    HttpHeadScanner(Mode mode, const HttpLimits &limits);

    void reset(Mode mode);
    Step scan(std::string_view data);
    // True when nothing but optional empty lines of the next message was seen.
    bool idle() const;

    HttpRawHead &head() { return m_head; }
    const HttpParseError &error() const { return m_error; }

private:
    enum class LineResult { Continue, Complete, Error };
    LineResult endLine(std::string_view line);
    LineResult parseRequestLine(std::string_view line);
    LineResult parseStatusLine(std::string_view line);
    LineResult parseFieldLine(std::string_view line);
    LineResult fail(int status, std::string reason);

    Mode m_mode;
    const HttpLimits &m_limits;
    HttpRawHead m_head;
    HttpParseError m_error;
    std::string m_line; // the current line's bytes from earlier scan() calls only
    std::size_t m_bytes = 0;
    std::size_t m_fieldCount = 0;
    std::size_t m_targetLength = 0;
    int m_startLineSpaces = 0;
    bool m_inStartLine = true;
    bool m_sawCr = false;
};

} // namespace switchyard
