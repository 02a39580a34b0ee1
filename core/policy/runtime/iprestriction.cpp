// SPDX-License-Identifier: Apache-2.0
#include "policy/runtime/iprestriction.h"

namespace switchyard {

Result<IpRestriction> IpRestriction::create(const std::vector<std::string> &allow,
                                            const std::vector<std::string> &deny)
{
    IpRestriction out;
    for (const auto *list : {&allow, &deny}) {
        for (const std::string &text : *list) {
            auto range = cel::CidrRange::parse(text);
            if (!range)
                return makeError("'" + text + "' is not an IP address or CIDR block");
            (list == &allow ? out.m_allow : out.m_deny).push_back(Entry{*range, text});
        }
    }
    return out;
}

const IpRestriction::Entry *IpRestriction::firstMatch(const std::vector<Entry> &entries, const cel::IpAddress &ip)
{
    for (const Entry &e : entries) {
        if (e.range.contains(ip))
            return &e;
    }
    return nullptr;
}

IpRestriction::Decision IpRestriction::check(std::string_view clientIp) const
{
    if (clientIp.size() >= 2 && clientIp.front() == '[' && clientIp.back() == ']')
        clientIp = clientIp.substr(1, clientIp.size() - 2);
    if (const std::size_t zone = clientIp.find('%'); zone != std::string_view::npos)
        clientIp = clientIp.substr(0, zone);
    const auto ip = cel::IpAddress::parse(clientIp);
    if (!ip)
        return {};
    if (const Entry *denied = firstMatch(m_deny, *ip))
        return {false, denied->text};
    if (m_allow.empty())
        return {true, {}};
    if (const Entry *allowed = firstMatch(m_allow, *ip))
        return {true, allowed->text};
    return {};
}

} // namespace switchyard
