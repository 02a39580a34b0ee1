// SPDX-License-Identifier: Apache-2.0
#include "data/http/httpserializer.h"

#include "data/http/httpsyntax.h"

#include <cstdint>
#include <cstring>

namespace switchyard {

namespace {

bool breaksLine(char c)
{
    return c == '\r' || c == '\n' || c == '\0';
}

// Field values are appended in blocks; a CR, LF or NUL that an edited
// header smuggled in becomes a space, so one field can never become two.
void appendValue(std::string &out, std::string_view value)
{
    while (!value.empty()) {
        std::size_t clean = 0;
        // Eight bytes at a time while none is below 0x0E (CR, LF and NUL are).
        constexpr std::uint64_t Ones = 0x0101010101010101ULL;
        constexpr std::uint64_t Highs = 0x8080808080808080ULL;
        for (std::uint64_t word; clean + 8 <= value.size(); clean += 8) {
            std::memcpy(&word, value.data() + clean, sizeof word);
            if (((word - Ones * 0x0e) & ~word & Highs) != 0)
                break;
        }
        while (clean < value.size() && !breaksLine(value[clean]))
            ++clean;
        out.append(value.data(), clean);
        if (clean == value.size())
            return;
        out.push_back(' ');
        value.remove_prefix(clean + 1);
    }
}

std::size_t fieldsSize(const HttpHeaders &headers)
{
    std::size_t size = 2;
    for (const auto &f : headers.fields())
        size += f.name.size() + f.value.size() + 4;
    return size;
}

void appendFields(std::string &out, const HttpHeaders &headers)
{
    for (const auto &f : headers.fields()) {
        if (!httpsyntax::isToken(f.name))
            continue;
        out += f.name;
        out += ": ";
        appendValue(out, f.value);
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
    // Status codes are three digits (the parser and HttpResponseHead's
    // producers keep them in 100-599); out-of-range values are clamped
    // rather than written as something that is not a status line.
    const int status = head.status < 100 ? 100 : (head.status > 999 ? 999 : head.status);
    const char digits[5] = {' ', static_cast<char>('0' + status / 100), static_cast<char>('0' + status / 10 % 10),
                            static_cast<char>('0' + status % 10), ' '};
    out += toString(head.version);
    out.append(digits, sizeof digits);
    appendValue(out, head.reason);
    out += "\r\n";
    appendFields(out, head.headers);
    out += "\r\n";
}

std::string HttpSerializer::requestHead(const HttpRequestHead &head)
{
    std::string out;
    out.reserve(head.method.size() + head.target.size() + 16 + fieldsSize(head.headers));
    appendRequestHead(out, head);
    return out;
}

std::string HttpSerializer::responseHead(const HttpResponseHead &head)
{
    std::string out;
    out.reserve(head.reason.size() + 20 + fieldsSize(head.headers));
    appendResponseHead(out, head);
    return out;
}

void HttpSerializer::appendChunk(std::string &out, std::string_view data)
{
    if (data.empty())
        return;
    static constexpr char hex[] = "0123456789abcdef";
    char size[2 * sizeof(std::size_t) + 2];
    char *end = size + sizeof size;
    char *p = end;
    *--p = '\n';
    *--p = '\r';
    for (std::size_t n = data.size(); n != 0; n >>= 4)
        *--p = hex[n & 0xf];
    out.append(p, static_cast<std::size_t>(end - p));
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
