// SPDX-License-Identifier: Apache-2.0
#include "data/engine/enginelimits.h"

#include <charconv>
#include <limits>
#include <optional>
#include <utility>

namespace switchyard {

namespace {

std::optional<std::uint64_t> parseNumber(std::string_view text)
{
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty())
        return std::nullopt;
    return value;
}

std::optional<EngineLimits::Duration> parseDuration(std::string_view text)
{
    struct Unit
    {
        std::string_view suffix;
        std::uint64_t ms;
    };
    // "ms" before "s" and "m": the longest suffix that matches wins.
    static constexpr Unit units[] = {{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}};
    std::uint64_t factor = 1000;
    for (const Unit &unit : units) {
        if (text.ends_with(unit.suffix)) {
            text.remove_suffix(unit.suffix.size());
            factor = unit.ms;
            break;
        }
    }
    const auto number = parseNumber(text);
    if (!number || *number > std::numeric_limits<std::uint32_t>::max())
        return std::nullopt;
    return EngineLimits::Duration(static_cast<EngineLimits::Duration::rep>(*number * factor));
}

std::optional<std::uint64_t> parseSize(std::string_view text)
{
    std::uint64_t factor = 1;
    if (text.ends_with("KiB")) {
        factor = 1024;
        text.remove_suffix(3);
    } else if (text.ends_with("MiB")) {
        factor = 1024 * 1024;
        text.remove_suffix(3);
    } else if (text.ends_with("GiB")) {
        factor = 1024ull * 1024 * 1024;
        text.remove_suffix(3);
    }
    const auto number = parseNumber(text);
    if (!number || *number > std::numeric_limits<std::uint64_t>::max() / factor)
        return std::nullopt;
    return *number * factor;
}

} // namespace

std::vector<std::string> EngineLimits::keys()
{
    return {"header_read_timeout", "body_read_timeout",       "idle_timeout",
            "send_timeout",        "upstream_connect_timeout", "upstream_response_timeout",
            "upstream_idle_timeout", "tls_handshake_timeout",  "tunnel_idle_timeout",
            "drain_timeout",       "max_connections",          "max_idle_upstream_connections",
            "max_header_size",     "max_header_count",         "max_target_length",
            "max_body_size",       "max_policy_body_size", "underscore_headers",
            "inspect_body_size",   "inspect_max_requests", "inspect_db_size"};
}

