// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"
#include "policy/exec/actionrunner.h"

#include <string>
#include <string_view>

namespace switchyard {

// compress-response (reference §6.3): negotiates a coding with
// ResponseCompressor, applies its header changes (Content-Encoding, Vary,
// weak ETag, no Content-Length) and records the coding in
// PolicyExchange::responseCoding; the engine encodes the body, streaming
// when it is not buffered. A response an earlier compress-response already
// encodes is left alone.
class CompressResponseRunner final : public ActionRunner
{
public:
    ActionRunResult run(const ActionRunContext &context) const override;

    // Encodes a whole body in place with `coding` ("gzip", "deflate", "br").
    static Result<void> encodeWhole(std::string_view coding, std::string &body);
};

} // namespace switchyard
