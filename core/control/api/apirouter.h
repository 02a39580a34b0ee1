// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "control/api/apirequest.h"
#include "control/api/apiresponse.h"

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace switchyard {

// Values captured by a route's {name} segments, percent-decoded.
class RouteParams
{
public:
    void add(std::string name, std::string value) { m_items.emplace_back(std::move(name), std::move(value)); }
    // The value of {name}; empty when the pattern has no such segment.
    const std::string &operator[](std::string_view name) const;

private:
    std::vector<std::pair<std::string, std::string>> m_items;
};

// The explicit route table of the --api-addr listener. A pattern is a path
// of literal segments and {name} segments (one non-empty segment each), e.g.
// "/endpoints/{id}". Matching is exact: no prefixes, no trailing '/'.
// A path no route knows gives 404; a known path with another method 405
// with an Allow header; both in the reference's error shape. A body larger
// than maxBodyBytes() gives 413 before any handler runs.
// Build it once, then handle() from one thread at a time (the handlers
// decide their own thread rules; the table itself is read-only).
class ApiRouter
{
public:
    using Handler = std::function<ApiResponse(const ApiRequest &, const RouteParams &)>;
    static constexpr std::size_t DefaultMaxBodyBytes = 1024 * 1024;

    void add(std::string method, std::string pattern, Handler handler);
    ApiResponse handle(const ApiRequest &request) const;

    std::size_t maxBodyBytes() const { return m_maxBodyBytes; }
    void setMaxBodyBytes(std::size_t bytes) { m_maxBodyBytes = bytes; }

    // "METHOD pattern" of every route, in the order added (for docs and tests).
    std::vector<std::string> routes() const;

private:
    struct Route
    {
        std::string method;
        std::string pattern;
        std::vector<std::string> segments;
        Handler handler;
    };

    static bool match(const Route &route, const std::vector<std::string_view> &segments, RouteParams &params,
                      bool &badEscape);

    std::vector<Route> m_routes;
    std::size_t m_maxBodyBytes = DefaultMaxBodyBytes;
};

} // namespace switchyard
