// SPDX-License-Identifier: Apache-2.0
#include "control/inspect/capturecodec.h"

#include <cstdint>
#include <cstring>

namespace switchyard {

namespace {

enum Flags : unsigned {
    RequestTruncated = 1u << 0,
    HasResponse = 1u << 1,
    ResponseTruncated = 1u << 2,
};

// Writes into a region reserved up front (encodedBound), so each field is a
// plain store rather than a capacity check per byte.
class Writer
{
public:
    explicit Writer(char *out)
        : m_begin(out)
        , m_out(out)
    {}

    void unsignedInt(std::uint64_t value)
    {
        while (value >= 0x80) {
            *m_out++ = static_cast<char>((value & 0x7f) | 0x80);
            value >>= 7;
        }
        *m_out++ = static_cast<char>(value);
    }
    void signedInt(std::int64_t value)
    {
        unsignedInt((static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63));
    }
    void bytes(std::string_view text)
    {
        unsignedInt(text.size());
        if (!text.empty())
            std::memcpy(m_out, text.data(), text.size());
        m_out += text.size();
    }
    void headers(const CapturedExchange::Headers &list)
    {
        unsignedInt(list.size());
        for (const auto &[name, value] : list) {
            bytes(name);
            bytes(value);
        }
    }
    void raw(unsigned char byte) { *m_out++ = static_cast<char>(byte); }
    std::size_t written() const { return static_cast<std::size_t>(m_out - m_begin); }

private:
    char *m_begin;
    char *m_out;
};

class Reader
{
public:
    explicit Reader(std::string_view data)
        : m_data(data)
    {}

    bool ok() const { return m_ok; }
    bool atEnd() const { return m_pos == m_data.size(); }

