// SPDX-License-Identifier: Apache-2.0
#include "data/http/httpheadscanner.h"

#include "data/http/httpsyntax.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

namespace switchyard {

namespace {

// Byte classes, one table lookup per byte on the fast paths.
enum ByteClass : unsigned char {
    FieldByte = 1,  // HTAB, SP, VCHAR, obs-text: may appear inside a field line (RFC 9110 §5.5)
    TcharByte = 2,  // token character (RFC 9110 §5.6.2)
    StartLineByte = 4, // not SP, not a control: the bytes between the start line's spaces
};

constexpr std::array<unsigned char, 256> makeClasses()
{
    std::array<unsigned char, 256> table{};
    for (int c = 0; c < 256; ++c) {
        unsigned char bits = 0;
        if ((c >= 0x20 && c != 0x7f) || c == '\t')
            bits |= FieldByte;
        if (c > 0x20 && c != 0x7f)
            bits |= StartLineByte;
        const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (alnum || (c != 0 && std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos))
            bits |= TcharByte;
        table[static_cast<std::size_t>(c)] = bits;
    }
    return table;
}

constexpr std::array<unsigned char, 256> Classes = makeClasses();

bool hasClass(char c, ByteClass cls)
{
    return (Classes[static_cast<unsigned char>(c)] & cls) != 0;
}

// The end of the run of field bytes in [from, limit). Eight bytes at a time
// while none of them is a control character or DEL (most of a head); a word
// with a tab, obs-text or anything special is finished byte by byte.
std::size_t fieldRunEnd(std::string_view data, std::size_t from, std::size_t limit)
{
    constexpr std::uint64_t Ones = 0x0101010101010101ULL;
    constexpr std::uint64_t Highs = 0x8080808080808080ULL;
    std::size_t j = from;
    while (j + 8 <= limit) {
        std::uint64_t word;
        std::memcpy(&word, data.data() + j, sizeof word);
        // A byte below 0x20, a byte with the high bit set, or 0x7F makes a
        // high bit appear (the usual "has less than" / "has zero" tricks).
        const std::uint64_t below = (word - Ones * 0x20) | word;
        const std::uint64_t del = word ^ (Ones * 0x7f);
        if (((below | ((del - Ones) & ~del)) & Highs) != 0)
            break;
        j += 8;
    }
    while (j < limit && hasClass(data[j], FieldByte))
        ++j;
    return j;
}

} // namespace

HttpHeadScanner::HttpHeadScanner(Mode mode, const HttpLimits &limits)
    : m_mode(mode), m_limits(limits)
{
    reset(mode);
}

void HttpHeadScanner::reset(Mode mode)
{
    m_mode = mode;
    m_head = HttpRawHead{};
    if (mode != Mode::Trailers)
        m_head.headers.fields().reserve(16); // a typical browser request, without regrowing
    m_error = HttpParseError{};
    m_line.clear();
    m_bytes = 0;
    m_fieldCount = 0;
    m_targetLength = 0;
    m_startLineSpaces = 0;
    m_inStartLine = mode != Mode::Trailers;
    m_sawCr = false;
}

bool HttpHeadScanner::idle() const
{
    return m_inStartLine && m_line.empty() && !m_sawCr && m_mode != Mode::Trailers;
}

HttpHeadScanner::LineResult HttpHeadScanner::fail(int status, std::string reason)
{
    m_error = HttpParseError{status, std::move(reason)};
    return LineResult::Error;
}

HttpHeadScanner::Step HttpHeadScanner::scan(std::string_view data)
{
    const std::size_t n = data.size();
    // The current line is m_line (bytes of earlier calls) + data[lineStart, i):
    // a line that arrives whole is checked in place, never copied.
    std::size_t lineStart = 0;
    std::size_t i = 0;
    while (i < n) {
        // Fast path: a run of ordinary bytes, one table lookup each. The run
        // stops before the byte that crosses a limit, so every check below
        // still fires at the same byte however the input is split.
        if (!m_sawCr) {
            const std::size_t budget = m_limits.maxHeadSize > m_bytes ? m_limits.maxHeadSize - m_bytes : 0;
            const std::size_t limit = i + std::min(n - i, budget);
            std::size_t j = i;
            if (!m_inStartLine) {
                const bool foldStart = m_line.empty() && lineStart == i && (data[i] == ' ' || data[i] == '\t');
                if (!foldStart)
                    j = fieldRunEnd(data, i, limit);
            } else if (m_mode == Mode::Request && m_startLineSpaces == 0) {
                while (j < limit && hasClass(data[j], TcharByte))
                    ++j;
            } else if (m_mode == Mode::Request && m_startLineSpaces == 1) {
                const std::size_t room =
                    m_limits.maxTargetLength > m_targetLength ? m_limits.maxTargetLength - m_targetLength : 0;
                const std::size_t targetLimit = std::min(limit, i + room);
                while (j < targetLimit && hasClass(data[j], StartLineByte))
                    ++j;
                m_targetLength += j - i;
            } else {
                while (j < limit && hasClass(data[j], StartLineByte))
                    ++j;
            }
            m_bytes += j - i;
            i = j;
            if (i == n)
                break;
        }

        const auto c = static_cast<unsigned char>(data[i]);
        if (++m_bytes > m_limits.maxHeadSize) {
            fail(431, m_mode == Mode::Trailers ? "trailer section too large" : "message head too large");
            return {i, Outcome::Error};
        }
        if (m_sawCr) {
            if (c != '\n') {
                fail(400, "bare CR");
                return {i, Outcome::Error};
            }
            m_sawCr = false;
            // The CR is data[i - 1] unless it ended an earlier chunk.
            const std::size_t contentEnd = i > lineStart ? i - 1 : lineStart;
            std::string_view line = data.substr(lineStart, contentEnd - lineStart);
            if (!m_line.empty()) {
                m_line.append(line);
                line = m_line;
            }
            const LineResult result = endLine(line);
            m_line.clear();
            lineStart = i + 1;
            switch (result) {
            case LineResult::Continue: ++i; continue;
            case LineResult::Complete: return {i + 1, Outcome::Complete};
            case LineResult::Error: return {i, Outcome::Error};
            }
        }
        if (c == '\r') {
            m_sawCr = true;
            ++i;
            continue;
        }
        if (c == '\n') {
            fail(400, "bare LF");
            return {i, Outcome::Error};
        }
        if (c == 0) {
            fail(400, "NUL character");
            return {i, Outcome::Error};
        }
        if (m_inStartLine) {
            if (c < 0x20 || c == 0x7f) {
                fail(400, "control character in start line");
                return {i, Outcome::Error};
            }
            if (c == ' ') {
                ++m_startLineSpaces;
            } else if (m_mode == Mode::Request && m_startLineSpaces == 0 && !httpsyntax::isTchar(c)) {
                // Checked per byte so the 400 wins over llhttp's "unknown method" (501).
                fail(400, "invalid method");
                return {i, Outcome::Error};
            } else if (m_mode == Mode::Request && m_startLineSpaces == 1
                       && ++m_targetLength > m_limits.maxTargetLength) {
                fail(414, "request-target too long");
                return {i, Outcome::Error};
            }
        } else {
            if (m_line.empty() && lineStart == i && (c == ' ' || c == '\t')) {
                fail(400, "line starts with whitespace (obs-fold)");
                return {i, Outcome::Error};
            }
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                fail(400, "control character in header field");
                return {i, Outcome::Error};
            }
        }
        ++i;
    }
    // Keep the partial line for the next call (a trailing CR is state, not content).
    const std::size_t end = m_sawCr && n > lineStart ? n - 1 : n;
    if (end > lineStart)
        m_line.append(data.data() + lineStart, end - lineStart);
    return {n, Outcome::NeedMore};
}

