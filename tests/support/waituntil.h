// SPDX-License-Identifier: Apache-2.0
#pragma once
// Polls `condition` (every 25 ms) until it holds or `timeoutMs` passed.

#include <QElapsedTimer>

#include <chrono>
#include <functional>
#include <thread>

inline bool waitUntil(const std::function<bool()> &condition, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (!condition()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return true;
}
