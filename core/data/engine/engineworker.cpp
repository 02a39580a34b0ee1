// SPDX-License-Identifier: Apache-2.0
#include "data/engine/engineworker.h"

#include "common/threadname.h"
#include "data/engine/enginestate.h"

namespace switchyard {

namespace {
constexpr std::size_t MaxFreeBuffers = 64;
}

EngineWorker::EngineWorker(EngineState &state, std::size_t index)
    : m_state(state)
    , m_index(index)
    , m_context(std::make_unique<asio::io_context>(1))
{
    m_work.emplace(asio::make_work_guard(*m_context));
    m_sweepTimer.emplace(*m_context);
}

EngineWorker::~EngineWorker()
{
    stop();
    m_upstreams.clear();
    m_sweepTimer.reset();
    m_work.reset();
    m_context.reset();
}

void EngineWorker::start()
{
    scheduleSweep();
    m_thread = std::thread([this] {
        setCurrentThreadName("sy-worker-" + std::to_string(m_index));
        m_context->run();
    });
}

void EngineWorker::stop()
{
    if (!m_thread.joinable())
        return;
    m_context->stop();
    m_thread.join();
}

void EngineWorker::scheduleSweep()
{
    m_sweepTimer->expires_after(DeadlineList::Tick);
    m_sweepTimer->async_wait([this](const std::error_code &ec) {
        if (ec)
            return;
        const auto now = DeadlineNode::Clock::now();
        m_deadlines.sweep(now);
        // Pooled upstream connections age out about once a second.
        if (++m_sweeps % 10 == 0)
            m_upstreams.prune(now, m_state.limits.load(std::memory_order_acquire)->upstreamIdleTimeout);
        scheduleSweep();
    });
}

EngineWorker::Buffer EngineWorker::takeBuffer()
{
    if (m_freeBuffers.empty())
        return Buffer(new char[BufferSize]);
    Buffer buffer = std::move(m_freeBuffers.back());
    m_freeBuffers.pop_back();
    return buffer;
}

void EngineWorker::returnBuffer(Buffer buffer)
{
    if (buffer && m_freeBuffers.size() < MaxFreeBuffers)
        m_freeBuffers.push_back(std::move(buffer));
}

} // namespace switchyard
