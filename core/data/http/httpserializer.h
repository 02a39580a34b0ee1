// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "data/http/httpheaders.h"
#include "data/http/httpmessage.h"

#include <string>
#include <string_view>

namespace switchyard {

// Writes heads and chunk framing back as bytes: one field per line as
// "Name: value", CRLF everywhere. Heads are written from parsed fields only,
// never copied raw (proxy-hardening §2 rule 3). Defensive against fields
// edited after parsing: a field whose name is not a token is skipped, CR,
// LF and NUL in values become SP (RFC 9110 §5.5), and bytes of the target
// that cannot appear in a request line are percent-encoded, so nothing can
// inject a line. Framing headers are written as present in the head: use
// prepareUpstreamRequest/prepareClientResponse to make them match.
class HttpSerializer
{
public:
    static std::string requestHead(const HttpRequestHead &head);
    static std::string responseHead(const HttpResponseHead &head);
    static void appendRequestHead(std::string &out, const HttpRequestHead &head);
    static void appendResponseHead(std::string &out, const HttpResponseHead &head);

    // One chunk; nothing for empty data (an empty chunk would end the body).
    static void appendChunk(std::string &out, std::string_view data);
    // The last chunk, optional trailer fields and the final CRLF.
    static void appendLastChunk(std::string &out, const HttpHeaders &trailers = {});

    static const char *reasonPhrase(int status);
};

} // namespace switchyard
