// SPDX-License-Identifier: Apache-2.0
// HttpProxySession, inspector side: recording one exchange for the
// CaptureSink. Nothing here runs unless a sink is set and enabled.
#include "data/engine/httpproxysession.h"

#include "data/engine/enginestate.h"

#include <algorithm>
#include <iterator>

namespace switchyard {

namespace {

constexpr std::size_t RetainedBodyCapacity = 16 * 1024;

// The session keeps one CapturedExchange for all its exchanges: copying
// into the strings it already has allocates nothing once they have grown,
// where fresh ones cost a malloc each on the worker and a free on the
// writer's side.
void copyHeaders(const HttpHeaders &headers, CapturedExchange::Headers &out)
{
    const auto &fields = headers.fields();
    if (out.size() > fields.size())
        out.resize(fields.size());
    std::size_t i = 0;
    for (const HttpHeaderField &field : fields) {
        if (i < out.size()) {
            out[i].first.assign(field.name);
            out[i].second.assign(field.value);
        } else {
            out.emplace_back(field.name, field.value);
        }
        ++i;
    }
}

void reset(CapturedExchange &c)
{
    c.upstreamConnectedNs = -1;
    c.firstByteNs = -1;
    c.durationNs = 0;
    c.endpointName.clear();
    c.endpointUrl.clear();
    c.accountId.clear();
    c.requestBody.clear();
    c.requestBodyTruncated = false;
    c.requestBytes = 0;
    c.hasResponse = false;
    c.status = 0;
    c.reason.clear();
    c.responseProto.clear();
    c.responseHeaders.clear();
    c.responseBody.clear();
    c.responseBodyTruncated = false;
    c.responseBytes = 0;
    c.errorCode.clear();
    c.firedRules.clear();
    c.logs.clear();
}

void appendCapped(std::string &to, bool &truncated, std::uint64_t &count, std::string_view data, std::size_t cap)
{
    count += data.size();
    if (to.size() < cap)
        to.append(data.substr(0, cap - to.size()));
    if (count > cap)
        truncated = true;
}

} // namespace

std::int64_t HttpProxySession::captureElapsed() const
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - m_captureStart).count();
}

void HttpProxySession::captureBegin()
{
    m_captureSink.reset();
    std::shared_ptr<CaptureSink> sink = m_worker.state().captureSink.load(std::memory_order_relaxed);
    if (!sink || !sink->enabled())
        return;
    m_captureSink = std::move(sink);
    m_captureStart = Clock::now();
    if (!m_capture) {
        m_capture = std::make_unique<CapturedExchange>();
        m_capture->clientAddress = m_info.clientIp + ':' + std::to_string(m_info.clientPort);
    } else {
        reset(*m_capture);
    }
    CapturedExchange &c = *m_capture;
    c.start = std::chrono::system_clock::now();
    c.method.assign(m_request.method);
    c.target.assign(m_request.target);
    c.requestProto.assign(toString(m_request.version));
    copyHeaders(m_request.headers, c.requestHeaders);
}

void HttpProxySession::captureRoute(const Endpoint &routed, const HttpPolicyDecision *decision)
{
    if (!m_connectionCounted)
        countConnection(routed);
    if (!m_captureSink)
        return;
    CapturedExchange &c = *m_capture;
    c.endpointName.assign(routed.name);
    c.endpointUrl.clear();
    routed.url.appendTo(c.endpointUrl);
    c.accountId.assign(routed.accountId);
    c.chain.resize(1);
    c.chain.front().assign(c.endpointUrl);
    if (!decision)
        return;
    const auto add = [&c](const EndpointPtr &endpoint) {
        if (!endpoint)
            return;
        std::string url = endpoint->url.toString();
        if (std::find(c.chain.begin(), c.chain.end(), url) == c.chain.end())
            c.chain.push_back(std::move(url));
    };
    // responseChain is innermost first; the chain reads outermost first.
    for (auto it = decision->responseChain.rbegin(); it != decision->responseChain.rend(); ++it)
        add(*it);
    add(decision->upstreamEndpoint);
}

void HttpProxySession::captureFired(std::vector<PolicyFiredRule> &&fired, std::vector<PolicyLogEntry> &&logs)
{
    if (!m_captureSink)
        return;
    CapturedExchange &c = *m_capture;
    if (c.firedRules.empty())
        c.firedRules = std::move(fired);
    else
        std::move(fired.begin(), fired.end(), std::back_inserter(c.firedRules));
    if (c.logs.empty())
        c.logs = std::move(logs);
    else
        std::move(logs.begin(), logs.end(), std::back_inserter(c.logs));
}

