// SPDX-License-Identifier: Apache-2.0
// Streaming gzip/deflate/brotli: round trips through the zlib and brotli
// decoders, flush points, framing bytes.
#include <QObject>
#include <QTest>

#include "policy/runtime/streamcompressor.h"

#include <brotli/decode.h>
#include <zlib.h>

#include <random>

using namespace switchyard;

Q_DECLARE_METATYPE(switchyard::ContentCoding)

class TestStreamCompressor : public QObject
{
    Q_OBJECT

private slots:
    void roundTrip_data();
    void roundTrip();
    void flushMakesPrefixDecodable_data();
    void flushMakesPrefixDecodable();
    void framing();
    void names();
    void identityRefused();
    void writeAfterFinish();
};

namespace {

// Decodes as much as is available; `complete` says whether the stream ended.
std::string inflateAll(const std::string &in, bool gzip, bool *complete = nullptr)
{
    z_stream zs{};
    inflateInit2(&zs, gzip ? 31 : 15);
    zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    std::string out;
    int rc = Z_OK;
    char buffer[4096];
    do {
        zs.next_out = reinterpret_cast<Bytef *>(buffer);
        zs.avail_out = sizeof buffer;
        rc = inflate(&zs, Z_SYNC_FLUSH);
        out.append(buffer, sizeof buffer - zs.avail_out);
    } while (rc == Z_OK && (zs.avail_in > 0 || zs.avail_out == 0));
    if (complete)
        *complete = rc == Z_STREAM_END;
    inflateEnd(&zs);
    return out;
}

std::string brotliAll(const std::string &in, bool *complete = nullptr)
{
    BrotliDecoderState *s = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
    std::size_t availIn = in.size();
    const auto *nextIn = reinterpret_cast<const uint8_t *>(in.data());
    std::string out;
    BrotliDecoderResult rc;
    do {
        uint8_t buffer[4096];
        std::size_t availOut = sizeof buffer;
        uint8_t *nextOut = buffer;
        rc = BrotliDecoderDecompressStream(s, &availIn, &nextIn, &availOut, &nextOut, nullptr);
        out.append(reinterpret_cast<const char *>(buffer), sizeof buffer - availOut);
    } while (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT);
    if (complete)
        *complete = rc == BROTLI_DECODER_RESULT_SUCCESS;
    BrotliDecoderDestroyInstance(s);
    return out;
}

std::string decode(ContentCoding coding, const std::string &in, bool *complete = nullptr)
{
    return coding == ContentCoding::Brotli ? brotliAll(in, complete)
                                           : inflateAll(in, coding == ContentCoding::Gzip, complete);
}

std::string sampleBody(std::size_t size, bool random)
{
    std::string body;
    std::mt19937 rng(42);
    while (body.size() < size) {
        if (random)
            body += static_cast<char>(rng() & 0xFF);
        else
            body += "{\"id\": " + std::to_string(body.size()) + ", \"name\": \"switchyard\"},\n";
    }
    body.resize(size);
    return body;
}

} // namespace

void TestStreamCompressor::roundTrip_data()
{
    QTest::addColumn<ContentCoding>("coding");
    QTest::addColumn<int>("size");
    QTest::addColumn<bool>("random");
    for (const auto coding : {ContentCoding::Gzip, ContentCoding::Deflate, ContentCoding::Brotli}) {
        const std::string name(toString(coding));
        QTest::newRow((name + " empty").c_str()) << coding << 0 << false;
        QTest::newRow((name + " 64 KiB json").c_str()) << coding << 64 * 1024 << false;
        QTest::newRow((name + " 200 KiB random").c_str()) << coding << 200 * 1024 << true;
    }
}

void TestStreamCompressor::roundTrip()
{
    QFETCH(ContentCoding, coding);
    QFETCH(int, size);
    QFETCH(bool, random);
    const std::string body = sampleBody(static_cast<std::size_t>(size), random);
    auto stream = StreamCompressor::create(coding);
    QVERIFY(stream.ok());
    std::string compressed;
    for (std::size_t at = 0; at < body.size(); at += 1000)
        QVERIFY((*stream)->write(std::string_view(body).substr(at, 1000), compressed).ok());
    QVERIFY((*stream)->finish(compressed).ok());
    bool complete = false;
    const std::string decoded = decode(coding, compressed, &complete);
    QVERIFY(complete);
    QCOMPARE(decoded.size(), body.size());
    QVERIFY(decoded == body);
    if (!random && size > 0)
        QVERIFY(compressed.size() < body.size() / 5);
}

void TestStreamCompressor::flushMakesPrefixDecodable_data()
{
    QTest::addColumn<ContentCoding>("coding");
    QTest::newRow("gzip") << ContentCoding::Gzip;
    QTest::newRow("deflate") << ContentCoding::Deflate;
    QTest::newRow("br") << ContentCoding::Brotli;
}

void TestStreamCompressor::flushMakesPrefixDecodable()
{
    QFETCH(ContentCoding, coding);
    auto stream = StreamCompressor::create(coding);
    QVERIFY(stream.ok());
    std::string out;
    QVERIFY((*stream)->write("data: first event\n\n", out).ok());
    QVERIFY((*stream)->flush(out).ok());
    bool complete = true;
    QCOMPARE(decode(coding, out, &complete), std::string("data: first event\n\n"));
    QVERIFY(!complete);
    QVERIFY((*stream)->write("data: second\n\n", out).ok());
    QVERIFY((*stream)->finish(out).ok());
    QCOMPARE(decode(coding, out, &complete), std::string("data: first event\n\ndata: second\n\n"));
    QVERIFY(complete);
}

void TestStreamCompressor::framing()
{
    std::string gz;
    auto g = StreamCompressor::create(ContentCoding::Gzip);
    QVERIFY(g.ok());
    QVERIFY((*g)->write("x", gz).ok());
    QVERIFY((*g)->finish(gz).ok());
    QCOMPARE(static_cast<unsigned char>(gz[0]), 0x1f);
    QCOMPARE(static_cast<unsigned char>(gz[1]), 0x8b);
    std::string zl;
    auto d = StreamCompressor::create(ContentCoding::Deflate);
    QVERIFY(d.ok());
    QVERIFY((*d)->finish(zl).ok());
    QCOMPARE(static_cast<unsigned char>(zl[0]), 0x78); // zlib header: RFC 1950, not raw deflate
}

void TestStreamCompressor::names()
{
    QCOMPARE(toString(ContentCoding::Brotli), std::string_view("br"));
    QCOMPARE(contentCodingFromString("x-gzip"), std::optional(ContentCoding::Gzip));
    QCOMPARE(contentCodingFromString("deflate"), std::optional(ContentCoding::Deflate));
    QVERIFY(!contentCodingFromString("zstd"));
}

void TestStreamCompressor::identityRefused()
{
    QVERIFY(!StreamCompressor::create(ContentCoding::Identity).ok());
}

void TestStreamCompressor::writeAfterFinish()
{
    auto s = StreamCompressor::create(ContentCoding::Gzip);
    QVERIFY(s.ok());
    std::string out;
    QVERIFY((*s)->finish(out).ok());
    QVERIFY(!(*s)->write("late", out).ok());
    QVERIFY((*s)->finish(out).ok());
}

QTEST_GUILESS_MAIN(TestStreamCompressor)
#include "tst_streamcompressor.moc"
