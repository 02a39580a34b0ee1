// SPDX-License-Identifier: Apache-2.0
#include "control/inspect/capturewriter.h"

#include "common/threadname.h"
#include "control/inspect/capturecodec.h"

namespace switchyard {

CaptureWriter::CaptureWriter(CaptureQueue &queue, CaptureStore &store)
    : m_queue(queue)
    , m_store(store)
    , m_thread([this] {
        setCurrentThreadName("sy-capture");
        run();
    })
{}

CaptureWriter::~CaptureWriter()
{
    {
        const std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_one();
    m_queue.close();
    m_thread.join();
}

void CaptureWriter::expectReplay(const std::string &clientAddress, const std::string &originalId)
{
    const std::lock_guard lock(m_mutex);
    m_replays[clientAddress] = originalId;
}

bool CaptureWriter::flush(std::chrono::milliseconds timeout)
{
    // Everything submitted before this call has been queued; it is written
    // once the writer has handled that many (drops never reach the writer).
    const std::uint64_t target = m_queue.submitted();
    std::unique_lock lock(m_mutex);
    m_flushWanted = true;
    m_wake.notify_one();
    return m_progress.wait_for(lock, timeout, [&] { return m_written >= target || m_stop; });
}

std::uint64_t CaptureWriter::written() const
{
    const std::lock_guard lock(m_mutex);
    return m_written - m_failed;
}

std::uint64_t CaptureWriter::failedWrites() const
{
    const std::lock_guard lock(m_mutex);
    return m_failed;
}

void CaptureWriter::run()
{
    std::vector<CaptureStore::EncodedRecord> records;
    while (true) {
        const auto started = std::chrono::steady_clock::now();
        CaptureBatch batch = m_queue.take(std::chrono::milliseconds(200));
        bool stop = false;
        records.clear();
        {
            const std::lock_guard lock(m_mutex);
            stop = m_stop;
            m_taken += batch.size();
            for (std::string_view encoded : batch.records()) {
                CaptureStore::EncodedRecord record{encoded, {}};
                if (!m_replays.empty()) {
                    // Rare (a replay is pending): only then is it worth
                    // decoding for the client address.
                    const auto exchange = CaptureCodec::decode(encoded);
                    const auto it = exchange ? m_replays.find(exchange->clientAddress) : m_replays.end();
                    if (it != m_replays.end()) {
                        record.replayOf = it->second;
                        m_replays.erase(it);
                    }
                }
                records.push_back(std::move(record));
            }
        }
        const bool ok = records.empty() || m_store.insertEncoded(records).ok();
        const bool taken = !batch.empty();
        m_queue.recycle(std::move(batch));
        {
            const std::lock_guard lock(m_mutex);
            m_written += records.size();
            if (!ok)
                m_failed += records.size();
        }
        m_progress.notify_all();
        if (stop && !taken)
            return;
        if (taken) {
            std::unique_lock lock(m_mutex);
            m_wake.wait_until(lock, started + BatchInterval, [this] { return m_stop || m_flushWanted; });
            m_flushWanted = false;
        }
    }
}

} // namespace switchyard
