// SPDX-License-Identifier: Apache-2.0
#include "data/l4/tlspassthrough.h"

#include <asio/post.hpp>
#include <asio/write.hpp>

#include <algorithm>
#include <array>
#include <cctype>

namespace switchyard {

namespace {

constexpr std::size_t ReadChunkBytes = 4096;
// After an alert, how long the client may take to read it and close before
// the socket is closed anyway. Closing with unread input sends an RST that
// can make the client drop the alert unread.
constexpr std::chrono::milliseconds LingerTime(1000);

std::string lowerAscii(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

} // namespace

const char *toString(TlsPassthroughEnd end)
{
    switch (end) {
    case TlsPassthroughEnd::Spliced: return "spliced";
    case TlsPassthroughEnd::Rejected: return "rejected";
    case TlsPassthroughEnd::HandedOff: return "handed-off";
    case TlsPassthroughEnd::NotTls: return "not-tls";
    case TlsPassthroughEnd::Malformed: return "malformed";
    case TlsPassthroughEnd::Timeout: return "timeout";
    case TlsPassthroughEnd::ClientClosed: return "client-closed";
    case TlsPassthroughEnd::DialFailed: return "dial-failed";
    case TlsPassthroughEnd::Stopped: return "stopped";
    }
    return "unknown";
}

TlsPassthrough::TlsPassthrough(asio::ip::tcp::socket client, TlsPassthroughOptions options, Router router,
                               Completion done, HandOff handOff)
    : m_client(std::move(client)),
      m_executor(m_client.get_executor()),
      m_options(std::move(options)),
      m_router(std::move(router)),
      m_done(std::move(done)),
      m_handOff(std::move(handOff)),
      m_timer(m_executor),
      m_chunk(std::make_unique<char[]>(ReadChunkBytes))
{
}

std::shared_ptr<TlsPassthrough> TlsPassthrough::start(asio::ip::tcp::socket client, TlsPassthroughOptions options,
                                                      Router router, Completion done, HandOff handOff)
{
    std::shared_ptr<TlsPassthrough> passthrough(new TlsPassthrough(std::move(client), std::move(options),
                                                                   std::move(router), std::move(done),
                                                                   std::move(handOff)));
    asio::post(passthrough->m_executor, [passthrough] { passthrough->begin(); });
    return passthrough;
}

void TlsPassthrough::begin()
{
    if (m_finished)
        return;
    m_timer.expires_after(m_options.clientHelloTimeout);
    m_timer.async_wait([self = shared_from_this()](std::error_code ec) {
        if (!ec && !self->m_helloDone)
            self->finish(TlsPassthroughEnd::Timeout, "no complete ClientHello within "
                                                         + std::to_string(self->m_options.clientHelloTimeout.count())
                                                         + " ms");
    });
    readMore();
}

void TlsPassthrough::readMore()
{
    m_client.async_read_some(asio::buffer(m_chunk.get(), ReadChunkBytes), [self = shared_from_this()](
                                                                              std::error_code ec, std::size_t n) {
        if (self->m_finished || self->m_helloDone)
            return;
        if (ec) {
            self->finish(TlsPassthroughEnd::ClientClosed, ec.message());
            return;
        }
        const std::string_view bytes(self->m_chunk.get(), n);
        self->m_peeked.append(bytes);
        switch (self->m_peek.feed(bytes)) {
        case ClientHelloPeek::Status::NeedMore:
            if (self->m_peeked.size() >= self->m_options.maxClientHelloBytes)
                self->refuse(TlsPassthroughEnd::Malformed, AlertDecodeError,
                             "no complete ClientHello in the first "
                                 + std::to_string(self->m_options.maxClientHelloBytes) + " bytes");
            else
                self->readMore();
            return;
        case ClientHelloPeek::Status::Done:
            self->routeHello();
            return;
        case ClientHelloPeek::Status::NotTls:
            self->finish(TlsPassthroughEnd::NotTls, self->m_peek.reason());
            return;
        case ClientHelloPeek::Status::Malformed:
            self->refuse(TlsPassthroughEnd::Malformed, AlertDecodeError, self->m_peek.reason());
            return;
        }
    });
}

void TlsPassthrough::routeHello()
{
    m_helloDone = true;
    m_timer.cancel();
    TlsClientHello hello;
    hello.serverName = lowerAscii(m_peek.serverName());
    hello.alpn = m_peek.alpn();
    std::error_code ignored;
    hello.remote = m_client.remote_endpoint(ignored);
    m_report.serverName = hello.serverName;

    TlsRoute route = m_router ? m_router(hello) : TlsRoute::reject();
    if (route.action == TlsRoute::Action::HandOff && !m_handOff)
        route = TlsRoute::reject();
    switch (route.action) {
    case TlsRoute::Action::Passthrough:
        m_report.target = std::move(route.target);
        dialUpstream();
        return;
    case TlsRoute::Action::Reject:
        refuse(TlsPassthroughEnd::Rejected, hello.serverName.empty() ? AlertHandshakeFailure : AlertUnrecognizedName,
               hello.serverName.empty() ? "no SNI" : "no endpoint for " + hello.serverName);
        return;
    case TlsRoute::Action::HandOff: {
        HandOff handOff = std::move(m_handOff);
        handOff(std::move(m_client), std::move(m_peeked), std::move(hello));
        finish(TlsPassthroughEnd::HandedOff);
        return;
    }
    }
}

void TlsPassthrough::dialUpstream()
{
    m_dialer = UpstreamDialer::dial(
        m_executor, m_report.target.host, m_report.target.port, m_options.dial,
        [self = shared_from_this()](UpstreamDialer::Outcome outcome) {
            self->m_dialer.reset();
            if (self->m_finished)
                return;
            if (!outcome.socket) {
                self->finish(TlsPassthroughEnd::DialFailed, outcome.socket.message());
                return;
            }
            self->m_splice = Splice::start(std::move(self->m_client), std::move(outcome.socket.value()),
                                           self->m_options.splice, std::move(self->m_peeked),
                                           [self](const SpliceStats &stats) {
                                               self->m_report.splice = stats;
                                               self->finish(TlsPassthroughEnd::Spliced);
                                           });
        });
}

void TlsPassthrough::refuse(TlsPassthroughEnd end, unsigned char alert, std::string why)
{
    m_helloDone = true;
    m_timer.cancel();
    // A fatal alert record in the clear (content type 21, legacy version
    // TLS 1.2): valid for TLS 1.2 and 1.3 before the ServerHello.
    static constexpr std::array<unsigned char, 5> Header = {21, 3, 3, 0, 2};
    auto record = std::make_shared<std::array<unsigned char, 7>>();
    std::copy(Header.begin(), Header.end(), record->begin());
    (*record)[5] = 2; // fatal
    (*record)[6] = alert;
    asio::async_write(m_client, asio::buffer(*record),
                      [self = shared_from_this(), record, end, why = std::move(why)](std::error_code ec,
                                                                                       std::size_t) mutable {
                          if (self->m_finished)
                              return;
                          self->m_report.end = end;
                          self->m_report.error = std::move(why);
                          if (ec)
                              self->finish(end, self->m_report.error);
                          else
                              self->lingerClose();
                      });
}

void TlsPassthrough::lingerClose()
{
    std::error_code ignored;
    m_client.shutdown(asio::socket_base::shutdown_send, ignored);
    m_timer.expires_after(LingerTime);
    m_timer.async_wait([self = shared_from_this()](std::error_code ec) {
        if (!ec)
            self->finish(self->m_report.end, self->m_report.error);
    });
    discardUntilClosed();
}

void TlsPassthrough::discardUntilClosed()
{
    m_client.async_read_some(asio::buffer(m_chunk.get(), ReadChunkBytes),
                             [self = shared_from_this()](std::error_code ec, std::size_t) {
                                 if (self->m_finished)
                                     return;
                                 if (ec)
                                     self->finish(self->m_report.end, self->m_report.error);
                                 else
                                     self->discardUntilClosed();
                             });
}

void TlsPassthrough::finish(TlsPassthroughEnd end, std::string error)
{
    if (m_finished)
        return;
    m_finished = true;
    m_timer.cancel();
    std::error_code ignored;
    if (m_client.is_open())
        m_client.close(ignored);
    if (m_dialer)
        m_dialer->cancel();
    m_dialer.reset();
    m_splice.reset();
    m_report.end = end;
    m_report.error = std::move(error);
    Completion done = std::move(m_done);
    m_done = nullptr;
    if (done)
        done(m_report);
}

void TlsPassthrough::stop()
{
    asio::post(m_executor, [self = shared_from_this()] {
        if (self->m_splice)
            self->m_splice->stop();
        else
            self->finish(TlsPassthroughEnd::Stopped);
    });
}

} // namespace switchyard
