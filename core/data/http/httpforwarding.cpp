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

// Removes hop-by-hop fields, framing fields (re-added by the caller) and
// every field nominated in Connection.
HttpHeaders stripHopByHop(const HttpHeaders &in)
{
    std::vector<std::string> drop(HopByHop.begin(), HopByHop.end());
    for (auto &token : in.tokens("connection"))
        drop.push_back(std::move(token));
    HttpHeaders out;
    for (const auto &f : in.fields()) {
        if (std::find(drop.begin(), drop.end(), f.lowerName) == drop.end())
            out.fields().push_back(f);
    }
    return out;
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

    const HttpHeaders kept = stripHopByHop(head.headers);
    if (!head.authority.empty())
        out.headers.append("Host", head.authority);
    for (const auto &f : kept.fields())
        out.headers.fields().push_back(f);

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

    out.headers = stripHopByHop(head.headers);
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
