// SPDX-License-Identifier: Apache-2.0
#include "control/api/hostguard.h"

#include "control/api/asciicase.h"
#include "policy/cel/cidrrange.h"

namespace switchyard {

namespace {

bool isLoopback(const std::string &host)
{
    if (host == "localhost" || host.ends_with(".localhost"))
        return true;
    static const auto V4 = cel::CidrRange::parse("127.0.0.0/8");
    static const auto V6 = cel::CidrRange::parse("::1/128");
    const auto ip = cel::IpAddress::parse(host);
    return ip && ((V4 && V4->contains(*ip)) || (V6 && V6->contains(*ip)));
}

} // namespace

HostGuard::HostGuard(std::vector<std::string> allowHosts)
{
    setAllowHosts(allowHosts);
}

void HostGuard::setAllowHosts(const std::vector<std::string> &allowHosts)
{
    auto lowered = std::make_shared<std::vector<std::string>>();
    for (const std::string &entry : allowHosts)
        lowered->push_back(toLowerAscii(entry));
    m_allowHosts.store(std::move(lowered));
}

std::string HostGuard::hostPart(std::string_view value)
{
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
        value.remove_suffix(1);
    if (value.empty())
        return {};
    std::string_view host = value;
    if (value.front() == '[') {
        const auto close = value.find(']');
        if (close == std::string_view::npos)
            return {};
        host = value.substr(1, close - 1);
        const std::string_view rest = value.substr(close + 1);
        if (!rest.empty() && rest.front() != ':')
            return {};
    } else if (const auto colon = value.find(':'); colon != std::string_view::npos) {
        if (value.find(':', colon + 1) != std::string_view::npos)
            return {}; // an unbracketed IPv6 literal is not a valid Host
        host = value.substr(0, colon);
    }
    if (host.ends_with('.'))
        host.remove_suffix(1); // "localhost." is the same name
    return toLowerAscii(host);
}

bool HostGuard::allows(std::string_view value) const
{
    const std::string host = hostPart(value);
    if (host.empty())
        return false;
    if (isLoopback(host))
        return true;
    const auto ip = cel::IpAddress::parse(host);
    const auto allowHosts = m_allowHosts.load();
    for (const std::string &entry : *allowHosts) {
        if (entry.empty())
            continue;
        if (entry.front() == '.') {
            if (host == entry.substr(1) || host.ends_with(entry))
                return true;
        } else if (ip && entry.find('/') != std::string::npos) {
            if (const auto range = cel::CidrRange::parse(entry); range && range->contains(*ip))
                return true;
        } else if (ip) {
            const auto allowed = cel::IpAddress::parse(entry);
            if (allowed && allowed->bits == ip->bits && allowed->bytes == ip->bytes)
                return true;
        } else if (host == entry) {
            return true;
        }
    }
    return false;
}

} // namespace switchyard
