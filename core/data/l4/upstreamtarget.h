// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace switchyard {

// Where one L4 connection goes: an agent endpoint's upstream host and port
// (Upstream::host()/port()), and which endpoint it belongs to, for reports.
struct UpstreamTarget
{
    std::string host;
    int port = 0;
    std::string endpointId;

    friend bool operator==(const UpstreamTarget &, const UpstreamTarget &) = default;
};

} // namespace switchyard
