// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"

#include <string>
#include <string_view>

namespace switchyard {

// A listen address "host:port" as the agent settings and flags take it
// (`127.0.0.1:4040`, `localhost:7080`, `[::1]:7443`).
struct HostPort
{
    std::string host; // IPv6 without brackets
    int port = 0;

    // Requires a host (IPv4, bracketed IPv6 or a DNS-style name) and a port
    // 1-65535. The error says what is wrong in plain words.
    static Result<HostPort> parse(std::string_view text);

    // "host:port", IPv6 in brackets.
    std::string toString() const;

    friend bool operator==(const HostPort &, const HostPort &) = default;
};

} // namespace switchyard
