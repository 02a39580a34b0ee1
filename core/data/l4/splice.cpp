// SPDX-License-Identifier: Apache-2.0
#include "data/l4/splice.h"

#include <asio/post.hpp>
#include <asio/write.hpp>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <mutex>

#include <fcntl.h>
#include <unistd.h>

namespace switchyard {

namespace {

// One handler invocation moves at most this much before yielding to the
// other connections on the same thread; a fast loopback stream would
// otherwise monopolise its worker.
constexpr std::size_t YieldAfterBytes = 1024 * 1024;

// splice(2) into a socket raises SIGPIPE when the peer is gone (there is no
// MSG_NOSIGNAL for it), and the default action kills the process. Every
// server that splices ignores the signal; errors still come back as EPIPE.
void ignoreSigpipeOnce()
{
    static std::once_flag once;
    std::call_once(once, [] { std::signal(SIGPIPE, SIG_IGN); });
}

std::error_code lastError()
{
    // asio's own system category, so errors compare equal to asio::error values.
    return {errno, asio::error::get_system_category()};
}

} // namespace

struct Splice::Direction
{
    Direction(asio::ip::tcp::socket &source, asio::ip::tcp::socket &destination, bool fromClient)
        : src(source), dst(destination), isUp(fromClient)
    {
    }
    ~Direction()
    {
        if (pipeRead >= 0)
            ::close(pipeRead);
        if (pipeWrite >= 0)
            ::close(pipeWrite);
    }
    Direction(const Direction &) = delete;
    Direction &operator=(const Direction &) = delete;

    bool openPipe(std::size_t capacity)
    {
        int fds[2];
        if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0)
            return false;
        pipeRead = fds[0];
        pipeWrite = fds[1];
        // The default capacity is 64 KiB; a different size is a hint only
        // (unprivileged processes are capped by /proc/sys/fs/pipe-max-size).
        if (capacity != 64 * 1024)
            ::fcntl(pipeWrite, F_SETPIPE_SZ, static_cast<int>(std::min<std::size_t>(capacity, 1 << 20)));
        return true;
    }

    asio::ip::tcp::socket &src;
    asio::ip::tcp::socket &dst;
    const bool isUp;
    std::unique_ptr<char[]> buffer; // Copy mode
    int pipeRead = -1;              // Kernel mode
    int pipeWrite = -1;
    std::size_t pipeBytes = 0; // read from src, not yet written to dst
    std::uint64_t bytes = 0;   // delivered to dst
    bool srcEof = false;
    bool done = false;
};

const char *toString(SpliceEnd end)
{
    switch (end) {
    case SpliceEnd::Closed: return "closed";
    case SpliceEnd::IdleTimeout: return "idle-timeout";
    case SpliceEnd::ClientError: return "client-error";
    case SpliceEnd::UpstreamError: return "upstream-error";
    case SpliceEnd::Stopped: return "stopped";
    }
    return "unknown";
}

Splice::Splice(asio::ip::tcp::socket client, asio::ip::tcp::socket upstream, SpliceOptions options,
               Completion done)
    : m_client(std::move(client)),
      m_upstream(std::move(upstream)),
      m_options(options),
      m_done(std::move(done)),
      m_idleTimer(m_client.get_executor()),
      m_lastActivity(std::chrono::steady_clock::now()),
      m_up(std::make_unique<Direction>(m_client, m_upstream, true)),
      m_down(std::make_unique<Direction>(m_upstream, m_client, false))
{
    m_options.bufferBytes = std::max<std::size_t>(m_options.bufferBytes, 4096);
}

Splice::~Splice() = default;

std::shared_ptr<Splice> Splice::start(asio::ip::tcp::socket client, asio::ip::tcp::socket upstream,
                                      SpliceOptions options, std::string prefix, Completion done)
{
    std::shared_ptr<Splice> splice(new Splice(std::move(client), std::move(upstream), options, std::move(done)));
    splice->begin(std::move(prefix));
    return splice;
}

void Splice::begin(std::string prefix)
{
    std::error_code ignored;
    m_client.set_option(asio::ip::tcp::no_delay(true), ignored);
    m_upstream.set_option(asio::ip::tcp::no_delay(true), ignored);

    if (m_options.mode == SpliceMode::Kernel) {
        m_kernel = m_up->openPipe(m_options.bufferBytes) && m_down->openPipe(m_options.bufferBytes);
        std::error_code e1, e2;
        if (m_kernel) {
            m_client.native_non_blocking(true, e1);
            m_upstream.native_non_blocking(true, e2);
            m_kernel = !e1 && !e2;
        }
        if (m_kernel)
            ignoreSigpipeOnce();
    }
    if (!m_kernel) {
        m_up->buffer = std::make_unique<char[]>(m_options.bufferBytes);
        m_down->buffer = std::make_unique<char[]>(m_options.bufferBytes);
    }

    if (m_options.idleTimeout.count() > 0)
        armIdleTimer(m_options.idleTimeout);

    startDirection(*m_down);
    if (prefix.empty()) {
        startDirection(*m_up);
        return;
    }
    auto owned = std::make_shared<std::string>(std::move(prefix));
    asio::async_write(m_upstream, asio::buffer(*owned),
                      [self = shared_from_this(), owned](std::error_code ec, std::size_t) {
                          if (self->m_finished)
                              return;
                          if (ec) {
                              self->fail(*self->m_up, false, ec);
                              return;
                          }
                          self->touch();
                          self->startDirection(*self->m_up);
                      });
}

