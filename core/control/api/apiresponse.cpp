// SPDX-License-Identifier: Apache-2.0
#include "control/api/apiresponse.h"

#include "control/api/asciicase.h"

#include <QJsonDocument>

namespace switchyard {

ApiResponse ApiResponse::json(int status, const QJsonObject &object)
{
    ApiResponse response;
    response.status = status;
    response.headers.emplace_back("Content-Type", "application/json");
    response.body = QJsonDocument(object).toJson(QJsonDocument::Compact).toStdString();
    return response;
}

ApiResponse ApiResponse::noContent()
{
    ApiResponse response;
    response.status = 204;
    return response;
}

ApiResponse ApiResponse::text(int status, std::string body)
{
    ApiResponse response;
    response.status = status;
    response.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
    response.body = std::move(body);
    return response;
}

std::optional<std::string_view> ApiResponse::header(std::string_view name) const
{
    for (const auto &[key, value] : headers)
        if (equalsIgnoringCase(key, name))
            return std::string_view(value);
    return std::nullopt;
}

} // namespace switchyard
