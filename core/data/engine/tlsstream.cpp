// SPDX-License-Identifier: Apache-2.0
#include "data/engine/tlsstream.h"

#include <asio/post.hpp>
#include <asio/write.hpp>

namespace switchyard {

TlsStream::TlsStream(asio::ip::tcp::socket socket, SSL *ssl) : m_stream(std::move(socket), ssl)
{
}

void TlsStream::asyncReadSome(char *data, std::size_t size, Handler handler)
{
    m_stream.async_read_some(asio::buffer(data, size), std::move(handler));
}

void TlsStream::asyncWrite(const char *data, std::size_t size, Handler handler)
{
    asio::async_write(m_stream, asio::buffer(data, size), std::move(handler));
}

void TlsStream::asyncWaitReadable(Handler handler)
{
    asio::post(m_stream.get_executor(), [handler = std::move(handler)] { handler({}, 0); });
}

void TlsStream::shutdownSend()
{
    // No close_notify: asio's async_shutdown waits for the peer's, and the
    // responses we end this way are self-delimited (or the client asked for
    // the close), so a TCP FIN is enough to say we are done.
    std::error_code ignored;
    m_stream.next_layer().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
}

void TlsStream::close()
{
    std::error_code ignored;
    m_stream.next_layer().close(ignored);
}

} // namespace switchyard
