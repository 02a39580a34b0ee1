// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "control/inspect/capturequeue.h"
#include "control/inspect/capturestore.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace switchyard {

// The inspector's one writer thread: drains the CaptureQueue in batches
// into the CaptureStore, off the data path, giving each exchange its id.
// A replay announced with expectReplay() is linked to its original by the
// client address the replay connection used. Writes are paced: at most one
// transaction per BatchInterval unless a flush() asks for one, so under
// load each transaction carries hundreds of exchanges (a transaction per
// handful cost more than the exchanges). Starts in the constructor;
// the destructor writes what is queued and joins. Queue and store must
// outlive it.
class CaptureWriter
{
public:
    static constexpr std::chrono::milliseconds BatchInterval{50};

    CaptureWriter(CaptureQueue &queue, CaptureStore &store);
    ~CaptureWriter();
    CaptureWriter(const CaptureWriter &) = delete;
    CaptureWriter &operator=(const CaptureWriter &) = delete;

    // The next exchange arriving from clientAddress ("127.0.0.1:40122") is a
    // replay of originalId.
    void expectReplay(const std::string &clientAddress, const std::string &originalId);
    // Waits until everything submitted so far is stored (or `timeout`).
    bool flush(std::chrono::milliseconds timeout = std::chrono::seconds(2));

    std::uint64_t written() const;
    std::uint64_t failedWrites() const;

private:
    void run();

    CaptureQueue &m_queue;
    CaptureStore &m_store;
    mutable std::mutex m_mutex;
    std::condition_variable m_progress;
    std::condition_variable m_wake; // ends the pause between batches
    bool m_flushWanted = false;
    std::map<std::string, std::string> m_replays;
    std::uint64_t m_taken = 0;   // exchanges taken from the queue
    std::uint64_t m_written = 0; // of those, handled (stored or failed)
    std::uint64_t m_failed = 0;
    bool m_stop = false;
    std::thread m_thread;
};

} // namespace switchyard
