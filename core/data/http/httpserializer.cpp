// SPDX-License-Identifier: Apache-2.0
#include "data/http/httpserializer.h"

#include "data/http/httpsyntax.h"

#include <cstdio>

namespace switchyard {

namespace {

void appendFields(std::string &out, const HttpHeaders &headers)
{
    for (const auto &f : headers.fields()) {
        if (!httpsyntax::isToken(f.name))
            continue;
        out += f.name;
        out += ": ";
        for (char c : f.value)
            out.push_back((c == '\r' || c == '\n' || c == '\0') ? ' ' : c);
        out += "\r\n";
    }
}

void appendTarget(std::string &out, std::string_view target)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    for (char ch : target) {
        const auto c = static_cast<unsigned char>(ch);
        if (c <= 0x20 || c >= 0x7f) {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 0xf]);
        } else {
            out.push_back(ch);
        }
    }
}

} // namespace

void HttpSerializer::appendRequestHead(std::string &out, const HttpRequestHead &head)
{
    out += head.method;
    out.push_back(' ');
    appendTarget(out, head.target);
    out.push_back(' ');
    out += toString(head.version);
    out += "\r\n";
    appendFields(out, head.headers);
    out += "\r\n";
}

void HttpSerializer::appendResponseHead(std::string &out, const HttpResponseHead &head)
{
    char status[8];
    std::snprintf(status, sizeof status, " %03d ", head.status);
    out += toString(head.version);
    out += status;
    for (char c : head.reason)
        out.push_back((c == '\r' || c == '\n' || c == '\0') ? ' ' : c);
    out += "\r\n";
    appendFields(out, head.headers);
    out += "\r\n";
}

std::string HttpSerializer::requestHead(const HttpRequestHead &head)
{
    std::string out;
    out.reserve(256);
    appendRequestHead(out, head);
    return out;
}

std::string HttpSerializer::responseHead(const HttpResponseHead &head)
{
    std::string out;
    out.reserve(256);
    appendResponseHead(out, head);
    return out;
}

void HttpSerializer::appendChunk(std::string &out, std::string_view data)
{
    if (data.empty())
        return;
    char size[24];
    std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    out += size;
    out += data;
    out += "\r\n";
}

void HttpSerializer::appendLastChunk(std::string &out, const HttpHeaders &trailers)
{
    out += "0\r\n";
    appendFields(out, trailers);
    out += "\r\n";
}

const char *HttpSerializer::reasonPhrase(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 417: return "Expectation Failed";
    case 421: return "Misdirected Request";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

} // namespace switchyard
