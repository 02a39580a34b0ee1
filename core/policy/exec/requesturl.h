// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace switchyard {

// The parts of an absolute request URL as req.url.* exposes them. Lenient:
// the policy sees what the client sent.
struct RequestUrl
{
    std::string scheme;       // "https"
    std::string userPassword; // "user:pass" or empty
    std::string host;         // lower-cased, IPv6 without brackets
    int port = 0;             // explicit or the scheme's default
    bool explicitPort = false;
    std::string path = "/";   // raw (percent-encoded) path, always with a leading '/'
    std::string query;        // without '?'

    // scheme://host[:port]/path[?query][#fragment]; nullopt without "://" or host.
    static std::optional<RequestUrl> parse(std::string_view text);

    // host[:port] as written (port only when explicit; IPv6 bracketed).
    std::string authority() const;
    // path[?query]
    std::string uri() const;
    // scheme://authority/path[?query]
    std::string toString() const;

    // Percent-decoding of a query component ('+' is a space).
    static std::string decodeQueryComponent(std::string_view text);
};

} // namespace switchyard