void HttpProxySession::countConnection(const Endpoint &endpoint)
{
    // Once per connection, for the endpoint of its first routed request
    // (on an edge listener later requests may go elsewhere).
    m_connectionCounted = true;
    std::shared_ptr<CaptureSink> sink = m_worker.state().captureSink.load(std::memory_order_relaxed);
    if (!sink || !sink->enabled())
        return;
    m_connectionEndpoint = endpoint.url.toString();
    m_connectionStart = Clock::now();
    sink->connectionOpened(m_connectionEndpoint, endpoint.name);
    m_connectionSink = std::move(sink);
}

void HttpProxySession::uncountConnection()
{
    if (!m_connectionSink)
        return;
    const auto duration = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - m_connectionStart);
    m_connectionSink->connectionClosed(m_connectionEndpoint, duration.count());
    m_connectionSink.reset();
}

void HttpProxySession::captureRequestBody(std::string_view data)
{
    if (m_captureSink)
        appendCapped(m_capture->requestBody, m_capture->requestBodyTruncated, m_capture->requestBytes, data,
                     m_limits->inspectBodySize);
}

void HttpProxySession::captureUpstreamConnected()
{
    if (m_captureSink && m_capture->upstreamConnectedNs < 0)
        m_capture->upstreamConnectedNs = captureElapsed();
}

void HttpProxySession::captureResponseHead(const HttpResponseHead &head)
{
    if (!m_captureSink)
        return;
    CapturedExchange &c = *m_capture;
    c.firstByteNs = captureElapsed();
    c.hasResponse = true;
    c.status = head.status;
    c.reason.assign(head.reason);
    c.responseProto.assign(toString(head.version));
    copyHeaders(head.headers, c.responseHeaders);
}

void HttpProxySession::captureResponseBody(std::string_view data)
{
    if (m_captureSink)
        appendCapped(m_capture->responseBody, m_capture->responseBodyTruncated, m_capture->responseBytes, data,
                     m_limits->inspectBodySize);
}

void HttpProxySession::captureLocalResponse(std::string_view raw)
{
    if (!m_captureSink)
        return;
    // The answer is already serialized (error page or policy response):
    // read its status line and headers back rather than thread them through.
    CapturedExchange &c = *m_capture;
    c.firstByteNs = captureElapsed();
    c.hasResponse = true;
    c.responseHeaders.clear();
    const std::size_t headEnd = raw.find("\r\n\r\n");
    const std::string_view head = raw.substr(0, headEnd);
    std::size_t lineEnd = head.find("\r\n");
    const std::string_view statusLine = head.substr(0, lineEnd);
    const std::size_t sp1 = statusLine.find(' ');
    const std::size_t sp2 = statusLine.find(' ', sp1 + 1);
    c.responseProto = std::string(statusLine.substr(0, sp1));
    if (sp1 != std::string_view::npos) {
        const std::string_view code = statusLine.substr(sp1 + 1, sp2 == std::string_view::npos ? sp2 : sp2 - sp1 - 1);
        c.status = 0;
        for (char ch : code)
            c.status = c.status * 10 + (ch - '0');
        if (sp2 != std::string_view::npos)
            c.reason = std::string(statusLine.substr(sp2 + 1));
    }
    while (lineEnd != std::string_view::npos && lineEnd + 2 <= head.size()) {
        const std::size_t start = lineEnd + 2;
        lineEnd = head.find("\r\n", start);
        const std::string_view line = head.substr(start, lineEnd == std::string_view::npos ? lineEnd : lineEnd - start);
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos)
            continue;
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ')
            value.remove_prefix(1);
        c.responseHeaders.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    }
    if (headEnd != std::string_view::npos)
        captureResponseBody(raw.substr(headEnd + 4));
}

void HttpProxySession::captureEnd()
{
    if (!m_captureSink)
        return;
    // Never routed (no endpoint for the Host, malformed request): there is
    // no endpoint to show it under.
    if (!m_capture->endpointUrl.empty()) {
        m_capture->durationNs = captureElapsed();
        m_captureSink->submit(*m_capture);
    }
    m_captureSink.reset();
    // The strings are kept for the next exchange, but not a large body's
    // buffer: with many connections each would hold up to the cap (1 MiB)
    // for as long as it stays open.
    for (std::string *body : {&m_capture->requestBody, &m_capture->responseBody})
        if (body->capacity() > RetainedBodyCapacity)
            std::string().swap(*body);
}

} // namespace switchyard
