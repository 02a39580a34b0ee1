// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QJsonObject>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace switchyard {

// What a handler answers; the server adds Content-Length and Date.
struct ApiResponse
{
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    // Compact JSON with "Content-Type: application/json".
    static ApiResponse json(int status, const QJsonObject &object);
    // 204 with no body and no Content-Type.
    static ApiResponse noContent();
    static ApiResponse text(int status, std::string body);

    std::optional<std::string_view> header(std::string_view name) const;
};

} // namespace switchyard
