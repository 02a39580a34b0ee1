// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <asio/ip/tcp.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <system_error>

namespace switchyard {

// A connected byte stream, plain TCP or TLS, so the HTTP session has one
// code path for both. At most one read and one write may be outstanding at
// a time (asio's rule for sockets and ssl::stream alike). Handlers run on
// the stream's io_context; close() makes pending ones complete with an error.
class ByteStream
{
public:
    using Handler = std::function<void(const std::error_code &, std::size_t)>;

    virtual ~ByteStream() = default;

    virtual void asyncReadSome(char *data, std::size_t size, Handler handler) = 0;
    // Completes when a read would not block, without a buffer, so an idle
    // keep-alive connection holds no read buffer. TLS streams keep their
    // own buffers and complete at once.
    virtual void asyncWaitReadable(Handler handler) = 0;
    // Writes all `size` bytes (the buffer must stay alive until the handler).
    virtual void asyncWrite(const char *data, std::size_t size, Handler handler) = 0;
    // Ends our sending side: TCP FIN; for TLS a close_notify, then FIN.
    virtual void shutdownSend() = 0;
    virtual void close() = 0;
    virtual asio::ip::tcp::socket &socket() = 0;
    virtual bool isTls() const = 0;
};

} // namespace switchyard