Result<void> EngineLimits::set(std::string_view key, std::string_view value)
{
    Duration *duration = nullptr;
    if (key == "header_read_timeout")
        duration = &headerReadTimeout;
    else if (key == "body_read_timeout")
        duration = &bodyReadTimeout;
    else if (key == "idle_timeout")
        duration = &idleTimeout;
    else if (key == "send_timeout")
        duration = &sendTimeout;
    else if (key == "upstream_connect_timeout")
        duration = &upstreamConnectTimeout;
    else if (key == "upstream_response_timeout")
        duration = &upstreamResponseTimeout;
    else if (key == "upstream_idle_timeout")
        duration = &upstreamIdleTimeout;
    else if (key == "tls_handshake_timeout")
        duration = &tlsHandshakeTimeout;
    else if (key == "tunnel_idle_timeout")
        duration = &tunnelIdleTimeout;
    else if (key == "drain_timeout")
        duration = &drainTimeout;
    if (duration) {
        const auto parsed = parseDuration(value);
        if (!parsed)
            return makeError(std::string(key) + ": '" + std::string(value)
                             + "' is not a duration (a number with ms, s, m or h, e.g. 10s)");
        *duration = *parsed;
        return {};
    }

    if (key == "underscore_headers") {
        if (value == "drop")
            http.underscoreHeaders = UnderscoreHeaderAction::Drop;
        else if (value == "reject")
            http.underscoreHeaders = UnderscoreHeaderAction::Reject;
        else
            return makeError("underscore_headers: must be drop or reject, not '" + std::string(value) + "'");
        return {};
    }

    const auto size = parseSize(value);
    const auto badSize = [&] {
        return makeError(std::string(key) + ": '" + std::string(value)
                         + "' is not a size (a number, optionally with KiB, MiB or GiB)");
    };
    if (key == "max_connections" || key == "max_idle_upstream_connections" || key == "max_header_size"
        || key == "max_header_count" || key == "max_target_length" || key == "max_body_size"
        || key == "max_policy_body_size") {
        if (!size)
            return badSize();
        if (key != "max_body_size" && key != "max_policy_body_size" && *size == 0)
            return makeError(std::string(key) + ": must be at least 1");
        const auto n = static_cast<std::size_t>(*size);
        if (key == "max_connections")
            maxConnections = n;
        else if (key == "max_idle_upstream_connections")
            maxIdleUpstreamPerAddress = n;
        else if (key == "max_header_size")
            http.maxHeadSize = n;
        else if (key == "max_header_count")
            http.maxHeaderCount = n;
        else if (key == "max_target_length")
            http.maxTargetLength = n;
        else if (key == "max_policy_body_size")
            maxPolicyBodySize = n;
        else
            http.maxBodySize = *size;
        return {};
    }
    if (key == "inspect_body_size" || key == "inspect_max_requests" || key == "inspect_db_size") {
        if (!size)
            return badSize();
        if (key == "inspect_max_requests" && *size == 0)
            return makeError(std::string(key) + ": must be at least 1");
        if (key == "inspect_body_size")
            inspectBodySize = static_cast<std::size_t>(*size);
        else if (key == "inspect_max_requests")
            inspectMaxRequests = static_cast<std::size_t>(*size);
        else
            inspectDbSize = *size;
        return {};
    }
    return makeError("unknown limit '" + std::string(key) + "'");
}

std::string EngineLimits::get(std::string_view key) const
{
    const std::pair<std::string_view, Duration> durations[] = {
        {"header_read_timeout", headerReadTimeout},
        {"body_read_timeout", bodyReadTimeout},
        {"idle_timeout", idleTimeout},
        {"send_timeout", sendTimeout},
        {"upstream_connect_timeout", upstreamConnectTimeout},
        {"upstream_response_timeout", upstreamResponseTimeout},
        {"upstream_idle_timeout", upstreamIdleTimeout},
        {"tls_handshake_timeout", tlsHandshakeTimeout},
        {"tunnel_idle_timeout", tunnelIdleTimeout},
        {"drain_timeout", drainTimeout}};
    for (const auto &[name, value] : durations)
        if (name == key)
            return std::to_string(value.count()) + "ms";
    const std::pair<std::string_view, std::uint64_t> sizes[] = {
        {"max_connections", maxConnections},
        {"max_idle_upstream_connections", maxIdleUpstreamPerAddress},
        {"max_header_size", http.maxHeadSize},
        {"max_header_count", http.maxHeaderCount},
        {"max_target_length", http.maxTargetLength},
        {"max_body_size", http.maxBodySize},
        {"max_policy_body_size", maxPolicyBodySize},
        {"inspect_body_size", inspectBodySize},
        {"inspect_max_requests", inspectMaxRequests},
        {"inspect_db_size", inspectDbSize}};
    for (const auto &[name, value] : sizes)
        if (name == key)
            return std::to_string(value);
    if (key == "underscore_headers")
        return http.underscoreHeaders == UnderscoreHeaderAction::Reject ? "reject" : "drop";
    return {};
}

std::vector<std::string> EngineLimits::changedKeys(const EngineLimits &other) const
{
    std::vector<std::string> changed;
    for (std::string &key : keys())
        if (get(key) != other.get(key))
            changed.push_back(std::move(key));
    return changed;
}

bool EngineLimits::appliesLive(std::string_view key)
{
    // inspect_body_size is read per capture by the session (from its
    // connection's limits); the other two size the store.
    return !key.starts_with("inspect_") || key == "inspect_body_size";
}

} // namespace switchyard
