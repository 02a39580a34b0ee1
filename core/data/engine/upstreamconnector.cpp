// SPDX-License-Identifier: Apache-2.0
#include "data/engine/upstreamconnector.h"

#include "data/engine/plainstream.h"
#include "data/engine/tlsstream.h"
#include "data/tls/tlsclientcontext.h"

#include <openssl/ssl.h>

namespace switchyard {

std::shared_ptr<UpstreamConnector> UpstreamConnector::start(asio::io_context &context, const Upstream &upstream,
                                                            const TlsClientContext *tls, Callback callback)
{
    auto connector = std::make_shared<UpstreamConnector>(context, upstream, tls, std::move(callback));
    connector->run();
    return connector;
}

UpstreamConnector::UpstreamConnector(asio::io_context &context, const Upstream &upstream,
                                     const TlsClientContext *tls, Callback callback)
    : m_context(context), m_upstream(upstream), m_tls(tls), m_callback(std::move(callback)), m_resolver(context),
      m_socket(context)
{
}

void UpstreamConnector::run()
{
    const auto port = static_cast<unsigned short>(m_upstream.port());
    std::error_code ec;
    const auto address = asio::ip::make_address(m_upstream.host(), ec);
    if (!ec) {
        m_candidates.emplace_back(address, port);
        tryNext();
        return;
    }
    if (m_upstream.host() == "localhost") {
        // Local services mostly listen on IPv4 loopback; skip the resolver
        // (and its thread hop) for the most common upstream of all.
        m_candidates.emplace_back(asio::ip::address_v4::loopback(), port);
        m_candidates.emplace_back(asio::ip::address_v6::loopback(), port);
        tryNext();
        return;
    }
    m_resolver.async_resolve(m_upstream.host(), std::to_string(port),
                             [self = shared_from_this()](const std::error_code &error,
                                                         const asio::ip::tcp::resolver::results_type &results) {
                                 if (self->m_done)
                                     return;
                                 if (error) {
                                     self->finish(nullptr, "cannot resolve " + self->m_upstream.host() + ": "
                                                               + error.message());
                                     return;
                                 }
                                 for (const auto &entry : results)
                                     self->m_candidates.push_back(entry.endpoint());
                                 self->tryNext();
                             });
}

void UpstreamConnector::tryNext()
{
    if (m_done)
        return;
    if (m_next >= m_candidates.size()) {
        finish(nullptr, m_lastError.empty() ? std::string("no address to connect to") : m_lastError);
        return;
    }
    const asio::ip::tcp::endpoint target = m_candidates[m_next++];
    m_socket = asio::ip::tcp::socket(m_context);
    m_socket.async_connect(target, [self = shared_from_this(), target](const std::error_code &error) {
        if (self->m_done)
            return;
        if (error) {
            self->m_lastError = error.message();
            self->tryNext();
            return;
        }
        std::error_code ignored;
        self->m_socket.set_option(asio::ip::tcp::no_delay(true), ignored);
        if (self->m_upstream.isTls())
            self->handshake(std::move(self->m_socket));
        else
            self->finish(std::make_shared<PlainStream>(std::move(self->m_socket)), {});
    });
}

void UpstreamConnector::handshake(asio::ip::tcp::socket socket)
{
    if (!m_tls) {
        finish(nullptr, "TLS to upstreams is not available");
        return;
    }
    SSL *ssl = SSL_new(m_tls->nativeHandle());
    if (!ssl) {
        finish(nullptr, "cannot create a TLS session");
        return;
    }
    if (auto prepared = m_tls->prepareConnection(ssl, m_upstream.host()); !prepared) {
        SSL_free(ssl);
        finish(nullptr, prepared.message());
        return;
    }
    auto stream = std::make_shared<TlsStream>(std::move(socket), ssl);
    m_handshaking = stream;
    stream->stream().async_handshake(asio::ssl::stream_base::client,
                                     [self = shared_from_this(), stream](const std::error_code &error) {
                                         if (self->m_done)
                                             return;
                                         self->m_handshaking.reset();
                                         if (error)
                                             self->finish(nullptr, "TLS handshake failed: " + error.message());
                                         else
                                             self->finish(stream, {});
                                     });
}

void UpstreamConnector::cancel()
{
    if (m_done)
        return;
    std::error_code ignored;
    m_resolver.cancel();
    m_socket.close(ignored);
    if (m_handshaking)
        m_handshaking->close();
    finish(nullptr, "connection timed out");
}

void UpstreamConnector::finish(std::shared_ptr<ByteStream> stream, const std::string &error)
{
    if (m_done)
        return;
    m_done = true;
    Callback callback = std::move(m_callback);
    callback(std::move(stream), error);
}

} // namespace switchyard
