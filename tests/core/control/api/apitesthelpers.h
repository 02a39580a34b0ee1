// SPDX-License-Identifier: Apache-2.0
#pragma once

// Builds ApiRequests and reads ApiResponses for the API handler tests.

#include "control/api/apirequest.h"
#include "control/api/apiresponse.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <string>
#include <utility>
#include <vector>

inline switchyard::ApiRequest apiRequest(std::string method, std::string target, std::string body = {},
                                         std::vector<std::pair<std::string, std::string>> headers = {},
                                         std::string host = "127.0.0.1:4040")
{
    switchyard::ApiRequest request;
    request.method = std::move(method);
    request.target = std::move(target);
    request.body = std::move(body);
    request.headers = std::move(headers);
    request.host = std::move(host);
    request.peerAddress = "127.0.0.1:50000";
    if (!request.host.empty())
        request.headers.insert(request.headers.begin(), {"Host", request.host});
    return request;
}

inline QJsonObject jsonOf(const switchyard::ApiResponse &response)
{
    return QJsonDocument::fromJson(QByteArray::fromStdString(response.body)).object();
}

inline QString errorCodeOf(const switchyard::ApiResponse &response)
{
    return jsonOf(response).value("error_code").toString();
}

inline QString messageOf(const switchyard::ApiResponse &response)
{
    return jsonOf(response).value("msg").toString();
}

// Checks the reference's error shape and returns a readable mismatch, or empty.
inline QString errorShapeProblem(const switchyard::ApiResponse &response)
{
    const QJsonObject o = jsonOf(response);
    if (o.keys() != QStringList{"details", "error_code", "msg", "status_code"})
        return "keys were " + o.keys().join(",") + " in " + QString::fromStdString(response.body);
    if (o.value("status_code").toInt() != response.status)
        return "status_code differs from the HTTP status";
    if (!o.value("details").isObject() || !o.value("msg").isString() || o.value("msg").toString().isEmpty())
        return "details/msg have the wrong type";
    if (!o.value("error_code").toString().startsWith("ERR_SWITCHYARD_"))
        return "error_code " + o.value("error_code").toString();
    if (response.header("Content-Type") != std::optional<std::string_view>("application/json"))
        return "no JSON content type";
    return {};
}

// Empty when `response` is the expected error: status, code and message
// (`msg` "*part" means the message contains part); else what differs.
inline QString errorMismatch(const switchyard::ApiResponse &response, int status, const QString &code,
                             const QString &msg)
{
    if (response.status != status)
        return "status " + QString::number(response.status) + ": " + QString::fromStdString(response.body);
    if (const QString shape = errorShapeProblem(response); !shape.isEmpty())
        return shape;
    if (errorCodeOf(response) != code)
        return "code " + errorCodeOf(response) + ", expected " + code;
    const QString actual = messageOf(response);
    const bool ok = msg.startsWith('*') ? actual.contains(msg.mid(1)) : actual == msg;
    return ok ? QString() : "message was: " + actual;
}
