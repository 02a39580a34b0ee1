// SPDX-License-Identifier: Apache-2.0
#include "data/engine/tlsterminationrelay.h"

#include "data/engine/tlsclosenotify.h"

#include <asio/write.hpp>

#include <openssl/ssl.h>

#include <cstdio>

namespace switchyard {

void TlsTerminationRelay::start(asio::ip::tcp::socket client, std::string consumed, std::shared_ptr<ssl_ctx_st> context,
                                Options options, Completion done)
{
    std::shared_ptr<TlsTerminationRelay> relay(new TlsTerminationRelay(
        std::move(client), std::move(consumed), std::move(context), std::move(options), std::move(done)));
    relay->handshake();
}

TlsTerminationRelay::TlsTerminationRelay(asio::ip::tcp::socket client, std::string consumed,
                                         std::shared_ptr<ssl_ctx_st> context, Options options, Completion done)
    : m_context(std::move(context)),
      // The SSL holds its own reference to the context; the stream frees the SSL.
      m_tls(PrefixedSocket(std::move(client), std::move(consumed)), SSL_new(m_context.get())),
      m_upstream(m_tls.get_executor()), m_timer(m_tls.get_executor()), m_options(std::move(options)),
      m_done(std::move(done))
{
}

TlsTerminationRelay::~TlsTerminationRelay()
{
    if (m_done)
        m_done();
}

void TlsTerminationRelay::handshake()
{
    if (!m_tls.native_handle()) {
        finish();
        return;
    }
    armTimer(m_options.handshakeTimeout);
    m_tls.async_handshake(asio::ssl::stream_base::server, [self = shared_from_this()](const std::error_code &error) {
        if (self->m_finished)
            return;
        if (error) {
            self->finish();
            return;
        }
        self->dial();
    });
}

void TlsTerminationRelay::dial()
{
    UpstreamDialer::dial(m_tls.get_executor(), m_options.target.host, m_options.target.port, m_options.dial,
                         [self = shared_from_this()](UpstreamDialer::Outcome outcome) {
                             if (self->m_finished)
                                 return;
                             if (!outcome.socket) {
                                 std::fprintf(stderr, "switchyard: %s: closing the connection: %s\n",
                                              self->m_options.endpointUrl.c_str(), outcome.socket.message().c_str());
                                 self->finish();
                                 return;
                             }
                             self->m_upstream = std::move(outcome.socket.value());
                             self->m_relaying = true;
                             self->m_lastActivity = std::chrono::steady_clock::now();
                             self->armTimer(self->m_options.idleTimeout);
                             self->clientToUpstream();
                             self->upstreamToClient();
                         });
}

void TlsTerminationRelay::clientToUpstream()
{
    pump(m_tls, m_upstream, m_up, m_upEnded, m_upstream, &TlsTerminationRelay::clientToUpstream);
}

void TlsTerminationRelay::upstreamToClient()
{
    pump(m_upstream, m_tls, m_down, m_downEnded, m_tls.next_layer().socket(), &TlsTerminationRelay::upstreamToClient);
}

template<typename From, typename To>
void TlsTerminationRelay::pump(From &from, To &to, Buffer &buffer, bool &ended, asio::ip::tcp::socket &toSocket,
                               void (TlsTerminationRelay::*again)())
{
    from.async_read_some(asio::buffer(buffer), [self = shared_from_this(), &to, &buffer, &ended, &toSocket,
                                                again](const std::error_code &error, std::size_t n) {
        if (self->m_finished)
            return;
        if (error) {
            // EOF, close_notify or a reset: pass the end on as a half-close
            // and let the other direction finish.
            ended = true;
            if (&toSocket == &self->m_tls.next_layer().socket()) {
                // Towards the client: close_notify first, so it sees a clean end.
                TlsCloseNotify::send(self->m_tls, [self, &toSocket](const std::error_code &) {
                    self->endedTowards(toSocket);
                });
                return;
            }
            self->endedTowards(toSocket);
            return;
        }
        self->m_lastActivity = std::chrono::steady_clock::now();
        asio::async_write(to, asio::buffer(buffer.data(), n),
                          [self, again](const std::error_code &writeError, std::size_t) {
                              if (self->m_finished)
                                  return;
                              if (writeError) {
                                  self->finish();
                                  return;
                              }
                              ((*self).*again)();
                          });
    });
}

void TlsTerminationRelay::endedTowards(asio::ip::tcp::socket &toSocket)
{
    if (m_finished)
        return;
    std::error_code ignored;
    toSocket.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    if (m_upEnded && m_downEnded)
        finish();
}

void TlsTerminationRelay::armTimer(std::chrono::steady_clock::duration after)
{
    if (after.count() <= 0) {
        m_timer.cancel();
        return;
    }
    m_timer.expires_after(after);
    m_timer.async_wait([self = shared_from_this()](const std::error_code &error) {
        if (error || self->m_finished)
            return;
        if (self->m_relaying) {
            const auto idleUntil = self->m_lastActivity + self->m_options.idleTimeout;
            if (std::chrono::steady_clock::now() < idleUntil) {
                self->armTimer(idleUntil - std::chrono::steady_clock::now());
                return;
            }
        }
        self->finish();
    });
}

void TlsTerminationRelay::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    std::error_code ignored;
    m_timer.cancel();
    m_tls.next_layer().socket().close(ignored);
    m_upstream.close(ignored);
}

} // namespace switchyard
