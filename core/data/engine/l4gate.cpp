// SPDX-License-Identifier: Apache-2.0
#include "data/engine/l4gate.h"

#include "data/engine/enginestate.h"

namespace switchyard {

namespace {

std::string plainAddress(const asio::ip::address &address)
{
    if (address.is_v6() && address.to_v6().is_v4_mapped())
        return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
    return address.to_string();
}

} // namespace

Result<UpstreamTarget> L4Gate::targetOf(const Endpoint &endpoint)
{
    if (!endpoint.upstream)
        return makeError(endpoint.url.toString() + " has no upstream");
    return UpstreamTarget{endpoint.upstream->host(), endpoint.upstream->port(), endpoint.id};
}

Result<UpstreamTarget> L4Gate::decide(EngineState &state, const Endpoint &routed, const TcpConnectionInfo &info)
{
    auto routedTo = route(state, routed, info);
    if (!routedTo)
        return routedTo.error();
    return std::move(routedTo->target);
}

Result<L4Route> L4Gate::route(EngineState &state, const Endpoint &routed, const TcpConnectionInfo &info)
{
    const auto routeTo = [](const Endpoint &endpoint,
                            std::optional<TlsTerminationSettings> terminateTls) -> Result<L4Route> {
        auto target = targetOf(endpoint);
        if (!target)
            return target.error();
        return L4Route{std::move(*target), std::move(terminateTls)};
    };
    if (routed.trafficPolicy.empty())
        return routeTo(routed, std::nullopt);
    const auto hook = state.tcpPolicyHook.load();
    if (!hook)
        return makeError(routed.url.toString() + " has a traffic policy but no policy runtime is installed");
    TcpPolicyDecision decision = hook->onTcpConnect(routed, info);
    if (decision.kind == TcpPolicyDecision::Kind::Close)
        return makeError(decision.reason.empty() ? "closed by the traffic policy" : decision.reason);
    return routeTo(decision.upstreamEndpoint ? *decision.upstreamEndpoint : routed, std::move(decision.terminateTls));
}

TcpConnectionInfo L4Gate::connectionInfo(const asio::ip::tcp::endpoint &remote, const asio::ip::tcp::endpoint &local,
                                         std::string serverName)
{
    TcpConnectionInfo info;
    info.clientIp = plainAddress(remote.address());
    info.clientPort = remote.port();
    info.serverIp = plainAddress(local.address());
    info.serverPort = local.port();
    info.serverName = std::move(serverName);
    info.start = std::chrono::system_clock::now();
    return info;
}

} // namespace switchyard
