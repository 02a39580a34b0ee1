// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "data/engine/capturesink.h"

#include <cstdint>
#include <string>

namespace switchyard {

// A captured exchange as the inspector stores it: its id ("req_…"), its
// place in arrival order, and, for a replay, the id of the original.
struct CaptureRecord
{
    std::string id;
    std::int64_t seq = 0;
    std::string replayOf;
    CapturedExchange exchange;
    // For insert(): CaptureCodec's bytes of the exchange when the caller has
    // them already (the writer does); `exchange` is then not read.
    std::string encoded;
};

} // namespace switchyard
