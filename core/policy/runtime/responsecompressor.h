// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "policy/runtime/streamcompressor.h"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace switchyard {

class HttpHeaders;

// The compress-response action's decisions (reference §6.3): which coding
// the client prefers among the configured ones (Accept-Encoding q-values,
// RFC 9110 §12.5.3), whether this response may be compressed at all, and
// the header changes that go with it. The bytes themselves go through a
// StreamCompressor. Immutable after create(); safe to share between threads.
class ResponseCompressor
{
public:
    struct Options
    {
        // Responses whose Content-Length is below this stay as they are:
        // the coding overhead outweighs the saving.
        std::size_t minBodyBytes = 256;
        int level = -1; // see StreamCompressor::create
    };

    struct Plan
    {
        ContentCoding coding = ContentCoding::Identity; // Identity: leave the body alone
        bool alreadyCompressed = false; // the upstream sent a Content-Encoding
        // The response's representation depends on Accept-Encoding (it was
        // eligible), so caches must see Vary: Accept-Encoding even when
        // this client got identity.
        bool vary = false;
        std::string skipReason; // why Identity, for logs; empty when compressing
    };

    // `algorithms` in server preference order: gzip, deflate, br, compress.
    // "compress" (LZW) is accepted for config compatibility but never
    // chosen: no maintained encoder for it exists on Debian.
    static Result<ResponseCompressor> create(const std::vector<std::string> &algorithms, Options options);
    static Result<ResponseCompressor> create(const std::vector<std::string> &algorithms);

    // The best configured coding for an Accept-Encoding field value (all
    // field lines joined with ", "); Identity when none is acceptable or the
    // header is absent.
    ContentCoding negotiate(std::optional<std::string_view> acceptEncoding) const;

    Plan plan(std::string_view requestMethod, const HttpHeaders &requestHeaders, int status,
              const HttpHeaders &responseHeaders) const;

    // Applies a plan to the response head: Content-Encoding set,
    // Content-Length and Accept-Ranges removed, a strong ETag made weak, and
    // Accept-Encoding added to Vary when plan.vary.
    static void applyHeaders(const Plan &plan, HttpHeaders &responseHeaders);

    Result<std::unique_ptr<StreamCompressor>> makeStream(ContentCoding coding) const;

    // text/*, JSON, XML, JavaScript, SVG, form data, WebAssembly and
    // uncompressed fonts; media and archives are already compressed.
    static bool isCompressibleType(std::string_view contentType);

private:
    std::vector<ContentCoding> m_algorithms;
    Options m_options;
};

} // namespace switchyard
