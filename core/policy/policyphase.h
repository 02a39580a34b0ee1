// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace switchyard {

// The phases of a traffic policy, in the order traffic meets them.
enum class PolicyPhase { TcpConnect, HttpRequest, HttpResponse };

inline constexpr std::array<PolicyPhase, 3> AllPolicyPhases{PolicyPhase::TcpConnect, PolicyPhase::HttpRequest,
                                                            PolicyPhase::HttpResponse};

// "on_tcp_connect", "on_http_request", "on_http_response".
constexpr std::string_view toString(PolicyPhase phase)
{
    switch (phase) {
    case PolicyPhase::TcpConnect: return "on_tcp_connect";
    case PolicyPhase::HttpRequest: return "on_http_request";
    case PolicyPhase::HttpResponse: return "on_http_response";
    }
    return "on_http_request";
}

// The current names only; the legacy aliases (`inbound`, `outbound`) are the
// parser's business because they deserve a warning.
constexpr std::optional<PolicyPhase> policyPhaseFromString(std::string_view text)
{
    for (PolicyPhase p : AllPolicyPhases) {
        if (toString(p) == text)
            return p;
    }
    return std::nullopt;
}

// Bit for PolicyPhase sets (action schemas).
constexpr unsigned phaseBit(PolicyPhase phase)
{
    return 1u << static_cast<unsigned>(phase);
}

} // namespace switchyard
