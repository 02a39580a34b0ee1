// SPDX-License-Identifier: Apache-2.0
#include "policy/runtime/streamcompressor.h"

#include <brotli/encode.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdint>

namespace switchyard {

std::string_view toString(ContentCoding coding)
{
    switch (coding) {
    case ContentCoding::Identity: return "identity";
    case ContentCoding::Gzip: return "gzip";
    case ContentCoding::Deflate: return "deflate";
    case ContentCoding::Brotli: return "br";
    }
    return "identity";
}

std::optional<ContentCoding> contentCodingFromString(std::string_view name)
{
    if (name == "gzip" || name == "x-gzip")
        return ContentCoding::Gzip;
    if (name == "deflate")
        return ContentCoding::Deflate;
    if (name == "br")
        return ContentCoding::Brotli;
    if (name == "identity")
        return ContentCoding::Identity;
    return std::nullopt;
}

namespace {
constexpr std::size_t ChunkSize = 16 * 1024;
}

struct StreamCompressor::Impl
{
    bool isZlib = true;
    z_stream zs{};
    BrotliEncoderState *brotli = nullptr;
    bool finished = false;

    ~Impl()
    {
        if (isZlib)
            deflateEnd(&zs);
        else if (brotli)
            BrotliEncoderDestroyInstance(brotli);
    }

    Result<void> runZlib(std::string_view in, int mode, std::string &out)
    {
        std::array<unsigned char, ChunkSize> buffer;
        zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.data()));
        zs.avail_in = static_cast<uInt>(in.size());
        do {
            zs.next_out = buffer.data();
            zs.avail_out = static_cast<uInt>(buffer.size());
            const int rc = deflate(&zs, mode);
            if (rc == Z_STREAM_ERROR)
                return makeError("zlib deflate failed");
            out.append(reinterpret_cast<const char *>(buffer.data()), buffer.size() - zs.avail_out);
            if (rc == Z_STREAM_END)
                break;
        } while (zs.avail_out == 0 || zs.avail_in > 0);
        return {};
    }

    Result<void> runBrotli(std::string_view in, BrotliEncoderOperation op, std::string &out)
    {
        std::size_t availIn = in.size();
        const auto *nextIn = reinterpret_cast<const std::uint8_t *>(in.data());
        for (;;) {
            std::size_t availOut = 0;
            if (!BrotliEncoderCompressStream(brotli, op, &availIn, &nextIn, &availOut, nullptr, nullptr))
                return makeError("brotli encoder failed");
            std::size_t size = 0;
            const std::uint8_t *data = BrotliEncoderTakeOutput(brotli, &size);
            if (size > 0)
                out.append(reinterpret_cast<const char *>(data), size);
            const bool done = op == BROTLI_OPERATION_FINISH ? BrotliEncoderIsFinished(brotli) != 0
                                                            : availIn == 0 && !BrotliEncoderHasMoreOutput(brotli);
            if (done)
                return {};
        }
    }
};

StreamCompressor::StreamCompressor(ContentCoding coding, std::unique_ptr<Impl> impl)
    : m_coding(coding)
    , m_impl(std::move(impl))
{
}

StreamCompressor::~StreamCompressor() = default;

Result<std::unique_ptr<StreamCompressor>> StreamCompressor::create(ContentCoding coding, int level)
{
    auto impl = std::make_unique<Impl>();
    switch (coding) {
    case ContentCoding::Identity:
        return makeError("identity is not a compression");
    case ContentCoding::Gzip:
    case ContentCoding::Deflate: {
        const int windowBits = coding == ContentCoding::Gzip ? 15 + 16 : 15;
        const int zlibLevel = level < 0 ? 6 : std::min(level, 9);
        if (deflateInit2(&impl->zs, zlibLevel, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            return makeError("zlib initialisation failed");
        break;
    }
    case ContentCoding::Brotli:
        impl->isZlib = false;
        impl->brotli = BrotliEncoderCreateInstance(nullptr, nullptr, nullptr);
        if (!impl->brotli)
            return makeError("brotli initialisation failed");
        BrotliEncoderSetParameter(impl->brotli, BROTLI_PARAM_QUALITY,
                                  static_cast<std::uint32_t>(level < 0 ? 4 : std::min(level, 11)));
        BrotliEncoderSetParameter(impl->brotli, BROTLI_PARAM_LGWIN, 22);
        break;
    }
    return std::unique_ptr<StreamCompressor>(new StreamCompressor(coding, std::move(impl)));
}

Result<void> StreamCompressor::write(std::string_view in, std::string &out)
{
    if (m_impl->finished)
        return makeError("write after finish");
    if (in.empty())
        return {};
    return m_impl->isZlib ? m_impl->runZlib(in, Z_NO_FLUSH, out)
                          : m_impl->runBrotli(in, BROTLI_OPERATION_PROCESS, out);
}

Result<void> StreamCompressor::flush(std::string &out)
{
    if (m_impl->finished)
        return makeError("flush after finish");
    return m_impl->isZlib ? m_impl->runZlib({}, Z_SYNC_FLUSH, out)
                          : m_impl->runBrotli({}, BROTLI_OPERATION_FLUSH, out);
}

Result<void> StreamCompressor::finish(std::string &out)
{
    if (m_impl->finished)
        return {};
    m_impl->finished = true;
    return m_impl->isZlib ? m_impl->runZlib({}, Z_FINISH, out) : m_impl->runBrotli({}, BROTLI_OPERATION_FINISH, out);
}

} // namespace switchyard
