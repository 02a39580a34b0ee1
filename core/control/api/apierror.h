// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "control/api/apiresponse.h"

#include <QJsonObject>

#include <string>

namespace switchyard {

// The reference's error body: {"error_code","status_code","msg","details"}.
// Codes are ERR_SWITCHYARD_<n> where <n> is the reference's ERR_NGROK_<n>
// for the same condition (docs/api.md lists them); conditions the reference
// has no number for use the HTTP status as <n>.
struct ApiError
{
    int status = 400;
    std::string code;
    std::string msg;
    QJsonObject details = {};

    ApiResponse toResponse() const;
};

namespace ApiErrorCode {
// Authentication and protocol (management API).
inline constexpr const char *MissingAuthorization = "ERR_SWITCHYARD_200";
inline constexpr const char *UnparsableAuthorization = "ERR_SWITCHYARD_201";
inline constexpr const char *MalformedApiKey = "ERR_SWITCHYARD_202";
inline constexpr const char *InvalidApiKey = "ERR_SWITCHYARD_203";
inline constexpr const char *UnsupportedContentType = "ERR_SWITCHYARD_210";
inline constexpr const char *UnexpectedBody = "ERR_SWITCHYARD_211";
inline constexpr const char *MalformedBody = "ERR_SWITCHYARD_213";
inline constexpr const char *InvalidParameter = "ERR_SWITCHYARD_215";
inline constexpr const char *UnsupportedVersion = "ERR_SWITCHYARD_217";
inline constexpr const char *UnknownParameter = "ERR_SWITCHYARD_231";
inline constexpr const char *MetadataTooLong = "ERR_SWITCHYARD_100";
// Endpoints.
inline constexpr const char *TypeMustBeCloud = "ERR_SWITCHYARD_248";
inline constexpr const char *InvalidCloudUrl = "ERR_SWITCHYARD_18001";
inline constexpr const char *InvalidPolicy = "ERR_SWITCHYARD_18002";
inline constexpr const char *EmptyUpdate = "ERR_SWITCHYARD_18004";
inline constexpr const char *SchemeChange = "ERR_SWITCHYARD_18005";
inline constexpr const char *InvalidBinding = "ERR_SWITCHYARD_18007";
inline constexpr const char *NoAccess = "ERR_SWITCHYARD_18008";
inline constexpr const char *UrlTaken = "ERR_SWITCHYARD_18009";
inline constexpr const char *PolicyRequired = "ERR_SWITCHYARD_18011";
inline constexpr const char *InvalidField = "ERR_SWITCHYARD_18014";
inline constexpr const char *MissingField = "ERR_SWITCHYARD_18015";
inline constexpr const char *EndpointConflict = "ERR_SWITCHYARD_334";
// Generic, numbered by HTTP status.
inline constexpr const char *HostNotAllowed = "ERR_SWITCHYARD_403";
inline constexpr const char *NotFound = "ERR_SWITCHYARD_404";
inline constexpr const char *MethodNotAllowed = "ERR_SWITCHYARD_405";
inline constexpr const char *BodyTooLarge = "ERR_SWITCHYARD_413";
inline constexpr const char *Internal = "ERR_SWITCHYARD_500";
} // namespace ApiErrorCode

} // namespace switchyard
