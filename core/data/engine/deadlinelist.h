// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <cstddef>

namespace switchyard {

// One connection's timer, kept in its worker's DeadlineList. Timeouts are
// checked by one coarse periodic sweep per worker instead of an asio timer
// per connection: re-arming a timer on every read would cost a timerfd
// update per request, and timeouts of seconds do not need millisecond
// precision (the sweep runs every DeadlineList::Tick).
class DeadlineNode
{
public:
    using Clock = std::chrono::steady_clock;

    virtual ~DeadlineNode() = default;

    // Clock::time_point::max() = no deadline.
    Clock::time_point deadline = Clock::time_point::max();

protected:
    // Called from the sweep once deadline has passed (and reset to max
    // before the call). Must not destroy any other node synchronously;
    // closing sockets is fine (asio runs their handlers later).
    virtual void onDeadline() = 0;

private:
    friend class DeadlineList;
    DeadlineNode *m_prev = nullptr;
    DeadlineNode *m_next = nullptr;
    bool m_linked = false;
};

// An intrusive list of nodes; one per worker, used on that worker's thread only.
class DeadlineList
{
public:
    static constexpr std::chrono::milliseconds Tick{100};

    DeadlineList() = default;
    DeadlineList(const DeadlineList &) = delete;
    DeadlineList &operator=(const DeadlineList &) = delete;

    void add(DeadlineNode &node);
    void remove(DeadlineNode &node);
    std::size_t size() const { return m_size; }
    // Fires every node whose deadline is at or before `now`.
    void sweep(DeadlineNode::Clock::time_point now);

private:
    DeadlineNode *m_head = nullptr;
    std::size_t m_size = 0;
};

} // namespace switchyard
