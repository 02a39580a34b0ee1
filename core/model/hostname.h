// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"

#include <string>
#include <string_view>

namespace switchyard {

// Host-name syntax shared by endpoint URLs and upstreams (RFC 1123 labels).
struct Hostname
{
    static constexpr std::size_t MaxLabelLength = 63;
    static constexpr std::size_t MaxLength = 253;

    // Checks (already lower-cased) DNS-name syntax: labels of letters, digits
    // and '-', not starting or ending with '-', 1..63 characters each, at
    // most 253 in all. When allowWildcard is set, the leftmost label may be
    // '*'. The error names the rule that was broken.
    static Result<void> validateDnsName(std::string_view host, bool allowWildcard);

    // True for an IPv4 dotted quad or an IPv6 address (without brackets).
    static bool isIpv4Literal(std::string_view host);
    static bool isIpv6Literal(std::string_view host);

    static std::string toLower(std::string_view text);
};

} // namespace switchyard
