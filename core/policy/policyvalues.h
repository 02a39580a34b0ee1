// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchyard {

// Parsers and checks for the value formats action configs use. Stateless.
class PolicyValues
{
public:
    // Go-style duration ("60s", "1m30s", "1.5h", "500ms") in milliseconds;
    // nullopt when malformed or negative. A unit is always required.
    static std::optional<long long> parseDuration(std::string_view text);
    // Shortest exact spelling: "500ms", "10s", "2m", "24h", "1m30s".
    static std::string formatDuration(long long milliseconds);

    // Plain integer (optional sign), without overflow; nullopt otherwise.
    static std::optional<long long> parseInteger(std::string_view text);
    static std::optional<double> parseNumber(std::string_view text);
    static std::optional<bool> parseBoolean(std::string_view text);

    // Why `text` is not an IPv4/IPv6 CIDR (a bare address is accepted), or nullopt.
    static std::optional<std::string> cidrProblem(std::string_view text);
    // RFC 9110 token.
    static bool isHeaderName(std::string_view text);
    // RE2's complaint about `pattern`, or nullopt when it compiles.
    static std::optional<std::string> regexProblem(const std::string &pattern);
    // "http://…" or "https://…" with a host.
    static bool isHttpUrl(std::string_view text);

    // One `${…}` in an interpolated string: the CEL inside and the 1-based
    // column of its first character in the string.
    struct Interpolation
    {
        std::string source;
        int column = 0;
    };
    // The `${…}` parts of `text`; an unclosed `${` is reported in `problem`
    // (with its column) and ends the scan.
    static std::vector<Interpolation> interpolations(std::string_view text, std::string *problem = nullptr,
                                                     int *problemColumn = nullptr);
    static bool hasInterpolation(std::string_view text) { return text.find("${") != std::string_view::npos; }
};

} // namespace switchyard
