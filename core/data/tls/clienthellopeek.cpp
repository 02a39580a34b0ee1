// SPDX-License-Identifier: Apache-2.0
#include "data/tls/clienthellopeek.h"

#include <algorithm>

namespace switchyard {

namespace {

constexpr unsigned char ContentTypeHandshake = 22;
constexpr unsigned char HandshakeTypeClientHello = 1;
constexpr std::uint16_t ExtensionServerName = 0;
constexpr std::uint16_t ExtensionAlpn = 16;
constexpr std::size_t RecordHeaderBytes = 5;
constexpr std::size_t HandshakeHeaderBytes = 4;

unsigned byteAt(std::string_view data, std::size_t i)
{
    return static_cast<unsigned char>(data[i]);
}

// Bounds-checked big-endian reader over a slice; every read fails cleanly
// instead of running past the end.
class Reader
{
public:
    explicit Reader(std::string_view data) : m_data(data) {}

    bool empty() const { return m_data.empty(); }
    std::size_t size() const { return m_data.size(); }

    bool number(std::size_t bytes, std::size_t &out)
    {
        if (m_data.size() < bytes)
            return false;
        out = 0;
        for (std::size_t i = 0; i < bytes; ++i)
            out = (out << 8) | byteAt(m_data, i);
        m_data.remove_prefix(bytes);
        return true;
    }

    bool take(std::size_t bytes, std::string_view &out)
    {
        if (m_data.size() < bytes)
            return false;
        out = m_data.substr(0, bytes);
        m_data.remove_prefix(bytes);
        return true;
    }

