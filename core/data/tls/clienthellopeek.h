// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace switchyard {

// Reads the server name (SNI) and ALPN list from the first bytes a client
// sends, so tls:// endpoints can be routed without terminating TLS.
// Sans-io: the caller feeds the bytes it received and keeps them to forward
// to the chosen upstream; the peek copies only the handshake message.
//
// Handles a ClientHello fragmented across several TLS records and across
// any number of feed() calls. Every length field is checked against its
// enclosing structure; the handshake message may be at most
// MaxHandshakeBytes long. One instance per connection, one thread.
class ClientHelloPeek
{
public:
    enum class Status {
        NeedMore,  // feed more bytes
        Done,      // serverName()/alpn() are set
        NotTls,    // the stream does not start like TLS (HTTP, SSLv2-style hello, …)
        Malformed, // TLS framing, but a broken or oversized ClientHello
    };

    static constexpr std::size_t MaxHandshakeBytes = 16 * 1024;
    static constexpr std::size_t MaxRecordBytes = 16 * 1024; // TLSPlaintext limit, 2^14

    // Consumes the next bytes of the stream. Once the status is no longer
    // NeedMore it stays fixed and further bytes are ignored.
    Status feed(std::string_view bytes);
    Status status() const { return m_status; }

    // The host_name entry of the server_name extension as sent (not
    // lower-cased or validated further); empty when the client sent none.
    const std::string &serverName() const { return m_serverName; }
    // The ALPN protocols offered, in client order; empty without the extension.
    const std::vector<std::string> &alpn() const { return m_alpn; }
    // Why the status is NotTls or Malformed.
    const std::string &reason() const { return m_reason; }

    static const char *statusName(Status status);

private:
    Status fail(Status status, std::string reason);
    Status checkRecordHeader();
    Status parseClientHello(std::string_view body);
    Status parseServerName(std::string_view data);
    Status parseAlpn(std::string_view data);

    Status m_status = Status::NeedMore;
    std::string m_header;          // the current record header, up to 5 bytes
    std::size_t m_recordLeft = 0;  // body bytes of the current record still to come
    std::size_t m_records = 0;     // record headers seen
    std::string m_handshake;       // reassembled handshake bytes
    std::string m_serverName;
    std::vector<std::string> m_alpn;
    std::string m_reason;
};

} // namespace switchyard
