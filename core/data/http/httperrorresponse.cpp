// SPDX-License-Identifier: Apache-2.0
#include "data/http/httperrorresponse.h"

#include "data/http/httpmessage.h"
#include "data/http/httpserializer.h"

namespace switchyard {

std::string HttpErrorResponse::build(int status, std::string_view message, std::string_view errorCode)
{
    HttpResponseHead head;
    head.version = HttpVersion::Http11;
    head.status = status;
    head.reason = HttpSerializer::reasonPhrase(status);
    std::string body(message);
    body.push_back('\n');
    head.headers.append("content-type", "text/plain");
    head.headers.append("content-length", std::to_string(body.size()));
    head.headers.append("connection", "close");
    if (!errorCode.empty())
        head.headers.append(ErrorCodeHeader, errorCode);
    std::string out = HttpSerializer::responseHead(head);
    out += body;
    return out;
}

} // namespace switchyard
