// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "data/engine/bytestream.h"

#include <asio/ssl/stream.hpp>

namespace switchyard {

// ByteStream over TLS (asio::ssl::stream on a TCP socket), server or client
// side. The handshake is done by the owner through stream() before the
// stream is used as a ByteStream.
class TlsStream final : public ByteStream
{
public:
    // Takes ownership of `ssl` (made by SSL_new from a TlsServerContext or
    // TlsClientContext native handle, which keeps its SSL_CTX alive).
    TlsStream(asio::ip::tcp::socket socket, SSL *ssl);

    asio::ssl::stream<asio::ip::tcp::socket> &stream() { return m_stream; }

    void asyncReadSome(char *data, std::size_t size, Handler handler) override;
    void asyncWrite(const char *data, std::size_t size, Handler handler) override;
    void asyncWaitReadable(Handler handler) override;
    void shutdownSend() override;
    void close() override;
    asio::ip::tcp::socket &socket() override { return m_stream.next_layer(); }
    bool isTls() const override { return true; }

private:
    asio::ssl::stream<asio::ip::tcp::socket> m_stream;
};

} // namespace switchyard
