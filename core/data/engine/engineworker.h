// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "data/engine/deadlinelist.h"
#include "data/engine/upstreampool.h"

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

namespace switchyard {

struct EngineState;

// One data-plane I/O thread: its own io_context (run by exactly one thread,
// so nothing here needs a lock), its connections' deadlines, its upstream
// connection pool and a free list of I/O buffers.
class EngineWorker
{
public:
    static constexpr std::size_t BufferSize = 32 * 1024;
    using Buffer = std::unique_ptr<char[]>;

    EngineWorker(EngineState &state, std::size_t index);
    ~EngineWorker();
    EngineWorker(const EngineWorker &) = delete;
    EngineWorker &operator=(const EngineWorker &) = delete;

    void start();
    // Stops the io_context and joins the thread; pending handlers are dropped
    // (their objects are destroyed with the io_context's queues).
    void stop();

    asio::io_context &context() { return *m_context; }
    EngineState &state() { return m_state; }
    std::size_t index() const { return m_index; }
    DeadlineList &deadlines() { return m_deadlines; }
    UpstreamPool &upstreams() { return m_upstreams; }
    // Per-request round robin over pool members.
    std::size_t nextRoundRobin() { return m_roundRobin++; }

    Buffer takeBuffer();
    void returnBuffer(Buffer buffer);

private:
    void scheduleSweep();

    EngineState &m_state;
    std::size_t m_index;
    // Destroyed first, explicitly (see the destructor): pending handlers own
    // sessions whose destructors still use the members below.
    std::unique_ptr<asio::io_context> m_context;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> m_work;
    std::optional<asio::steady_timer> m_sweepTimer;
    DeadlineList m_deadlines;
    UpstreamPool m_upstreams;
    std::vector<Buffer> m_freeBuffers;
    std::size_t m_roundRobin = 0;
    std::size_t m_sweeps = 0;
    std::thread m_thread;
};

} // namespace switchyard
