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
    sendCloseNotify(After::ShutdownSend);
}

void TlsStream::close()
{
    sendCloseNotify(After::Close);
}

// A client that sees the socket end without close_notify cannot tell our
// deliberate close from a truncation attack, so every close of an
// established connection sends one. asio's async_shutdown would also wait
// for the peer's close_notify, which most peers never send: marking the
// peer's as received makes it write ours and complete. A pending read
// therefore ends (EOF) if bytes come while ours goes out; the mark is taken
// back afterwards so a half-closed stream can still be read.
void TlsStream::sendCloseNotify(After after)
{
    if (after == After::Close)
        m_after = After::Close;
    if (m_closeNotifyStarted) {
        if (m_closeNotifyDone && after == After::Close)
            closeSocket();
        return; // the one in flight ends as m_after says
    }
    m_closeNotifyStarted = true;
    SSL *ssl = m_stream.native_handle();
    std::weak_ptr<TlsStream> weak = weak_from_this();
    if (!m_stream.next_layer().is_open() || SSL_is_init_finished(ssl) != 1 || weak.expired()
        || (SSL_get_shutdown(ssl) & SSL_SENT_SHUTDOWN) != 0) {
        finishCloseNotify();
        return;
    }
    const int before = SSL_get_shutdown(ssl);
    SSL_set_shutdown(ssl, before | SSL_RECEIVED_SHUTDOWN);
    m_closeTimer = std::make_unique<asio::steady_timer>(m_stream.get_executor(), CloseNotifyBound);
    m_closeTimer->async_wait([weak](const std::error_code &error) {
        if (auto self = weak.lock(); self && !error && !self->m_closeNotifyDone) {
            self->m_after = After::Close; // the peer does not read: give up on it
            self->finishCloseNotify();
        }
    });
    m_stream.async_shutdown([self = shared_from_this(), ssl, before](const std::error_code &) {
        SSL_set_shutdown(ssl, before | SSL_SENT_SHUTDOWN);
        if (!self->m_closeNotifyDone)
            self->finishCloseNotify();
    });
}

void TlsStream::finishCloseNotify()
{
    m_closeNotifyDone = true;
    if (m_closeTimer)
        m_closeTimer->cancel();
    if (m_after == After::Close) {
        closeSocket();
        return;
    }
    std::error_code ignored;
    m_stream.next_layer().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
}

void TlsStream::closeSocket()
{
    std::error_code ignored;
    m_stream.next_layer().close(ignored);
}

} // namespace switchyard
