// SPDX-License-Identifier: Apache-2.0
#pragma once

// A standard header before asio's (see data/l4/splice.h).
#include <cstddef>

#include <asio/buffer.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>

#include <string>
#include <system_error>
#include <utility>

namespace switchyard {

// A TCP socket whose first reads return bytes already taken out of it: the
// ClientHello the HTTPS listener consumed while routing by SNI, so
// asio::ssl::stream<PrefixedSocket> can still terminate that connection.
// Only the operations asio::ssl::stream uses asynchronously are provided.
class PrefixedSocket
{
public:
    using executor_type = asio::ip::tcp::socket::executor_type;
    using lowest_layer_type = asio::ip::tcp::socket::lowest_layer_type;

    PrefixedSocket(asio::ip::tcp::socket socket, std::string prefix)
        : m_socket(std::move(socket)), m_prefix(std::move(prefix))
    {
    }

    executor_type get_executor() { return m_socket.get_executor(); }
    lowest_layer_type &lowest_layer() { return m_socket.lowest_layer(); }
    const lowest_layer_type &lowest_layer() const { return m_socket.lowest_layer(); }
    asio::ip::tcp::socket &socket() { return m_socket; }

    template <typename MutableBuffers, typename Handler>
    void async_read_some(const MutableBuffers &buffers, Handler &&handler)
    {
        if (m_offset < m_prefix.size()) {
            const std::size_t n = asio::buffer_copy(buffers, asio::buffer(m_prefix) + m_offset);
            m_offset += n;
            if (m_offset == m_prefix.size())
                releasePrefix();
            // Completions never run inside the initiating call.
            asio::post(m_socket.get_executor(), [h = std::forward<Handler>(handler), n]() mutable {
                h(std::error_code(), n);
            });
            return;
        }
        m_socket.async_read_some(buffers, std::forward<Handler>(handler));
    }

    template <typename ConstBuffers, typename Handler>
    void async_write_some(const ConstBuffers &buffers, Handler &&handler)
    {
        m_socket.async_write_some(buffers, std::forward<Handler>(handler));
    }

private:
    void releasePrefix()
    {
        std::string().swap(m_prefix);
        m_offset = 0;
    }

    asio::ip::tcp::socket m_socket;
    std::string m_prefix;
    std::size_t m_offset = 0;
};

} // namespace switchyard