    // A vector with a lengthBytes-wide length prefix.
    bool prefixed(std::size_t lengthBytes, std::string_view &out)
    {
        std::size_t length = 0;
        return number(lengthBytes, length) && take(length, out);
    }

private:
    std::string_view m_data;
};

bool isPrintableAscii(std::string_view text)
{
    return std::all_of(text.begin(), text.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

} // namespace

const char *ClientHelloPeek::statusName(Status status)
{
    switch (status) {
    case Status::NeedMore: return "NeedMore";
    case Status::Done: return "Done";
    case Status::NotTls: return "NotTls";
    case Status::Malformed: return "Malformed";
    }
    return "?";
}

ClientHelloPeek::Status ClientHelloPeek::fail(Status status, std::string reason)
{
    m_status = status;
    m_reason = std::move(reason);
    m_serverName.clear();
    m_alpn.clear();
    m_handshake.clear();
    m_handshake.shrink_to_fit();
    return m_status;
}

ClientHelloPeek::Status ClientHelloPeek::checkRecordHeader()
{
    const bool first = m_records == 0;
    // Decide as early as the bytes allow: a plain-text protocol is
    // recognised from its first byte without waiting for five.
    if (!m_header.empty() && byteAt(m_header, 0) != ContentTypeHandshake) {
        if (!first)
            return fail(Status::Malformed, "record of type " + std::to_string(byteAt(m_header, 0))
                                               + " before the ClientHello was complete");
        if ((byteAt(m_header, 0) & 0x80) != 0)
            return fail(Status::NotTls, "SSLv2-style ClientHello (not supported)");
        return fail(Status::NotTls, "the stream does not start with a TLS handshake record");
    }
    if (m_header.size() >= 2 && byteAt(m_header, 1) != 3)
        return first ? fail(Status::NotTls, "record version is not TLS (major version " + std::to_string(byteAt(m_header, 1)) + ")")
                     : fail(Status::Malformed, "record version changed within the ClientHello");
    if (m_header.size() < RecordHeaderBytes)
        return Status::NeedMore;
    const std::size_t length = (byteAt(m_header, 3) << 8) | byteAt(m_header, 4);
    if (length == 0)
        return fail(Status::Malformed, "empty handshake record");
    if (length > MaxRecordBytes)
        return fail(Status::Malformed, "record of " + std::to_string(length) + " bytes exceeds the TLS limit of 16384");
    m_recordLeft = length;
    ++m_records;
    return Status::NeedMore;
}

ClientHelloPeek::Status ClientHelloPeek::feed(std::string_view bytes)
{
    while (m_status == Status::NeedMore && !bytes.empty()) {
        if (m_recordLeft == 0) {
            // Reading a record header, byte by byte if need be.
            const std::size_t want = std::min(RecordHeaderBytes - m_header.size(), bytes.size());
            m_header.append(bytes.substr(0, want));
            bytes.remove_prefix(want);
            if (checkRecordHeader() != Status::NeedMore || m_recordLeft == 0)
                continue;
            m_header.clear();
            continue;
        }

        const std::size_t take = std::min(m_recordLeft, bytes.size());
        if (m_handshake.size() + take > HandshakeHeaderBytes + MaxHandshakeBytes)
            return fail(Status::Malformed, "ClientHello longer than " + std::to_string(MaxHandshakeBytes) + " bytes");
        m_handshake.append(bytes.substr(0, take));
        bytes.remove_prefix(take);
        m_recordLeft -= take;

        if (m_handshake.size() < HandshakeHeaderBytes)
            continue;
        if (byteAt(m_handshake, 0) != HandshakeTypeClientHello)
            return fail(Status::Malformed, "first handshake message is type " + std::to_string(byteAt(m_handshake, 0))
                                               + ", not ClientHello");
        const std::size_t length = (byteAt(m_handshake, 1) << 16) | (byteAt(m_handshake, 2) << 8) | byteAt(m_handshake, 3);
        if (length > MaxHandshakeBytes)
            return fail(Status::Malformed, "ClientHello of " + std::to_string(length) + " bytes exceeds the limit of "
                                               + std::to_string(MaxHandshakeBytes));
        if (m_handshake.size() >= HandshakeHeaderBytes + length)
            return parseClientHello(std::string_view(m_handshake).substr(HandshakeHeaderBytes, length));
    }
    return m_status;
}

ClientHelloPeek::Status ClientHelloPeek::parseClientHello(std::string_view body)
{
    Reader r(body);
    std::size_t version = 0;
    std::string_view random;
    std::string_view sessionId;
    std::string_view cipherSuites;
    std::string_view compression;
    if (!r.number(2, version) || !r.take(32, random))
        return fail(Status::Malformed, "ClientHello too short for version and random");
    if ((version >> 8) != 3)
        return fail(Status::Malformed, "ClientHello version is not TLS");
    if (!r.prefixed(1, sessionId) || sessionId.size() > 32)
        return fail(Status::Malformed, "bad session id length");
    if (!r.prefixed(2, cipherSuites) || cipherSuites.size() < 2 || cipherSuites.size() % 2 != 0)
        return fail(Status::Malformed, "bad cipher suite list");
    if (!r.prefixed(1, compression) || compression.empty())
        return fail(Status::Malformed, "bad compression method list");
    if (r.empty()) { // a hello without extensions: no SNI, no ALPN
        m_status = Status::Done;
        return m_status;
    }

    std::string_view extensions;
    if (!r.prefixed(2, extensions) || !r.empty())
        return fail(Status::Malformed, "extensions length does not match the ClientHello length");
    Reader e(extensions);
    std::vector<bool> seen(65536, false);
    while (!e.empty()) {
        std::size_t type = 0;
        std::string_view data;
        if (!e.number(2, type) || !e.prefixed(2, data))
            return fail(Status::Malformed, "extension length runs past the extensions block");
        if (seen[type])
            return fail(Status::Malformed, "extension " + std::to_string(type) + " appears twice");
        seen[type] = true;
        if (type == ExtensionServerName && parseServerName(data) != Status::NeedMore)
            return m_status;
        if (type == ExtensionAlpn && parseAlpn(data) != Status::NeedMore)
            return m_status;
    }
    m_status = Status::Done;
    return m_status;
}

ClientHelloPeek::Status ClientHelloPeek::parseServerName(std::string_view data)
{
    Reader r(data);
    std::string_view list;
    if (!r.prefixed(2, list) || !r.empty() || list.empty())
        return fail(Status::Malformed, "bad server_name extension length");
    Reader names(list);
    while (!names.empty()) {
        std::size_t type = 0;
        std::string_view name;
        if (!names.number(1, type) || !names.prefixed(2, name))
            return fail(Status::Malformed, "server name length runs past the server_name list");
        if (type != 0) // only host_name (0) is defined; others are skipped
            continue;
        if (!m_serverName.empty())
            return fail(Status::Malformed, "more than one host_name in server_name");
        if (name.empty() || !isPrintableAscii(name))
            return fail(Status::Malformed, "server name is empty or not printable ASCII");
        m_serverName = std::string(name);
    }
    return Status::NeedMore;
}

ClientHelloPeek::Status ClientHelloPeek::parseAlpn(std::string_view data)
{
    Reader r(data);
    std::string_view list;
    if (!r.prefixed(2, list) || !r.empty() || list.empty())
        return fail(Status::Malformed, "bad ALPN extension length");
    Reader protocols(list);
    while (!protocols.empty()) {
        std::string_view protocol;
        if (!protocols.prefixed(1, protocol) || protocol.empty())
            return fail(Status::Malformed, "bad ALPN protocol name length");
        m_alpn.emplace_back(protocol);
    }
    return Status::NeedMore;
}

} // namespace switchyard
