// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>

namespace switchyard {

// What to do with a request header whose name contains '_' (proxy-hardening
// §4, §11 row 34): backends that map '-' and '_' to the same CGI variable
// could otherwise be fed a spoofed X-Forwarded-For as X_Forwarded_For.
enum class UnderscoreHeaderAction {
    Drop,   // remove the field, keep the request (nginx's default)
    Reject, // answer 400 (Envoy's edge recommendation)
};

// Parser limits. Defaults follow proxy-hardening §1 (Envoy-like numbers).
// In the response parser every limit error becomes 502.
struct HttpLimits
{
    // Start line plus header section, including CRLFs → 431.
    std::size_t maxHeadSize = 64 * 1024;
    // Header fields in one head (and, separately, in one trailer section) → 431.
    std::size_t maxHeaderCount = 100;
    // Request-target length → 414.
    std::size_t maxTargetLength = 8 * 1024;
    // Request body size; 0 means unlimited (the default) → 413.
    std::uint64_t maxBodySize = 0;
    // One chunk-size line including extensions → 400. Extensions are
    // discarded, so they only need to be bounded, not kept.
    std::size_t maxChunkLineLength = 4 * 1024;
    UnderscoreHeaderAction underscoreHeaders = UnderscoreHeaderAction::Drop;
};

} // namespace switchyard
