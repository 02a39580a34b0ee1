// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "data/engine/bytestream.h"
#include "model/upstream.h"

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace switchyard {

class TlsClientContext;

// One connection attempt to an upstream: resolve (an IP literal and
// "localhost" skip the resolver: 127.0.0.1 then ::1), try each address in
// turn, then the TLS handshake for https/tls upstreams. The callback runs
// once on the io_context, with a stream or with a plain-words error. The
// owner enforces the connect timeout by calling cancel().
class UpstreamConnector : public std::enable_shared_from_this<UpstreamConnector>
{
public:
    using Callback = std::function<void(std::shared_ptr<ByteStream> stream, const std::string &error)>;

    static std::shared_ptr<UpstreamConnector> start(asio::io_context &context, const Upstream &upstream,
                                                    const TlsClientContext *tls, Callback callback);
    // Aborts; the callback still runs (with an error) unless it already ran.
    void cancel();

    UpstreamConnector(asio::io_context &context, const Upstream &upstream, const TlsClientContext *tls,
                      Callback callback);

private:
    void run();
    void tryNext();
    void handshake(asio::ip::tcp::socket socket);
    void finish(std::shared_ptr<ByteStream> stream, const std::string &error);

    asio::io_context &m_context;
    Upstream m_upstream;
    const TlsClientContext *m_tls;
    Callback m_callback;
    asio::ip::tcp::resolver m_resolver;
    asio::ip::tcp::socket m_socket;
    std::shared_ptr<ByteStream> m_handshaking;
    std::vector<asio::ip::tcp::endpoint> m_candidates;
    std::size_t m_next = 0;
    std::string m_lastError;
    bool m_done = false;
};

} // namespace switchyard
