// SPDX-License-Identifier: Apache-2.0
#include "data/http/httpchunkeddecoder.h"

#include <algorithm>

namespace switchyard {

namespace {

int hexValue(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace

void HttpChunkedDecoder::reset(std::uint64_t maxBody, std::size_t maxLineLength)
{
    m_state = State::Size;
    m_chunkSize = 0;
    m_remaining = 0;
    m_total = 0;
    m_maxBody = maxBody;
    m_maxLine = maxLineLength;
    m_lineLength = 0;
    m_digits = 0;
    m_error = {};
}

HttpChunkedDecoder::Step HttpChunkedDecoder::fail(std::size_t consumed, int status, const char *reason)
{
    m_error = HttpParseError{status, reason};
    return Step{consumed, Outcome::Error, {}};
}

HttpChunkedDecoder::Step HttpChunkedDecoder::feed(std::string_view input)
{
    std::size_t i = 0;
    while (i < input.size()) {
        const auto c = static_cast<unsigned char>(input[i]);
        switch (m_state) {
        case State::Size:
        case State::Ext:
        case State::SizeLf:
            if (++m_lineLength > m_maxLine)
                return fail(i, 400, "chunk-size line too long");
            break;
        default:
            break;
        }
        switch (m_state) {
        case State::Size: {
            const int v = hexValue(c);
            if (v >= 0) {
                // 16 hex digits already fill 64 bits (RFC 9112 §7.1 overflow rule).
                if (++m_digits > 16)
                    return fail(i, 400, "chunk size too large");
                m_chunkSize = (m_chunkSize << 4) | static_cast<std::uint64_t>(v);
            } else if (m_digits == 0) {
                return fail(i, 400, "invalid chunk size");
            } else if (c == ';') {
                m_state = State::Ext;
            } else if (c == '\r') {
                m_state = State::SizeLf;
            } else {
                return fail(i, 400, "invalid chunk size");
            }
            ++i;
            break;
        }
        case State::Ext:
            if (c == '\r')
                m_state = State::SizeLf;
            else if ((c < 0x20 && c != '\t') || c == 0x7f)
                return fail(i, 400, "invalid character in chunk extension");
            ++i;
            break;
        case State::SizeLf: {
            if (c != '\n')
                return fail(i, 400, "expected LF after chunk size");
            ++i;
            if (m_maxBody != 0 && m_chunkSize > m_maxBody - m_total)
                return fail(i - 1, 413, "request body too large");
            m_total += m_chunkSize;
            m_lineLength = 0;
            m_digits = 0;
            if (m_chunkSize == 0)
                return Step{i, Outcome::LastChunk, {}};
            m_remaining = m_chunkSize;
            m_chunkSize = 0;
            m_state = State::Data;
            break;
        }
        case State::Data: {
            const auto n = static_cast<std::size_t>(
                std::min<std::uint64_t>(m_remaining, input.size() - i));
            const std::string_view data = input.substr(i, n);
            m_remaining -= n;
            i += n;
            if (m_remaining == 0)
                m_state = State::DataCr;
            return Step{i, Outcome::NeedMore, data};
        }
        case State::DataCr:
            if (c != '\r')
                return fail(i, 400, "expected CRLF after chunk data");
            m_state = State::DataLf;
            ++i;
            break;
        case State::DataLf:
            if (c != '\n')
                return fail(i, 400, "expected CRLF after chunk data");
            m_state = State::Size;
            ++i;
            break;
        }
    }
    return Step{i, Outcome::NeedMore, {}};
}

} // namespace switchyard
