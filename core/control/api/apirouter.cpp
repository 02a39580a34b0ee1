// SPDX-License-Identifier: Apache-2.0
#include "control/api/apirouter.h"

#include "control/api/apierror.h"
#include "control/api/apiquery.h"

#include <algorithm>

namespace switchyard {

namespace {

std::vector<std::string_view> splitPath(std::string_view path)
{
    std::vector<std::string_view> segments;
    if (path.empty() || path.front() != '/')
        return segments;
    path.remove_prefix(1);
    for (;;) {
        const auto slash = path.find('/');
        segments.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos)
            return segments;
        path.remove_prefix(slash + 1);
    }
}

bool isParameter(std::string_view segment)
{
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

} // namespace

const std::string &RouteParams::operator[](std::string_view name) const
{
    static const std::string Empty;
    for (const auto &[key, value] : m_items)
        if (key == name)
            return value;
    return Empty;
}

void ApiRouter::add(std::string method, std::string pattern, Handler handler)
{
    Route route;
    for (std::string_view segment : splitPath(pattern))
        route.segments.emplace_back(segment);
    route.method = std::move(method);
    route.pattern = std::move(pattern);
    route.handler = std::move(handler);
    m_routes.push_back(std::move(route));
}

bool ApiRouter::match(const Route &route, const std::vector<std::string_view> &segments, RouteParams &params,
                      bool &badEscape)
{
    if (route.segments.size() != segments.size())
        return false;
    RouteParams captured;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        const std::string &expected = route.segments[i];
        if (!isParameter(expected)) {
            if (expected != segments[i])
                return false;
            continue;
        }
        if (segments[i].empty())
            return false;
        auto decoded = ApiQuery::decodeSegment(segments[i]);
        if (!decoded) {
            badEscape = true;
            return false;
        }
        captured.add(expected.substr(1, expected.size() - 2), std::move(*decoded));
    }
    params = std::move(captured);
    return true;
}

ApiResponse ApiRouter::handle(const ApiRequest &request) const
{
    const std::string_view path = request.path();
    const std::vector<std::string_view> segments = splitPath(path);
    std::vector<std::string> allowed;
    bool badEscape = false;
    for (const Route &route : m_routes) {
        RouteParams params;
        if (!match(route, segments, params, badEscape))
            continue;
        if (route.method != request.method) {
            if (std::find(allowed.begin(), allowed.end(), route.method) == allowed.end())
                allowed.push_back(route.method);
            continue;
        }
        if (request.body.size() > m_maxBodyBytes) {
            return ApiError{413, ApiErrorCode::BodyTooLarge,
                            "The request body is " + std::to_string(request.body.size())
                                + " bytes; the API accepts at most " + std::to_string(m_maxBodyBytes) + " bytes."}
                .toResponse();
        }
        return route.handler(request, params);
    }
    if (badEscape)
        return ApiError{400, ApiErrorCode::InvalidParameter,
                        "The path '" + std::string(path) + "' has a malformed percent-escape."}
            .toResponse();
    if (allowed.empty())
        return ApiError{404, ApiErrorCode::NotFound,
                        "No API resource at '" + std::string(path) + "'. Check the path; docs/api.md lists every route."}
            .toResponse();
    std::string allow;
    for (const std::string &method : allowed)
        allow += (allow.empty() ? "" : ", ") + method;
    ApiError error{405, ApiErrorCode::MethodNotAllowed,
                   "The method " + request.method + " is not allowed on '" + std::string(path) + "'. Allowed: "
                       + allow + "."};
    ApiResponse response = error.toResponse();
    response.headers.emplace_back("Allow", allow);
    return response;
}

std::vector<std::string> ApiRouter::routes() const
{
    std::vector<std::string> list;
    for (const Route &route : m_routes)
        list.push_back(route.method + ' ' + route.pattern);
    return list;
}

} // namespace switchyard
