// SPDX-License-Identifier: Apache-2.0
#include "data/http/httpforwarding.h"

#include "data/http/httperrorresponse.h"

#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

namespace switchyard {

namespace {

constexpr std::array<std::string_view, 11> HopByHop = {
    "connection", "keep-alive",          "proxy-connection",   "te",
    "trailer",    "transfer-encoding",   "upgrade",            "proxy-authorization",
    "proxy-authenticate", "content-length", "host",
};

// Appends to `out` the fields of `in` that are end-to-end: not hop-by-hop,
// not framing (the caller re-adds that) and not nominated in Connection.
// Straight into `out`, so every kept field is copied once.
void appendEndToEnd(const HttpHeaders &in, HttpHeaders &out)
{
    const std::vector<std::string> nominated = in.tokens("connection");
    out.fields().reserve(out.size() + in.size() + 6);
    for (const auto &f : in.fields()) {
        const bool hop = std::find(HopByHop.begin(), HopByHop.end(), f.lowerName) != HopByHop.end()
                         || std::find(nominated.begin(), nominated.end(), f.lowerName) != nominated.end();
        if (!hop)
            out.fields().push_back(f);
    }
}

std::string joinedValues(const HttpHeaders &headers, std::string_view name)
{
    std::string out;
    for (std::string_view v : headers.values(name)) {
        if (v.empty())
            continue;
        if (!out.empty())
            out += ", ";
        out += v;
    }
    return out;
}

void appendToList(HttpHeaders &headers, std::string_view name, std::string_view value)
{
    if (!headers.contains(name)) {
        headers.append(name, value);
        return;
    }
    std::string merged = joinedValues(headers, name);
    if (!merged.empty())
        merged += ", ";
    merged += value;
    headers.remove(name);
    headers.append(name, merged);
}

} // namespace

HttpRequestHead HttpForwarding::prepareUpstreamRequest(const HttpRequestHead &head, const ForwardingContext &ctx)
{
    HttpRequestHead out;
    out.method = head.method;
    out.target = head.pathAndQuery.empty() ? head.target : head.pathAndQuery;
    out.version = HttpVersion::Http11;
    out.framing = head.framing;
    out.contentLength = head.contentLength;
    out.keepAlive = true;
    out.upgrade = head.upgrade;
    out.expectContinue = head.expectContinue;
    out.targetForm = head.targetForm == HttpTargetForm::Absolute ? HttpTargetForm::Origin : head.targetForm;
    out.authority = head.authority;
    out.authorityHost = head.authorityHost;
    out.authorityPort = head.authorityPort;
    out.pathAndQuery = out.target;

    if (!head.authority.empty())
        out.headers.append("Host", head.authority);
    appendEndToEnd(head.headers, out.headers);

    if (head.framing == HttpBodyFraming::ContentLength)
        out.headers.append("Content-Length", std::to_string(head.contentLength));
    else if (head.framing == HttpBodyFraming::Chunked)
        out.headers.append("Transfer-Encoding", "chunked");
    if (head.upgrade) {
        out.headers.append("Connection", "upgrade");
        out.headers.append("Upgrade", "websocket");
    }

    appendToList(out.headers, "X-Forwarded-For", ctx.clientIp);
    appendToList(out.headers, "X-Forwarded-Proto", ctx.proto);
    if (!out.headers.contains("x-forwarded-host") && !head.authority.empty())
        out.headers.append("X-Forwarded-Host", head.authority);
    return out;
}

HttpResponseHead HttpForwarding::prepareClientResponse(const HttpResponseHead &head, HttpVersion clientVersion)
{
    HttpResponseHead out;
    out.version = HttpVersion::Http11;
    out.status = head.status;
    out.reason = head.reason;
    out.contentLength = head.contentLength;
    // The upstream connection's persistence is not the client's: only a
    // close-delimited body forces the client connection to end.
    out.keepAlive = true;
    out.upgrade = head.upgrade;
    out.framing = head.framing;

    appendEndToEnd(head.headers, out.headers);
    out.headers.remove(HttpErrorResponse::ErrorCodeHeader);

    switch (head.framing) {
    case HttpBodyFraming::ContentLength:
        out.headers.append("Content-Length", std::to_string(head.contentLength));
        break;
    case HttpBodyFraming::None:
        // HEAD and 304 answers may state the representation's length.
        if (head.headers.contains("content-length") && head.status != 204 && head.status >= 200)
            out.headers.append("Content-Length", std::to_string(head.contentLength));
        break;
    case HttpBodyFraming::Chunked:
    case HttpBodyFraming::UntilClose:
        if (clientVersion == HttpVersion::Http11) {
            out.framing = HttpBodyFraming::Chunked;
            out.headers.append("Transfer-Encoding", "chunked");
        } else {
            out.framing = HttpBodyFraming::UntilClose;
            out.keepAlive = false;
        }
        break;
    }
    if (head.upgrade) {
        out.headers.append("Connection", "upgrade");
        if (const auto upgrade = head.headers.value("upgrade"))
            out.headers.append("Upgrade", *upgrade);
    } else if (!out.keepAlive) {
        out.headers.append("Connection", "close");
    }
    return out;
}

} // namespace switchyard
