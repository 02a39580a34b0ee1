// SPDX-License-Identifier: Apache-2.0
#include "data/http/httpfeedresult.h"

namespace switchyard {

const char *toString(HttpFeedStatus status)
{
    switch (status) {
    case HttpFeedStatus::Ok: return "ok";
    case HttpFeedStatus::Paused: return "paused";
    case HttpFeedStatus::Upgraded: return "upgraded";
    case HttpFeedStatus::Closed: return "closed";
    case HttpFeedStatus::Error: return "error";
    }
    return "?";
}

} // namespace switchyard
