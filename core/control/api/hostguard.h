// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace switchyard {

// DNS-rebinding guard for the unauthenticated agent API: a page on an
// attacker's domain that resolves to 127.0.0.1 still sends its own name in
// Host, so only loopback names and addresses (localhost, *.localhost,
// 127.0.0.0/8, ::1) and the configured allow list are served.
// Allow-list entries (agent.api_allow_hosts): an exact host name, ".suffix"
// for a domain and its subdomains, an IP address, or a CIDR block.
class HostGuard
{
public:
    explicit HostGuard(std::vector<std::string> allowHosts = {});

    // Replaces the allow list (a config reload); safe while another thread
    // calls allows().
    void setAllowHosts(const std::vector<std::string> &allowHosts);

    // `host` is the Host header's value, with or without a port. An empty or
    // unparsable value is refused.
    bool allows(std::string_view host) const;

    // The host part of a Host header value, lower-cased, IPv6 without
    // brackets; empty when malformed.
    static std::string hostPart(std::string_view value);

private:
    std::atomic<std::shared_ptr<const std::vector<std::string>>> m_allowHosts;
};

} // namespace switchyard
