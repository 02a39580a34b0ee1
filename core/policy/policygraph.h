// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "model/endpointurl.h"

#include <optional>
#include <vector>

namespace switchyard {

class PolicyDocument;

// The endpoints of one account and the internal endpoints their policies
// forward to, as far as that is known without running anything (targets
// written with `${…}` are left out). Lets the validator warn about
// forward-internal targets that do not exist and about forwarding loops.
class PolicyGraph
{
public:
    struct Node
    {
        EndpointUrl url;
        std::vector<EndpointUrl> targets;
    };

    void addEndpoint(const EndpointUrl &url, std::vector<EndpointUrl> targets = {});
    void addEndpoint(const EndpointUrl &url, const PolicyDocument &policy);

    // The endpoint serving `url`: the exact URL, else the most specific
    // wildcard that covers it; nullptr when none does.
    const Node *find(const EndpointUrl &url) const;

    // Endpoints from `from` (inclusive) along static forwards until `to` is
    // reached (inclusive), or empty when `to` cannot be reached. Used with
    // from = a forward target and to = the endpoint being validated.
    std::vector<EndpointUrl> pathBetween(const EndpointUrl &from, const EndpointUrl &to) const;

    // The static forward-internal targets of a policy that parse as URLs.
    static std::vector<EndpointUrl> staticTargets(const PolicyDocument &policy);

    const std::vector<Node> &nodes() const { return m_nodes; }

private:
    bool search(const EndpointUrl &at, const EndpointUrl &to, std::vector<EndpointUrl> &path,
                std::vector<const Node *> &visited) const;

    std::vector<Node> m_nodes;
};

} // namespace switchyard
