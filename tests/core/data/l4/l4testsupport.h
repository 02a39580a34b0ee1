// SPDX-License-Identifier: Apache-2.0
#pragma once

// Shared helpers for the L4 tests: an io_context on its own thread, small
// in-test upstream servers on 127.0.0.1, and blocking client helpers.

// A standard header before asio's (see data/l4/splice.h).
#include <cstddef>

#include <asio/connect.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace l4test {

using tcp = asio::ip::tcp;

// An io_context run by one background thread, like one engine worker.
class IoThread
{
public:
    IoThread() : m_guard(asio::make_work_guard(m_io)), m_thread([this] { m_io.run(); }) {}
    ~IoThread()
    {
        m_guard.reset();
        m_io.stop();
        m_thread.join();
    }
    asio::io_context &io() { return m_io; }
    asio::any_io_executor executor() { return m_io.get_executor(); }

private:
    asio::io_context m_io;
    asio::executor_work_guard<asio::io_context::executor_type> m_guard;
    std::thread m_thread;
};

// A blocking accept loop on 127.0.0.1 with one thread per connection, for
// upstreams whose behaviour is easiest to write as straight-line code.
class ThreadServer
{
public:
    using Session = std::function<void(tcp::socket &socket)>;

    explicit ThreadServer(Session session, unsigned short port = 0)
        : m_acceptor(m_io, tcp::endpoint(asio::ip::address_v4::loopback(), port)), m_session(std::move(session))
    {
        m_port = m_acceptor.local_endpoint().port();
        m_thread = std::thread([this] { acceptLoop(); });
    }
    ~ThreadServer()
    {
        m_stopping = true;
        std::error_code ignored;
        // Wake the blocking accept with a connection of our own.
        tcp::socket waker(m_io);
        waker.connect(tcp::endpoint(asio::ip::address_v4::loopback(), m_port), ignored);
        m_thread.join();
        for (auto &t : m_sessions)
            t.join();
    }
    unsigned short port() const { return m_port; }
    int connections() const { return m_connections.load(); }

private:
    void acceptLoop()
    {
        for (;;) {
            auto socket = std::make_shared<tcp::socket>(m_io);
            std::error_code ec;
            m_acceptor.accept(*socket, ec);
            if (m_stopping || ec)
                return;
            ++m_connections;
            m_sessions.emplace_back([this, socket] {
                m_session(*socket);
                std::error_code ignored;
                socket->close(ignored);
            });
        }
    }

    asio::io_context m_io;
    tcp::acceptor m_acceptor;
    Session m_session;
    unsigned short m_port = 0;
    std::thread m_thread;
    std::vector<std::thread> m_sessions;
    std::atomic<bool> m_stopping{false};
    std::atomic<int> m_connections{0};
};

// Echoes until EOF, then closes its sending side (half-close aware).
inline void echoSession(tcp::socket &socket)
{
    std::vector<char> buffer(64 * 1024);
    for (;;) {
        std::error_code ec;
        const std::size_t n = socket.read_some(asio::buffer(buffer), ec);
        if (ec)
            break;
        asio::write(socket, asio::buffer(buffer.data(), n), ec);
        if (ec)
            return;
    }
    std::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_send, ignored);
}

// A port on 127.0.0.1 where nothing listens (bound, then released).
inline unsigned short deadPort()
{
    asio::io_context io;
    tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    return acceptor.local_endpoint().port();
}

inline tcp::socket connectTo(asio::io_context &io, unsigned short port)
{
    tcp::socket socket(io);
    socket.connect(tcp::endpoint(asio::ip::address_v4::loopback(), port));
    return socket;
}

// Reads until EOF or error; the error (eof for a clean close) in *error.
inline std::string readAll(tcp::socket &socket, std::error_code *error = nullptr)
{
    std::string out;
    char buffer[16384];
    for (;;) {
        std::error_code ec;
        const std::size_t n = socket.read_some(asio::buffer(buffer), ec);
        out.append(buffer, n);
        if (ec) {
            if (error)
                *error = ec;
            return out;
        }
    }
}

// Deterministic test bytes: byte i of stream `seed`.
inline char patternByte(std::uint64_t i, std::uint32_t seed)
{
    std::uint64_t x = (i + 1) * 0x9E3779B97F4A7C15ull ^ seed;
    x ^= x >> 29;
    return static_cast<char>(x & 0xff);
}

// FNV-1a over a running stream.
struct Checksum
{
    std::uint64_t value = 1469598103934665603ull;
    std::uint64_t bytes = 0;
    void add(const char *data, std::size_t n)
    {
        for (std::size_t i = 0; i < n; ++i) {
            value ^= static_cast<unsigned char>(data[i]);
            value *= 1099511628211ull;
        }
        bytes += n;
    }
};

// Waits (polling, with a short sleep) until `condition` holds or `timeout`
// passes; returns whether it held.
inline bool waitFor(const std::function<bool()> &condition,
                    std::chrono::milliseconds timeout = std::chrono::milliseconds(5000))
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

// A one-shot value handed from the io thread to the test thread.
template<typename T>
class Mailbox
{
public:
    void put(T value)
    {
        std::lock_guard lock(m_mutex);
        m_values.push_back(std::move(value));
        m_cv.notify_all();
    }
    // The next value, or false on timeout.
    bool take(T *out, std::chrono::milliseconds timeout = std::chrono::milliseconds(5000))
    {
        std::unique_lock lock(m_mutex);
        if (!m_cv.wait_for(lock, timeout, [this] { return !m_values.empty(); }))
            return false;
        *out = std::move(m_values.front());
        m_values.erase(m_values.begin());
        return true;
    }
    std::size_t size()
    {
        std::lock_guard lock(m_mutex);
        return m_values.size();
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::vector<T> m_values;
};

} // namespace l4test
