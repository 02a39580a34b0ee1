// SPDX-License-Identifier: Apache-2.0
#include "data/http/httpheadscanner.h"

#include "data/http/httpsyntax.h"

#include <algorithm>

namespace switchyard {

namespace {

// HTAB, SP, VCHAR and obs-text: what a field value may hold (RFC 9110 §5.5).
bool isPlainFieldByte(unsigned char c)
{
    return (c >= 0x20 && c != 0x7f) || c == '\t';
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
    for (std::size_t i = 0; i < data.size(); ++i) {
        // Fast path: the middle of a field line is mostly ordinary bytes;
        // take a run of them at once (the checks below see every other byte).
        if (!m_inStartLine && !m_sawCr && !m_line.empty() && m_bytes < m_limits.maxHeadSize) {
            const std::size_t limit = std::min(data.size(), i + (m_limits.maxHeadSize - m_bytes));
            std::size_t j = i;
            while (j < limit && isPlainFieldByte(static_cast<unsigned char>(data[j])))
                ++j;
            if (j > i) {
                m_line.append(data.data() + i, j - i);
                m_bytes += j - i;
                i = j - 1;
                continue;
            }
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
            switch (endLine()) {
            case LineResult::Continue: continue;
            case LineResult::Complete: return {i + 1, Outcome::Complete};
            case LineResult::Error: return {i, Outcome::Error};
            }
        }
        if (c == '\r') {
            m_sawCr = true;
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
            if (m_line.empty() && (c == ' ' || c == '\t')) {
                fail(400, "line starts with whitespace (obs-fold)");
                return {i, Outcome::Error};
            }
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                fail(400, "control character in header field");
                return {i, Outcome::Error};
            }
        }
        m_line.push_back(static_cast<char>(c));
    }
    return {data.size(), Outcome::NeedMore};
}

HttpHeadScanner::LineResult HttpHeadScanner::endLine()
{
    if (m_inStartLine) {
        if (m_line.empty()) {
            // RFC 9112 §2.2: a server SHOULD ignore empty lines before the request-line.
            if (m_mode == Mode::Request)
                return LineResult::Continue;
            return fail(400, "empty status line");
        }
        const LineResult r = m_mode == Mode::Request ? parseRequestLine() : parseStatusLine();
        m_inStartLine = false;
        m_line.clear();
        return r;
    }
    if (m_line.empty())
        return LineResult::Complete;
    const LineResult r = parseFieldLine();
    m_line.clear();
    return r;
}

HttpHeadScanner::LineResult HttpHeadScanner::parseRequestLine()
{
    const std::string_view line(m_line);
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

HttpHeadScanner::LineResult HttpHeadScanner::parseStatusLine()
{
    const std::string_view line(m_line);
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

HttpHeadScanner::LineResult HttpHeadScanner::parseFieldLine()
{
    const std::string_view line(m_line);
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
