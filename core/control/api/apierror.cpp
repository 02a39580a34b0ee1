// SPDX-License-Identifier: Apache-2.0
#include "control/api/apierror.h"

#include <QString>

namespace switchyard {

ApiResponse ApiError::toResponse() const
{
    QJsonObject object{
        {"error_code", QString::fromStdString(code)},
        {"status_code", status},
        {"msg", QString::fromStdString(msg)},
        {"details", details},
    };
    return ApiResponse::json(status, object);
}

} // namespace switchyard
