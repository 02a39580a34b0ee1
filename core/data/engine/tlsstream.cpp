// SPDX-License-Identifier: Apache-2.0
#include "data/engine/tlsstream.h"

#include "data/engine/tlsclosenotify.h"

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

// Bounded by CloseNotifyBound: a peer that reads nothing does not keep the
// socket open.
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
    std::weak_ptr<TlsStream> weak = weak_from_this();
    if (!m_stream.next_layer().is_open() || weak.expired()) {
        finishCloseNotify();
        return;
    }
    m_closeTimer = std::make_unique<asio::steady_timer>(m_stream.get_executor(), CloseNotifyBound);
    m_closeTimer->async_wait([weak](const std::error_code &error) {
        if (auto self = weak.lock(); self && !error && !self->m_closeNotifyDone) {
            self->m_after = After::Close; // the peer does not read: give up on it
            self->finishCloseNotify();
        }
    });
    TlsCloseNotify::send(m_stream, [self = shared_from_this()](const std::error_code &) {
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
