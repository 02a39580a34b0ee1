// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "policy/cel/cidrrange.h"

#include <string>
#include <string_view>
#include <vector>

namespace switchyard {

// The restrict-ips decision (reference §6.3): an address passes when it
// matches at least one allow CIDR (if any are configured) and no deny CIDR.
// Deny wins over allow. With only a deny list everything else passes (the
// reference leaves this UNCONFIRMED; README.md here records the choice).
// Callers pass the L4 peer address, never X-Forwarded-For.
// Immutable after create(), so one instance is shared by all threads.
class IpRestriction
{
public:
    struct Decision
    {
        bool allowed = false;
        // The CIDR text (as configured) that decided: the deny entry that
        // matched, or the allow entry that matched; empty when none did.
        std::string matchedCidr;
    };

    // Fails on the first invalid CIDR, naming it.
    static Result<IpRestriction> create(const std::vector<std::string> &allow, const std::vector<std::string> &deny);

    // `clientIp` may be bracketed ("[::1]") and carry an IPv6 zone
    // ("fe80::1%eth0"); IPv4-mapped IPv6 addresses match IPv4 ranges.
    // An address that does not parse is denied.
    Decision check(std::string_view clientIp) const;

private:
    struct Entry
    {
        cel::CidrRange range;
        std::string text;
    };
    static const Entry *firstMatch(const std::vector<Entry> &entries, const cel::IpAddress &ip);

    std::vector<Entry> m_allow;
    std::vector<Entry> m_deny;
};

} // namespace switchyard
