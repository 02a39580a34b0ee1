// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace switchyard {

// HTTP content codings Switchyard produces (RFC 9110 §8.4.1). "deflate" is
// the zlib format (RFC 1950), as the HTTP spec means it, not raw deflate.
enum class ContentCoding { Identity, Gzip, Deflate, Brotli };

std::string_view toString(ContentCoding coding); // "identity", "gzip", "deflate", "br"
std::optional<ContentCoding> contentCodingFromString(std::string_view name); // also "x-gzip"

// An incremental gzip/deflate (zlib) or brotli encoder: the body goes in as
// it streams and compressed bytes come out, so no whole body is buffered.
// One instance per response; not shared between threads.
class StreamCompressor
{
public:
    // `level`: zlib 1–9 or brotli quality 0–11; -1 picks a fast streaming
    // default (zlib 6, brotli 4). Identity is refused.
    static Result<std::unique_ptr<StreamCompressor>> create(ContentCoding coding, int level = -1);
    ~StreamCompressor();
    StreamCompressor(const StreamCompressor &) = delete;
    StreamCompressor &operator=(const StreamCompressor &) = delete;

    // Each call appends whatever output is ready to `out`.
    Result<void> write(std::string_view in, std::string &out);
    // Emits everything written so far in decodable form (for streamed
    // responses such as server-sent events), at some cost in ratio.
    Result<void> flush(std::string &out);
    // Ends the stream; write() must not be called afterwards.
    Result<void> finish(std::string &out);

    ContentCoding coding() const { return m_coding; }

private:
    struct Impl;
    StreamCompressor(ContentCoding coding, std::unique_ptr<Impl> impl);

    ContentCoding m_coding;
    std::unique_ptr<Impl> m_impl;
};

} // namespace switchyard
