// SPDX-License-Identifier: Apache-2.0
#include "data/engine/listener.h"

#include "common/hostport.h"

#include <asio/post.hpp>

namespace switchyard {

const char *ListenerInfo::kindName(Kind kind)
{
    switch (kind) {
    case Kind::EdgeHttp: return "edge-http";
    case Kind::EdgeHttps: return "edge-https";
    case Kind::DedicatedHttp: return "http";
    case Kind::DedicatedHttps: return "https";
    case Kind::DedicatedTls: return "tls";
    case Kind::Api: return "api";
    }
    return "?";
}

Result<std::pair<std::string, int>> Listener::parseAddress(const std::string &text)
{
    // HostPort refuses port 0; allow it here by validating with port 1.
    std::string probe = text;
    const bool zero = probe.ends_with(":0");
    if (zero)
        probe.back() = '1';
    auto parsed = HostPort::parse(probe);
    if (!parsed)
        return makeError("invalid listen address '" + text + "': " + parsed.message());
    return std::make_pair(parsed->host, zero ? 0 : parsed->port);
}

Listener::Listener(asio::io_context &acceptContext, ChooseContext chooseContext, OnAccept onAccept)
    : m_acceptContext(acceptContext), m_acceptor(acceptContext), m_backoff(acceptContext),
      m_chooseContext(std::move(chooseContext)), m_onAccept(std::move(onAccept))
{
}

Result<std::shared_ptr<Listener>> Listener::open(asio::io_context &acceptContext, ListenerInfo info,
                                                 const std::string &host, int port, ChooseContext chooseContext,
                                                 OnAccept onAccept)
{
    const std::string shown = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":"
                              + std::to_string(port);
    std::error_code ec;
    asio::ip::address address = asio::ip::make_address(host, ec);
    if (ec) {
        if (host == "localhost") {
            address = asio::ip::address_v4::loopback();
        } else {
            // A name: resolve it once, synchronously (listeners open on the
            // control path, not per request).
            asio::ip::tcp::resolver resolver(acceptContext);
            auto results = resolver.resolve(host, std::to_string(port), ec);
            if (ec || results.empty())
                return makeError("cannot listen on " + shown + ": cannot resolve '" + host + "'");
            address = results.begin()->endpoint().address();
        }
    }
    auto listener = std::make_shared<Listener>(acceptContext, std::move(chooseContext), std::move(onAccept));
    asio::ip::tcp::acceptor &acceptor = listener->m_acceptor;
    const asio::ip::tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
    acceptor.open(endpoint.protocol(), ec);
    if (!ec)
        acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
    if (!ec)
        acceptor.bind(endpoint, ec);
    if (!ec)
        acceptor.listen(1024, ec);
    if (ec)
        return makeError("cannot listen on " + shown + ": " + ec.message());
    const auto local = acceptor.local_endpoint(ec);
    info.port = local.port();
    if (info.routePort == 0)
        info.routePort = info.port;
    info.address = (local.address().is_v6() ? "[" + local.address().to_string() + "]" : local.address().to_string())
                   + ":" + std::to_string(info.port);
    listener->m_info = std::make_shared<const ListenerInfo>(std::move(info));
    return listener;
}

void Listener::start()
{
    asio::post(m_acceptContext, [self = shared_from_this()] { self->acceptNext(); });
}

void Listener::acceptNext()
{
    if (!m_acceptor.is_open())
        return;
    m_acceptor.async_accept(m_chooseContext(), [self = shared_from_this()](const std::error_code &error,
                                                                         asio::ip::tcp::socket socket) {
        if (error == asio::error::operation_aborted || !self->m_acceptor.is_open())
            return;
        if (error) {
            // Out of file descriptors and the like: back off instead of spinning.
            self->m_backoff.expires_after(std::chrono::milliseconds(50));
            self->m_backoff.async_wait([self](const std::error_code &ec) {
                if (!ec)
                    self->acceptNext();
            });
            return;
        }
        self->m_onAccept(std::move(socket), self->m_info);
        self->acceptNext();
    });
}

std::future<void> Listener::close()
{
    auto closed = std::make_shared<std::promise<void>>();
    std::future<void> result = closed->get_future();
    asio::post(m_acceptContext, [self = shared_from_this(), closed] {
        std::error_code ignored;
        self->m_acceptor.close(ignored);
        self->m_backoff.cancel();
        closed->set_value();
    });
    return result;
}

} // namespace switchyard
