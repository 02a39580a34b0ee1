// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "control/inspect/capturerecord.h"

#include <QJsonObject>

#include <vector>

namespace switchyard {

// Captured exchanges as an HTTP Archive (HAR 1.2,
// http://www.softwareishard.com/blog/har-12-spec/). Entries keep the order
// given. Bodies are the captured prefixes: text when valid UTF-8, else
// base64 with "encoding": "base64"; sizes are the full sizes. Switchyard
// fields use HAR's custom-field prefix: _id, _endpoint, _errorCode,
// _replayOf, _requestBodyTruncated, _responseBodyTruncated.
class HarExport
{
public:
    static QJsonObject build(const std::vector<CaptureRecord> &records);
    static QJsonObject entry(const CaptureRecord &record);
};

} // namespace switchyard
