// SPDX-License-Identifier: Apache-2.0
#include "policy/policygraph.h"

#include "policy/policydocument.h"
#include "policy/policyvalues.h"

#include <algorithm>

namespace switchyard {

namespace {

bool covers(const EndpointUrl &pattern, const EndpointUrl &url)
{
    if (pattern.scheme() != url.scheme() || pattern.port() != url.port())
        return false;
    if (!pattern.isWildcard())
        return pattern.host() == url.host();
    // "*.foo.internal" matches subdomains of foo.internal at any depth.
    const std::string suffix = "." + std::string(pattern.wildcardSuffix());
    return url.host().size() > suffix.size() && url.host().ends_with(suffix);
}

} // namespace

void PolicyGraph::addEndpoint(const EndpointUrl &url, std::vector<EndpointUrl> targets)
{
    m_nodes.push_back(Node{url, std::move(targets)});
}

void PolicyGraph::addEndpoint(const EndpointUrl &url, const PolicyDocument &policy)
{
    addEndpoint(url, staticTargets(policy));
}

const PolicyGraph::Node *PolicyGraph::find(const EndpointUrl &url) const
{
    const Node *best = nullptr;
    for (const Node &n : m_nodes) {
        if (n.url == url)
            return &n;
        if (covers(n.url, url) && (!best || n.url.wildcardSuffix().size() > best->url.wildcardSuffix().size()))
            best = &n;
    }
    return best;
}

std::vector<EndpointUrl> PolicyGraph::pathBetween(const EndpointUrl &from, const EndpointUrl &to) const
{
    std::vector<EndpointUrl> path;
    std::vector<const Node *> visited;
    if (search(from, to, path, visited))
        return path;
    return {};
}

bool PolicyGraph::search(const EndpointUrl &at, const EndpointUrl &to, std::vector<EndpointUrl> &path,
                         std::vector<const Node *> &visited) const
{
    path.push_back(at);
    if (at == to || covers(to, at))
        return true;
    const Node *node = find(at);
    if (node && std::find(visited.begin(), visited.end(), node) == visited.end()) {
        visited.push_back(node);
        for (const EndpointUrl &next : node->targets) {
            if (search(next, to, path, visited))
                return true;
        }
    }
    path.pop_back();
    return false;
}

std::vector<EndpointUrl> PolicyGraph::staticTargets(const PolicyDocument &policy)
{
    std::vector<EndpointUrl> out;
    for (const PolicyPhaseRules &phase : policy.phases) {
        for (const PolicyRule &rule : phase.rules) {
            for (const PolicyAction &action : rule.actions) {
                if (action.type != "forward-internal")
                    continue;
                const PolicyNode *url = action.config.find("url");
                if (!url || !url->isScalar() || PolicyValues::hasInterpolation(url->scalar))
                    continue;
                if (auto parsed = EndpointUrl::parse(url->scalar); parsed && parsed->isInternal())
                    out.push_back(*parsed);
            }
        }
    }
    return out;
}

} // namespace switchyard
