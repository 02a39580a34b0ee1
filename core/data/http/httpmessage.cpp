// SPDX-License-Identifier: Apache-2.0
#include "data/http/httpmessage.h"

namespace switchyard {

const char *toString(HttpVersion version)
{
    return version == HttpVersion::Http10 ? "HTTP/1.0" : "HTTP/1.1";
}

const char *toString(HttpBodyFraming framing)
{
    switch (framing) {
    case HttpBodyFraming::None: return "none";
    case HttpBodyFraming::ContentLength: return "content-length";
    case HttpBodyFraming::Chunked: return "chunked";
    case HttpBodyFraming::UntilClose: return "until-close";
    }
    return "?";
}

} // namespace switchyard
