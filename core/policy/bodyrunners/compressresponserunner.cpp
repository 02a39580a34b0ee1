// SPDX-License-Identifier: Apache-2.0
#include "policy/bodyrunners/compressresponserunner.h"

#include "policy/bodyrunners/actionconfigtext.h"
#include "policy/exec/actionresultvalue.h"
#include "policy/runtime/responsecompressor.h"

namespace switchyard {

ActionRunResult CompressResponseRunner::run(const ActionRunContext &context) const
{
    ActionRunResult r;
    PolicyExchange &exchange = context.exchange;
    if (!exchange.response) {
        r.summary = "no response";
        return r;
    }
    if (!exchange.responseCoding.empty()) {
        r.summary = "already compressing (" + exchange.responseCoding + ")";
        return r;
    }
    std::vector<std::string> algorithms = ActionConfigText::list(context, "algorithms");
    if (algorithms.empty())
        algorithms = {"gzip", "deflate", "br", "compress"};
    auto compressor = ResponseCompressor::create(algorithms);
    if (!compressor) {
        r.error = true;
        r.summary = compressor.message();
        return r;
    }
    PolicyResponse &response = *exchange.response;
    // A whole body has a known size even when no Content-Length says it
    // (a custom-response): small ones are not worth encoding.
    HttpHeaders sized = response.headers;
    if (exchange.responseBodyWhole && !sized.contains("content-length"))
        sized.set("content-length", std::to_string(response.body.size()));
    const ResponseCompressor::Plan plan
        = compressor->plan(exchange.request.method, exchange.request.headers, response.statusCode, sized);
    bool alreadyCompressed = false;
    for (const std::string &coding : response.headers.tokens("content-encoding"))
        alreadyCompressed = alreadyCompressed || coding != "identity";
    r.resultName = "compress";
    r.result = ActionResultValue::map(
        {{"already_compressed", cel::Value::boolean(alreadyCompressed)},
         {"negotiated_algorithm",
          cel::Value::string(plan.coding == ContentCoding::Identity ? "" : std::string(toString(plan.coding)))}});
    ResponseCompressor::applyHeaders(plan, response.headers);
    if (plan.coding == ContentCoding::Identity) {
        r.summary = "not compressed: " + plan.skipReason;
        r.requestChanged = plan.vary;
        return r;
    }
    exchange.responseCoding = std::string(toString(plan.coding));
    r.requestChanged = true;
    r.summary = "compressing with " + exchange.responseCoding;
    return r;
}

Result<void> CompressResponseRunner::encodeWhole(std::string_view coding, std::string &body)
{
    const auto parsed = contentCodingFromString(coding);
    if (!parsed)
        return makeError("unknown content coding '" + std::string(coding) + "'");
    auto stream = StreamCompressor::create(*parsed);
    if (!stream)
        return makeError(stream.message());
    std::string out;
    if (auto written = (*stream)->write(body, out); !written)
        return written;
    if (auto finished = (*stream)->finish(out); !finished)
        return finished;
    body = std::move(out);
    return {};
}

} // namespace switchyard
