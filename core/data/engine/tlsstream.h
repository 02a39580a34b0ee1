// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "data/engine/bytestream.h"

#include <asio/ssl/stream.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <memory>

namespace switchyard {

// ByteStream over TLS (asio::ssl::stream on a TCP socket), server or client
// side. The handshake is done by the owner through stream() before the
// stream is used as a ByteStream. Must be owned by a shared_ptr (the
// close_notify on closing outlives the owner's last call).
class TlsStream final : public ByteStream, public std::enable_shared_from_this<TlsStream>
{
public:
    // How long a close_notify may take to go out before the socket is
    // closed regardless (a peer that reads nothing must not hold the worker).
    static constexpr std::chrono::milliseconds CloseNotifyBound{1000};

    // Takes ownership of `ssl` (made by SSL_new from a TlsServerContext or
    // TlsClientContext native handle, which keeps its SSL_CTX alive).
    TlsStream(asio::ip::tcp::socket socket, SSL *ssl);

    asio::ssl::stream<asio::ip::tcp::socket> &stream() { return m_stream; }

    void asyncReadSome(char *data, std::size_t size, Handler handler) override;
    void asyncWrite(const char *data, std::size_t size, Handler handler) override;
    void asyncWaitReadable(Handler handler) override;
    // close_notify, then TCP FIN; reading goes on (half close).
    void shutdownSend() override;
    // close_notify (after a finished handshake), then the socket is closed;
    // pending operations complete with an error once it is.
    void close() override;
    asio::ip::tcp::socket &socket() override { return m_stream.next_layer(); }
    bool isTls() const override { return true; }

private:
    enum class After { ShutdownSend, Close };

    void sendCloseNotify(After after);
    void finishCloseNotify();
    void closeSocket();

    asio::ssl::stream<asio::ip::tcp::socket> m_stream;
    std::unique_ptr<asio::steady_timer> m_closeTimer; // while a close_notify is going out
    bool m_closeNotifyStarted = false;
    bool m_closeNotifyDone = false;
    After m_after = After::ShutdownSend;
};

} // namespace switchyard
