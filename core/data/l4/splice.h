// SPDX-License-Identifier: Apache-2.0
#pragma once

// Standard headers before asio's: asio's config decides between
// aligned_alloc and operator new from libstdc++ macros, so a file that
// includes asio first would allocate handler memory differently from one
// that does not (an alloc/dealloc mismatch across files under ASan).
#include <cstddef>

#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <system_error>

namespace switchyard {

// How bytes move between the two sockets.
enum class SpliceMode {
    // Linux splice(2) through a pipe per direction: the bytes never enter
    // user space. Falls back to Copy when no pipe can be created.
    Kernel,
    // async_read_some/async_write through one fixed buffer per direction.
    Copy,
};

struct SpliceOptions
{
    // Kernel: measured faster on loopback (bench/l4_bench.cpp, docs in
    // core/data/l4/README.md), so it is the default.
    SpliceMode mode = SpliceMode::Kernel;
    // Bytes in flight per direction: the Copy buffer or the pipe capacity.
    // This is the whole per-connection buffering, so a slow reader stalls
    // the writer instead of growing memory.
    std::size_t bufferBytes = 64 * 1024;
    // No byte in either direction for this long ends the relay (ngrok:
    // 5 min). Zero disables the timer.
    std::chrono::milliseconds idleTimeout = std::chrono::minutes(5);
};

// Why a relay ended.
enum class SpliceEnd {
    Closed,        // both sides sent FIN and everything was delivered
    IdleTimeout,   // idleTimeout passed without traffic
    ClientError,   // reading from or writing to the client failed (e.g. reset)
    UpstreamError, // reading from or writing to the upstream failed
    Stopped,       // stop() was called
};

const char *toString(SpliceEnd end);

struct SpliceStats
{
    std::uint64_t clientToUpstream = 0; // excluding the prefix
    std::uint64_t upstreamToClient = 0;
    SpliceEnd end = SpliceEnd::Closed;
    std::error_code error; // set for ClientError/UpstreamError
    bool kernelSplice = false; // which mode actually ran
};

// A bidirectional byte relay between an accepted client socket and a
// connected upstream socket, for tcp:// and tls:// endpoints.
//
// Contract:
// - Both sockets must belong to the same executor, and that executor must
//   not run handlers concurrently (one thread per io_context, as the engine
//   does, or a strand). Everything here runs on it.
// - `prefix` (e.g. a peeked ClientHello) is written to the upstream before
//   any client byte.
// - A FIN from one side is passed on as shutdown(send) to the other, and the
//   other direction keeps flowing until it ends too (half-close).
// - Each direction holds at most bufferBytes at a time (backpressure).
// - `done` runs exactly once, on the executor, after which both sockets are
//   closed. The relay keeps itself alive until then; the returned pointer is
//   only needed for stop() and the live counters.
class Splice : public std::enable_shared_from_this<Splice>
{
public:
    using Completion = std::function<void(const SpliceStats &stats)>;

    static std::shared_ptr<Splice> start(asio::ip::tcp::socket client, asio::ip::tcp::socket upstream,
                                         SpliceOptions options, std::string prefix, Completion done);

    // Ends the relay with SpliceEnd::Stopped. Safe from any thread; does
    // nothing once the relay has finished.
    void stop();

    // Live counters; read them on the executor.
    std::uint64_t clientToUpstream() const;
    std::uint64_t upstreamToClient() const;

    ~Splice();
    Splice(const Splice &) = delete;
    Splice &operator=(const Splice &) = delete;

    struct Direction;

private:
    Splice(asio::ip::tcp::socket client, asio::ip::tcp::socket upstream, SpliceOptions options, Completion done);

    void begin(std::string prefix);
    void startDirection(Direction &direction);
    void copyRead(Direction &direction);
    void kernelPump(Direction &direction);
    // Kernel mode: waits until the source is readable or the destination
    // writable, then pumps again.
    void waitThenPump(Direction &direction, bool forSource);
    void directionFinished(Direction &direction);
    void fail(Direction &direction, bool sourceFailed, std::error_code error);
    void finish(SpliceEnd end, std::error_code error);
    void armIdleTimer(std::chrono::steady_clock::duration after);
    void touch() { m_lastActivity = std::chrono::steady_clock::now(); }

    asio::ip::tcp::socket m_client;
    asio::ip::tcp::socket m_upstream;
    SpliceOptions m_options;
    Completion m_done;
    asio::steady_timer m_idleTimer;
    std::chrono::steady_clock::time_point m_lastActivity;
    std::unique_ptr<Direction> m_up;   // client -> upstream
    std::unique_ptr<Direction> m_down; // upstream -> client
    bool m_kernel = false;
    bool m_finished = false;
};

} // namespace switchyard
