// SPDX-License-Identifier: Apache-2.0
#include "policy/runtime/responsecompressor.h"

#include "data/http/httpheaders.h"
#include "data/http/httpsyntax.h"

#include <algorithm>
#include <array>
#include <charconv>

namespace switchyard {

namespace {

// RFC 9110 §12.4.2 qvalue, in thousandths; -1 when malformed.
int parseQValue(std::string_view text)
{
    if (text.empty() || text.size() > 5 || (text[0] != '0' && text[0] != '1'))
        return -1;
    int value = (text[0] - '0') * 1000;
    if (text.size() == 1)
        return value;
    if (text[1] != '.')
        return -1;
    int scale = 100;
    for (std::size_t i = 2; i < text.size(); ++i, scale /= 10) {
        if (text[i] < '0' || text[i] > '9')
            return -1;
        value += (text[i] - '0') * scale;
    }
    return value > 1000 ? -1 : value;
}

struct Preference
{
    std::string coding;
    int q = 1000;
};

std::vector<Preference> parseAcceptEncoding(std::string_view value)
{
    std::vector<Preference> out;
    while (!value.empty()) {
        const std::size_t comma = value.find(',');
        std::string_view element = httpsyntax::trimOws(value.substr(0, comma));
        value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
        if (element.empty())
            continue;
        Preference p;
        const std::size_t semi = element.find(';');
        p.coding = HttpHeaders::toLower(httpsyntax::trimOws(element.substr(0, semi)));
        bool valid = true;
        for (std::string_view params = semi == std::string_view::npos ? std::string_view{} : element.substr(semi + 1);
             !params.empty();) {
            const std::size_t next = params.find(';');
            const std::string_view param = httpsyntax::trimOws(params.substr(0, next));
            params = next == std::string_view::npos ? std::string_view{} : params.substr(next + 1);
            if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
                p.q = parseQValue(httpsyntax::trimOws(param.substr(2)));
                valid = p.q >= 0;
            }
        }
        if (valid && !p.coding.empty())
            out.push_back(std::move(p));
    }
    return out;
}

bool startsWith(std::string_view s, std::string_view prefix)
{
    return s.substr(0, prefix.size()) == prefix;
}

bool endsWith(std::string_view s, std::string_view suffix)
{
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

} // namespace

Result<ResponseCompressor> ResponseCompressor::create(const std::vector<std::string> &algorithms)
{
    return create(algorithms, Options{});
}

Result<ResponseCompressor> ResponseCompressor::create(const std::vector<std::string> &algorithms, Options options)
{
    ResponseCompressor out;
    out.m_options = options;
    const std::vector<std::string> defaults{"gzip", "deflate", "br", "compress"};
    for (const std::string &name : algorithms.empty() ? defaults : algorithms) {
        if (name == "compress")
            continue;
        const auto coding = contentCodingFromString(name);
        if (!coding || *coding == ContentCoding::Identity || name == "x-gzip")
            return makeError("unknown compression algorithm '" + name + "' (expected gzip, deflate, br or compress)");
        if (std::find(out.m_algorithms.begin(), out.m_algorithms.end(), *coding) != out.m_algorithms.end())
            return makeError("compression algorithm '" + name + "' is listed twice");
        out.m_algorithms.push_back(*coding);
    }
    return out;
}

ContentCoding ResponseCompressor::negotiate(std::optional<std::string_view> acceptEncoding) const
{
    if (!acceptEncoding)
        return ContentCoding::Identity;
    const std::vector<Preference> prefs = parseAcceptEncoding(*acceptEncoding);
    auto qualityOf = [&](std::string_view name, std::string_view alias) {
        int wildcard = -1;
        for (const Preference &p : prefs) {
            if (p.coding == name || (!alias.empty() && p.coding == alias))
                return p.q;
            if (p.coding == "*")
                wildcard = p.q;
        }
        return wildcard < 0 ? 0 : wildcard;
    };
    ContentCoding best = ContentCoding::Identity;
    int bestQ = 0;
    for (const ContentCoding c : m_algorithms) {
        const int q = qualityOf(toString(c), c == ContentCoding::Gzip ? "x-gzip" : "");
        if (q > bestQ) {
            best = c;
            bestQ = q;
        }
    }
    // A client that ranks identity explicitly above every compression gets
    // it; an unlisted identity is acceptable but never preferred.
    int identityQ = 0;
    for (const Preference &p : prefs) {
        if (p.coding == "identity")
            identityQ = p.q;
    }
    if (best != ContentCoding::Identity && identityQ > bestQ)
        return ContentCoding::Identity;
    return best;
}

bool ResponseCompressor::isCompressibleType(std::string_view contentType)
{
    const std::string type = HttpHeaders::toLower(httpsyntax::trimOws(contentType.substr(0, contentType.find(';'))));
    if (startsWith(type, "text/"))
        return true;
    static constexpr std::array Exact = std::to_array<std::string_view>(
        {"application/json", "application/javascript", "application/ecmascript", "application/xml",
         "application/x-javascript", "application/x-www-form-urlencoded", "application/wasm", "application/graphql",
         "application/x-ndjson", "application/manifest+json", "image/svg+xml", "image/x-icon",
         "image/vnd.microsoft.icon", "image/bmp", "font/ttf", "font/otf", "application/vnd.ms-fontobject"});
    if (std::find(Exact.begin(), Exact.end(), type) != Exact.end())
        return true;
    return endsWith(type, "+json") || endsWith(type, "+xml");
}

ResponseCompressor::Plan ResponseCompressor::plan(std::string_view requestMethod, const HttpHeaders &requestHeaders,
                                                  int status, const HttpHeaders &responseHeaders) const
{
    Plan p;
    if (requestMethod == "HEAD" || status < 200 || status == 204 || status == 206 || status == 304) {
        p.skipReason = "the response has no body to compress";
        return p;
    }
    for (const std::string &coding : responseHeaders.tokens("content-encoding")) {
        if (coding != "identity") {
            p.alreadyCompressed = true;
            p.skipReason = "the response is already encoded (" + coding + ")";
            return p;
        }
    }
    if (responseHeaders.hasToken("cache-control", "no-transform")) {
        p.skipReason = "cache-control: no-transform";
        return p;
    }
    const auto contentType = responseHeaders.value("content-type");
    if (!contentType || !isCompressibleType(*contentType)) {
        p.skipReason = contentType ? "content type " + std::string(*contentType) + " is not compressible"
                                   : std::string("the response has no content type");
        return p;
    }
    if (const auto length = responseHeaders.value("content-length")) {
        std::size_t n = 0;
        const auto [end, ec] = std::from_chars(length->data(), length->data() + length->size(), n);
        if (ec == std::errc() && end == length->data() + length->size() && n < m_options.minBodyBytes) {
            p.skipReason = "the body is smaller than " + std::to_string(m_options.minBodyBytes) + " bytes";
            return p;
        }
    }
    p.vary = true;
    const auto values = requestHeaders.values("accept-encoding");
    std::optional<std::string> joined;
    for (const std::string_view v : values) {
        joined = joined ? *joined + ", " + std::string(v) : std::string(v);
    }
    p.coding = negotiate(joined ? std::optional<std::string_view>(*joined) : std::nullopt);
    if (p.coding == ContentCoding::Identity)
        p.skipReason = "the client accepts none of the configured codings";
    return p;
}

void ResponseCompressor::applyHeaders(const Plan &plan, HttpHeaders &responseHeaders)
{
    if (plan.vary) {
        bool present = false;
        for (const std::string &token : responseHeaders.tokens("vary"))
            present = present || token == "accept-encoding" || token == "*";
        if (!present)
            responseHeaders.append("Vary", "Accept-Encoding");
    }
    if (plan.coding == ContentCoding::Identity)
        return;
    responseHeaders.remove("content-length");
    responseHeaders.remove("accept-ranges");
    responseHeaders.set("Content-Encoding", toString(plan.coding));
    if (const auto etag = responseHeaders.value("etag"); etag && !startsWith(*etag, "W/"))
        responseHeaders.set("ETag", "W/" + std::string(*etag));
}

Result<std::unique_ptr<StreamCompressor>> ResponseCompressor::makeStream(ContentCoding coding) const
{
    return StreamCompressor::create(coding, m_options.level);
}

} // namespace switchyard
