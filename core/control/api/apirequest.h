// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace switchyard {

// One HTTP request to the local APIs, as the server hands it over: no I/O,
// so handlers are tested without sockets.
struct ApiRequest
{
    std::string method;                                       // "GET", upper case as sent
    std::string target;                                       // origin-form: path and optional "?query"
    std::vector<std::pair<std::string, std::string>> headers; // in arrival order, names as sent
    std::string body;
    std::string peerAddress; // "127.0.0.1:53211"
    std::string host;        // the Host header's value; empty when absent

    // The target up to '?', and what follows it (empty when there is no '?').
    std::string_view path() const;
    std::string_view query() const;
    // The first header of that name (case-insensitive), if any.
    std::optional<std::string_view> header(std::string_view name) const;
};

} // namespace switchyard
