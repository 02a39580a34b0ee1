// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "data/engine/listenerinfo.h"

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>

#include <functional>
#include <future>
#include <memory>
#include <string>

namespace switchyard {

// A listening socket. The acceptor runs on one io_context; each accepted
// socket is created on the io_context chooseContext() names (round robin over
// the workers) and given to onAccept on the accepting thread, which posts it
// on. Closing stops accepting; connections already accepted are not touched.
class Listener : public std::enable_shared_from_this<Listener>
{
public:
    using ChooseContext = std::function<asio::io_context &()>;
    using OnAccept = std::function<void(asio::ip::tcp::socket socket, std::shared_ptr<const ListenerInfo> info)>;

    // Binds "host:port" (port 0 = a free port). The error names the address
    // and the reason ("address already in use").
    static Result<std::shared_ptr<Listener>> open(asio::io_context &acceptContext, ListenerInfo info,
                                                  const std::string &host, int port, ChooseContext chooseContext,
                                                  OnAccept onAccept);

    Listener(asio::io_context &acceptContext, ChooseContext chooseContext, OnAccept onAccept);

    void start();
    // Any thread.
    // The returned future is ready once the socket is closed, so a caller can
    // say "no longer accepting" truthfully or bind the port again.
    std::future<void> close();
    std::shared_ptr<const ListenerInfo> info() const { return m_info; }

    // Parses a listen address; unlike HostPort, port 0 is allowed.
    static Result<std::pair<std::string, int>> parseAddress(const std::string &text);

private:
    void acceptNext();

    asio::io_context &m_acceptContext;
    asio::ip::tcp::acceptor m_acceptor;
    asio::steady_timer m_backoff;
    ChooseContext m_chooseContext;
    OnAccept m_onAccept;
    std::shared_ptr<const ListenerInfo> m_info;
};

} // namespace switchyard