    std::uint64_t unsignedInt()
    {
        std::uint64_t value = 0;
        for (unsigned shift = 0; shift < 64; shift += 7) {
            if (m_pos >= m_data.size())
                break;
            const auto byte = static_cast<unsigned char>(m_data[m_pos++]);
            value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
            if ((byte & 0x80) == 0)
                return value;
        }
        m_ok = false;
        return 0;
    }
    std::int64_t signedInt()
    {
        const std::uint64_t value = unsignedInt();
        return static_cast<std::int64_t>(value >> 1) ^ -static_cast<std::int64_t>(value & 1);
    }
    std::string bytes()
    {
        const std::uint64_t size = unsignedInt();
        if (!m_ok || size > m_data.size() - m_pos) {
            m_ok = false;
            return {};
        }
        std::string out(m_data.substr(m_pos, size));
        m_pos += size;
        return out;
    }
    CapturedExchange::Headers headers()
    {
        CapturedExchange::Headers out;
        const std::uint64_t count = unsignedInt();
        // Each pair takes at least two bytes: a count beyond that is damage,
        // not a reason to reserve gigabytes.
        if (!m_ok || count > (m_data.size() - m_pos) / 2) {
            m_ok = false;
            return out;
        }
        out.reserve(count);
        for (std::uint64_t i = 0; i < count && m_ok; ++i) {
            std::string name = bytes();
            std::string value = bytes();
            out.emplace_back(std::move(name), std::move(value));
        }
        return out;
    }
    unsigned char raw()
    {
        if (m_pos >= m_data.size()) {
            m_ok = false;
            return 0;
        }
        return static_cast<unsigned char>(m_data[m_pos++]);
    }

private:
    std::string_view m_data;
    std::size_t m_pos = 0;
    bool m_ok = true;
};

// Upper bounds of the encoded sizes: a varint takes at most 10 bytes.
constexpr std::size_t MaxVarint = 10;

std::size_t bytesBound(std::string_view text)
{
    return MaxVarint + text.size();
}

std::size_t headersBound(const CapturedExchange::Headers &list)
{
    std::size_t size = MaxVarint;
    for (const auto &[name, value] : list)
        size += bytesBound(name) + bytesBound(value);
    return size;
}

std::size_t encodedBound(const CapturedExchange &e)
{
    std::size_t size = 1 + 12 * MaxVarint;
    for (std::string_view text : {std::string_view(e.clientAddress), std::string_view(e.endpointName),
                                  std::string_view(e.endpointUrl), std::string_view(e.accountId),
                                  std::string_view(e.method), std::string_view(e.target),
                                  std::string_view(e.requestProto), std::string_view(e.requestBody),
                                  std::string_view(e.reason), std::string_view(e.responseProto),
                                  std::string_view(e.responseBody), std::string_view(e.errorCode)})
        size += bytesBound(text);
    for (const std::string &url : e.chain)
        size += bytesBound(url);
    size += headersBound(e.requestHeaders) + headersBound(e.responseHeaders);
    for (const PolicyFiredRule &rule : e.firedRules) {
        size += bytesBound(rule.endpoint) + bytesBound(rule.name) + 3 * MaxVarint;
        for (const std::string &action : rule.actions)
            size += bytesBound(action);
    }
    for (const PolicyLogEntry &log : e.logs)
        size += bytesBound(log.path) + bytesBound(log.endpoint) + headersBound(log.metadata);
    return size;
}

} // namespace

std::string CaptureCodec::encode(const CapturedExchange &exchange)
{
    std::string out;
    appendTo(exchange, out);
    return out;
}

std::size_t CaptureCodec::appendTo(const CapturedExchange &e, std::string &out)
{
    const std::size_t start = out.size();
    // resize() zero-fills the bound once (a memset of about a kilobyte);
    // cheaper than growing the string field by field.
    out.resize(start + encodedBound(e));
    Writer w(out.data() + start);
    w.raw(Version);
    w.signedInt(std::chrono::duration_cast<std::chrono::microseconds>(e.start.time_since_epoch()).count());
    w.signedInt(e.upstreamConnectedNs);
    w.signedInt(e.firstByteNs);
    w.signedInt(e.durationNs);
    w.bytes(e.clientAddress);
    w.bytes(e.endpointName);
    w.bytes(e.endpointUrl);
    w.bytes(e.accountId);
    w.unsignedInt(e.chain.size());
    for (const std::string &url : e.chain)
        w.bytes(url);
    unsigned flags = 0;
    if (e.requestBodyTruncated)
        flags |= RequestTruncated;
    if (e.hasResponse)
        flags |= HasResponse;
    if (e.responseBodyTruncated)
        flags |= ResponseTruncated;
    w.unsignedInt(flags);
    w.bytes(e.method);
    w.bytes(e.target);
    w.bytes(e.requestProto);
    w.headers(e.requestHeaders);
    w.bytes(e.requestBody);
    w.unsignedInt(e.requestBytes);
    w.signedInt(e.status);
    w.bytes(e.reason);
    w.bytes(e.responseProto);
    w.headers(e.responseHeaders);
    w.bytes(e.responseBody);
    w.unsignedInt(e.responseBytes);
    w.bytes(e.errorCode);
    w.unsignedInt(e.firedRules.size());
    for (const PolicyFiredRule &rule : e.firedRules) {
        w.bytes(rule.endpoint);
        w.unsignedInt(static_cast<std::uint64_t>(rule.phase));
        w.unsignedInt(rule.index);
        w.bytes(rule.name);
        w.unsignedInt(rule.actions.size());
        for (const std::string &action : rule.actions)
            w.bytes(action);
    }
    w.unsignedInt(e.logs.size());
    for (const PolicyLogEntry &log : e.logs) {
        w.bytes(log.path);
        w.bytes(log.endpoint);
        w.headers(log.metadata);
    }
    out.resize(start + w.written());
    return w.written();
}

std::optional<CapturedExchange> CaptureCodec::decode(std::string_view data)
{
    Reader r(data);
    if (r.raw() != Version)
        return std::nullopt;
    CapturedExchange e;
    e.start = std::chrono::system_clock::time_point(std::chrono::microseconds(r.signedInt()));
    e.upstreamConnectedNs = r.signedInt();
    e.firstByteNs = r.signedInt();
    e.durationNs = r.signedInt();
    e.clientAddress = r.bytes();
    e.endpointName = r.bytes();
    e.endpointUrl = r.bytes();
    e.accountId = r.bytes();
    const std::uint64_t chainSize = r.unsignedInt();
    if (!r.ok() || chainSize > data.size())
        return std::nullopt;
    for (std::uint64_t i = 0; i < chainSize && r.ok(); ++i)
        e.chain.push_back(r.bytes());
    const std::uint64_t flags = r.unsignedInt();
    e.requestBodyTruncated = (flags & RequestTruncated) != 0;
    e.hasResponse = (flags & HasResponse) != 0;
    e.responseBodyTruncated = (flags & ResponseTruncated) != 0;
    e.method = r.bytes();
    e.target = r.bytes();
    e.requestProto = r.bytes();
    e.requestHeaders = r.headers();
    e.requestBody = r.bytes();
    e.requestBytes = r.unsignedInt();
    e.status = static_cast<int>(r.signedInt());
    e.reason = r.bytes();
    e.responseProto = r.bytes();
    e.responseHeaders = r.headers();
    e.responseBody = r.bytes();
    e.responseBytes = r.unsignedInt();
    e.errorCode = r.bytes();
    const std::uint64_t rules = r.unsignedInt();
    if (!r.ok() || rules > data.size())
        return std::nullopt;
    for (std::uint64_t i = 0; i < rules && r.ok(); ++i) {
        PolicyFiredRule rule;
        rule.endpoint = r.bytes();
        const std::uint64_t phase = r.unsignedInt();
        if (phase >= AllPolicyPhases.size())
            return std::nullopt;
        rule.phase = AllPolicyPhases[phase];
        rule.index = r.unsignedInt();
        rule.name = r.bytes();
        const std::uint64_t actions = r.unsignedInt();
        if (!r.ok() || actions > data.size())
            return std::nullopt;
        for (std::uint64_t a = 0; a < actions && r.ok(); ++a)
            rule.actions.push_back(r.bytes());
        e.firedRules.push_back(std::move(rule));
    }
    const std::uint64_t logs = r.unsignedInt();
    if (!r.ok() || logs > data.size())
        return std::nullopt;
    for (std::uint64_t i = 0; i < logs && r.ok(); ++i) {
        PolicyLogEntry log;
        log.path = r.bytes();
        log.endpoint = r.bytes();
        log.metadata = r.headers();
        e.logs.push_back(std::move(log));
    }
    if (!r.ok() || !r.atEnd())
        return std::nullopt;
    return e;
}

} // namespace switchyard