HttpHeadScanner::LineResult HttpHeadScanner::endLine(std::string_view line)
{
    if (m_inStartLine) {
        if (line.empty()) {
            // RFC 9112 §2.2: a server SHOULD ignore empty lines before the request-line.
            if (m_mode == Mode::Request)
                return LineResult::Continue;
            return fail(400, "empty status line");
        }
        const LineResult r = m_mode == Mode::Request ? parseRequestLine(line) : parseStatusLine(line);
        m_inStartLine = false;
        return r;
    }
    if (line.empty())
        return LineResult::Complete;
    return parseFieldLine(line);
}

HttpHeadScanner::LineResult HttpHeadScanner::parseRequestLine(std::string_view line)
{
    const auto sp1 = line.find(' ');
    if (sp1 == std::string_view::npos)
        return fail(400, "malformed request line");
    const auto sp2 = line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos)
        return fail(400, "HTTP/0.9 requests are not supported");
    if (line.find(' ', sp2 + 1) != std::string_view::npos)
        return fail(400, "malformed request line");
    const std::string_view method = line.substr(0, sp1);
    const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    const std::string_view version = line.substr(sp2 + 1);
    if (!httpsyntax::isToken(method))
        return fail(400, "invalid method");
    if (target.empty())
        return fail(400, "empty request-target");
    for (char ch : target) {
        const auto u = static_cast<unsigned char>(ch);
        if (u <= 0x20 || u >= 0x7f)
            return fail(400, "invalid character in request-target");
    }
    int status = 0;
    if (!httpsyntax::parseVersion(version, m_head.version, status))
        return fail(status, status == 505 ? "HTTP version not supported" : "malformed HTTP version");
    m_head.method = std::string(method);
    m_head.target = std::string(target);
    return LineResult::Continue;
}

HttpHeadScanner::LineResult HttpHeadScanner::parseStatusLine(std::string_view line)
{
    const auto sp1 = line.find(' ');
    if (sp1 == std::string_view::npos)
        return fail(400, "malformed status line");
    int versionStatus = 0;
    if (!httpsyntax::parseVersion(line.substr(0, sp1), m_head.version, versionStatus))
        return fail(400, "unsupported or malformed HTTP version in status line");
    const std::string_view rest = line.substr(sp1 + 1);
    if (rest.size() < 3 || (rest.size() > 3 && rest[3] != ' '))
        return fail(400, "malformed status code");
    int code = 0;
    for (std::size_t i = 0; i < 3; ++i) {
        if (rest[i] < '0' || rest[i] > '9')
            return fail(400, "malformed status code");
        code = code * 10 + (rest[i] - '0');
    }
    if (code < 100 || code > 599)
        return fail(400, "status code out of range");
    m_head.status = code;
    m_head.reason = rest.size() > 4 ? std::string(rest.substr(4)) : std::string();
    return LineResult::Continue;
}

HttpHeadScanner::LineResult HttpHeadScanner::parseFieldLine(std::string_view line)
{
    const auto colon = line.find(':');
    if (colon == std::string_view::npos)
        return fail(400, "header line without ':'");
    const std::string_view name = line.substr(0, colon);
    if (name.empty())
        return fail(400, "empty header name");
    if (!httpsyntax::isToken(name))
        return fail(400, "invalid character in header name");
    if (++m_fieldCount > m_limits.maxHeaderCount)
        return fail(431, "too many header fields");
    m_head.headers.append(name, httpsyntax::trimOws(line.substr(colon + 1)));
    return LineResult::Continue;
}

} // namespace switchyard
