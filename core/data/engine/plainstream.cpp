// SPDX-License-Identifier: Apache-2.0
#include "data/engine/plainstream.h"

#include <asio/write.hpp>

namespace switchyard {

PlainStream::PlainStream(asio::ip::tcp::socket socket)
    : m_socket(std::move(socket))
{
    // Synchronous reads (after asyncWaitReadable) must return would_block
    // rather than wait; asio's own operations are unaffected.
    std::error_code ignored;
    m_socket.non_blocking(true, ignored);
}

void PlainStream::asyncReadSome(char *data, std::size_t size, Handler handler)
{
    m_socket.async_read_some(asio::buffer(data, size), std::move(handler));
}

void PlainStream::asyncWrite(const char *data, std::size_t size, Handler handler)
{
    asio::async_write(m_socket, asio::buffer(data, size), std::move(handler));
}

void PlainStream::asyncWaitReadable(Handler handler)
{
    m_socket.async_wait(asio::ip::tcp::socket::wait_read,
                        [handler = std::move(handler)](const std::error_code &ec) { handler(ec, 0); });
}

void PlainStream::shutdownSend()
{
    std::error_code ignored;
    m_socket.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
}

void PlainStream::close()
{
    std::error_code ignored;
    m_socket.close(ignored);
}

} // namespace switchyard
