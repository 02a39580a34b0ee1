// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the HTTP/1.1 codec (proxy-hardening §11 row 50).
// The first input byte picks the mode: even = requests, odd = responses
// (bit 1: to HEAD requests); bit 2: tiny limits, so the 413/414/431 paths
// are reached by short inputs. Checked properties:
//  1. no crash / leak / UB (run under ASan+UBSan);
//  2. the transcript does not depend on how the input is split
//     (whole vs. byte-by-byte);
//  3. every complete message, re-serialised from its parsed fields,
//     re-parses to identical fields, body and trailers;
//  4. a request prepared for the upstream re-parses without error and its
//     last X-Forwarded-For value is the peer.

#include "data/http/httpforwarding.h"
#include "data/http/httprequestparser.h"
#include "data/http/httpresponseparser.h"
#include "data/http/httpserializer.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

using namespace switchyard;

namespace {

struct Message
{
    std::variant<HttpRequestHead, HttpResponseHead> head;
    std::string body;
    HttpHeaders trailers;
    bool complete = false;
};

struct Collector : HttpRequestHandler, HttpResponseHandler
{
    std::vector<Message> messages;
    std::string transcript;

    void onRequestHead(HttpRequestHead head) override
    {
        transcript += "H" + head.method + " " + head.target + "\n";
        messages.push_back(Message{std::move(head), {}, {}, false});
    }
    void onResponseHead(HttpResponseHead head) override
    {
        transcript += "R" + std::to_string(head.status) + "\n";
        messages.push_back(Message{std::move(head), {}, {}, false});
    }
    void onBody(std::string_view data) override
    {
        messages.back().body.append(data);
        transcript += "B" + std::to_string(data.size()) + ";";
    }
    void onTrailers(HttpHeaders trailers) override
    {
        transcript += "T\n";
        messages.back().trailers = std::move(trailers);
    }
    void onMessageComplete() override
    {
        transcript += "E\n";
        messages.back().complete = true;
    }
};

[[noreturn]] void failure(const char *what)
{
    std::fprintf(stderr, "http_parser_fuzzer: %s\n", what);
    std::abort();
}

std::string normalisedTranscript(const Collector &c)
{
    // Body event boundaries depend on the split; only the concatenated body counts.
    std::string out;
    for (const auto &m : c.messages) {
        out += m.complete ? "complete:" : "partial:";
        out += std::to_string(m.body.size());
        out += ";";
    }
    return out;
}

template<typename Parser>
HttpFeedResult feedAll(Parser &parser, std::string_view input, bool byteByByte)
{
    HttpFeedResult last;
    std::size_t pos = 0;
    while (pos < input.size()) {
        const std::size_t n = byteByByte ? 1 : input.size() - pos;
        std::string_view piece = input.substr(pos, n);
        while (!piece.empty()) {
            last = parser.feed(piece);
            pos += last.consumed;
            piece.remove_prefix(last.consumed);
            if (last.status == HttpFeedStatus::Paused) {
                parser.resume();
                continue;
            }
            if (last.status != HttpFeedStatus::Ok)
                return last;
            break;
        }
    }
    return last;
}

std::string encodeBody(HttpBodyFraming framing, const Message &m)
{
    std::string out;
    if (framing == HttpBodyFraming::Chunked) {
        HttpSerializer::appendChunk(out, m.body);
        HttpSerializer::appendLastChunk(out, m.trailers);
    } else {
        out = m.body;
    }
    return out;
}

HttpLimits roomyLimits()
{
    HttpLimits limits;
    limits.maxHeadSize = 1024 * 1024;
    limits.maxHeaderCount = 10000;
    limits.maxTargetLength = 1024 * 1024;
    return limits;
}

void checkRequestRoundTrip(const Message &m)
{
    const auto &head = std::get<HttpRequestHead>(m.head);
    const std::string wire = HttpSerializer::requestHead(head) + encodeBody(head.framing, m);
    Collector again;
    HttpRequestParser parser(again, roomyLimits());
    const auto r = feedAll(parser, wire, false);
    if (r.status == HttpFeedStatus::Error || again.messages.size() != 1 || !again.messages[0].complete)
        failure("re-serialised request does not re-parse");
    const auto &h2 = std::get<HttpRequestHead>(again.messages[0].head);
    if (h2.method != head.method || h2.target != head.target || h2.version != head.version
        || !(h2.headers == head.headers) || h2.framing != head.framing || h2.contentLength != head.contentLength
        || h2.keepAlive != head.keepAlive || h2.upgrade != head.upgrade || h2.expectContinue != head.expectContinue
        || h2.authority != head.authority || h2.authorityHost != head.authorityHost
        || h2.authorityPort != head.authorityPort || h2.pathAndQuery != head.pathAndQuery)
        failure("request fields differ after round trip");
    if (again.messages[0].body != m.body || !(again.messages[0].trailers == m.trailers))
        failure("request body or trailers differ after round trip");

    if (head.authority.empty())
        return;
    const HttpRequestHead up = HttpForwarding::prepareUpstreamRequest(head, ForwardingContext{"192.0.2.1", "https"});
    Collector upstream;
    HttpRequestParser upParser(upstream, roomyLimits());
    const auto ur = feedAll(upParser, HttpSerializer::requestHead(up) + encodeBody(up.framing, m), false);
    if (ur.status == HttpFeedStatus::Error || upstream.messages.size() != 1)
        failure("prepared upstream request does not parse");
    const auto &uh = std::get<HttpRequestHead>(upstream.messages[0].head);
    const auto xff = uh.headers.tokens("x-forwarded-for");
    if (xff.empty() || xff.back() != "192.0.2.1" || uh.headers.hasToken("upgrade", "h2c"))
        failure("forwarding headers wrong");
}

void checkResponseRoundTrip(const Message &m, bool head)
{
    const auto &resp = std::get<HttpResponseHead>(m.head);
    const std::string wire = HttpSerializer::responseHead(resp) + encodeBody(resp.framing, m);
    Collector again;
    HttpResponseParser parser(again, roomyLimits());
    parser.expectResponse(head ? "HEAD" : "GET", true);
    auto r = feedAll(parser, wire, false);
    if (r.status == HttpFeedStatus::Ok && resp.framing == HttpBodyFraming::UntilClose)
        r = parser.finish();
    if (r.status == HttpFeedStatus::Error || again.messages.size() != 1 || !again.messages[0].complete)
        failure("re-serialised response does not re-parse");
    const auto &r2 = std::get<HttpResponseHead>(again.messages[0].head);
    if (r2.status != resp.status || r2.reason != resp.reason || r2.version != resp.version
        || !(r2.headers == resp.headers) || r2.framing != resp.framing || r2.contentLength != resp.contentLength
        || r2.keepAlive != resp.keepAlive || r2.upgrade != resp.upgrade)
        failure("response fields differ after round trip");
    if (again.messages[0].body != m.body || !(again.messages[0].trailers == m.trailers))
        failure("response body or trailers differ after round trip");
}

template<typename MakeParser>
void run(std::string_view input, MakeParser make, bool response, bool head)
{
    Collector whole;
    Collector bytes;
    auto p1 = make(whole);
    auto p2 = make(bytes);
    const auto r1 = feedAll(*p1, input, false);
    const auto r2 = feedAll(*p2, input, true);
    if (r1.status != r2.status || normalisedTranscript(whole) != normalisedTranscript(bytes))
        failure("result depends on how the input is split");
    if (r1.status == HttpFeedStatus::Error && p1->error().status != p2->error().status)
        failure("error status depends on how the input is split");
    for (const auto &m : whole.messages) {
        if (!m.complete)
            continue;
        if (response)
            checkResponseRoundTrip(m, head);
        else
            checkRequestRoundTrip(m);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size == 0)
        return 0;
    const std::uint8_t mode = data[0];
    const std::string_view input(reinterpret_cast<const char *>(data + 1), size - 1);
    HttpLimits limits;
    if ((mode & 4) != 0) {
        limits.maxHeadSize = 200;
        limits.maxHeaderCount = 4;
        limits.maxTargetLength = 32;
        limits.maxBodySize = 64;
        limits.maxChunkLineLength = 24;
        limits.underscoreHeaders = UnderscoreHeaderAction::Reject;
    }
    if ((mode & 1) == 0) {
        run(input, [&limits](Collector &c) { return std::make_unique<HttpRequestParser>(c, limits); }, false,
            false);
    } else {
        const bool head = (mode & 2) != 0;
        run(input,
            [head, &limits](Collector &c) {
                auto p = std::make_unique<HttpResponseParser>(c, limits);
                for (int i = 0; i < 8; ++i)
                    p->expectResponse(head ? "HEAD" : "GET", true);
                return p;
            },
            true, head);
    }
    return 0;
}
