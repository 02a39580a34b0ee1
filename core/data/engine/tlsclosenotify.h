// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <asio/post.hpp>
#include <asio/ssl/stream.hpp>

#include <system_error>
#include <utility>

namespace switchyard {

// Sends our close_notify on an established TLS stream without waiting for
// the peer's: a client that sees the socket end without one cannot tell
// our deliberate close from a truncation attack. asio's async_shutdown
// would also wait for the peer's close_notify, which most peers never
// send; marking the peer's as received makes it write ours and complete.
// A read pending meanwhile ends (EOF) if bytes come while ours goes out;
// the mark is taken back afterwards, so a half-closed stream can still be
// read. The caller bounds the time (a peer that reads nothing).
struct TlsCloseNotify
{
    // Calls `done(error)` once ours is written (or could not be); at once
    // (posted) when the handshake never finished or ours already went out.
    template<typename NextLayer, typename Done>
    static void send(asio::ssl::stream<NextLayer> &stream, Done done)
    {
        SSL *ssl = stream.native_handle();
        const int before = SSL_get_shutdown(ssl);
        if (SSL_is_init_finished(ssl) != 1 || (before & SSL_SENT_SHUTDOWN) != 0) {
            asio::post(stream.get_executor(), [done = std::move(done)]() mutable { done(std::error_code()); });
            return;
        }
        SSL_set_shutdown(ssl, before | SSL_RECEIVED_SHUTDOWN);
        stream.async_shutdown([ssl, before, done = std::move(done)](const std::error_code &error) mutable {
            SSL_set_shutdown(ssl, before | SSL_SENT_SHUTDOWN);
            done(error);
        });
    }
};

} // namespace switchyard