void Splice::startDirection(Direction &direction)
{
    if (m_kernel)
        kernelPump(direction);
    else
        copyRead(direction);
}

void Splice::copyRead(Direction &d)
{
    d.src.async_read_some(
        asio::buffer(d.buffer.get(), m_options.bufferBytes),
        [self = shared_from_this(), &d](std::error_code ec, std::size_t n) {
            if (self->m_finished)
                return;
            if (ec == asio::error::eof) {
                self->directionFinished(d);
                return;
            }
            if (ec) {
                self->fail(d, true, ec);
                return;
            }
            self->touch();
            asio::async_write(d.dst, asio::buffer(d.buffer.get(), n),
                              [self, &d](std::error_code writeError, std::size_t written) {
                                  if (self->m_finished)
                                      return;
                                  if (writeError) {
                                      self->fail(d, false, writeError);
                                      return;
                                  }
                                  d.bytes += written;
                                  self->touch();
                                  self->copyRead(d);
                              });
        });
}

void Splice::kernelPump(Direction &d)
{
    if (m_finished)
        return;
    std::size_t moved = 0;
    for (;;) {
        if (d.pipeBytes > 0) {
            const ssize_t n = ::splice(d.pipeRead, nullptr, d.dst.native_handle(), nullptr, d.pipeBytes,
                                       SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
            if (n > 0) {
                d.pipeBytes -= static_cast<std::size_t>(n);
                d.bytes += static_cast<std::uint64_t>(n);
                moved += static_cast<std::size_t>(n);
                touch();
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && errno == EAGAIN) {
                waitThenPump(d, false);
                return;
            }
            fail(d, false, n == 0 ? std::make_error_code(std::errc::broken_pipe) : lastError());
            return;
        }
        if (d.srcEof) {
            directionFinished(d);
            return;
        }
        if (moved >= YieldAfterBytes) {
            asio::post(d.src.get_executor(), [self = shared_from_this(), &d] { self->kernelPump(d); });
            return;
        }
        const ssize_t n = ::splice(d.src.native_handle(), nullptr, d.pipeWrite, nullptr, m_options.bufferBytes,
                                   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
        if (n > 0) {
            d.pipeBytes += static_cast<std::size_t>(n);
            continue;
        }
        if (n == 0) {
            d.srcEof = true;
            continue;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN) {
            waitThenPump(d, true);
            return;
        }
        fail(d, true, lastError());
        return;
    }
}

void Splice::waitThenPump(Direction &d, bool forSource)
{
    asio::ip::tcp::socket &socket = forSource ? d.src : d.dst;
    socket.async_wait(forSource ? asio::socket_base::wait_read : asio::socket_base::wait_write,
                      [self = shared_from_this(), &d, forSource](std::error_code ec) {
                          if (self->m_finished)
                              return;
                          if (ec)
                              self->fail(d, forSource, ec);
                          else
                              self->kernelPump(d);
                      });
}

void Splice::directionFinished(Direction &d)
{
    d.done = true;
    // Half-close: the peer learns that no more bytes come this way, while
    // the opposite direction keeps flowing.
    std::error_code ignored;
    d.dst.shutdown(asio::socket_base::shutdown_send, ignored);
    if (m_up->done && m_down->done)
        finish(SpliceEnd::Closed, {});
}

void Splice::fail(Direction &d, bool sourceFailed, std::error_code error)
{
    // The source of the up direction is the client; of the down one, the upstream.
    const bool clientSide = (d.isUp == sourceFailed);
    finish(clientSide ? SpliceEnd::ClientError : SpliceEnd::UpstreamError, error);
}

void Splice::finish(SpliceEnd end, std::error_code error)
{
    if (m_finished)
        return;
    m_finished = true;
    m_idleTimer.cancel();
    std::error_code ignored;
    m_client.close(ignored);
    m_upstream.close(ignored);
    SpliceStats stats;
    stats.clientToUpstream = m_up->bytes;
    stats.upstreamToClient = m_down->bytes;
    stats.end = end;
    stats.error = error;
    stats.kernelSplice = m_kernel;
    // Moved out so the callback's captures are released even if a stray
    // handler keeps this object alive a little longer.
    Completion done = std::move(m_done);
    m_done = nullptr;
    if (done)
        done(stats);
}

void Splice::armIdleTimer(std::chrono::steady_clock::duration after)
{
    m_idleTimer.expires_after(after);
    m_idleTimer.async_wait([self = shared_from_this()](std::error_code ec) {
        if (ec || self->m_finished)
            return;
        const auto idle = std::chrono::steady_clock::now() - self->m_lastActivity;
        if (idle >= self->m_options.idleTimeout)
            self->finish(SpliceEnd::IdleTimeout, {});
        else
            self->armIdleTimer(self->m_options.idleTimeout - idle);
    });
}

void Splice::stop()
{
    asio::post(m_client.get_executor(), [self = shared_from_this()] { self->finish(SpliceEnd::Stopped, {}); });
}

std::uint64_t Splice::clientToUpstream() const
{
    return m_up->bytes;
}

std::uint64_t Splice::upstreamToClient() const
{
    return m_down->bytes;
}

} // namespace switchyard
