// SPDX-License-Identifier: Apache-2.0
// Request parser: proxy-hardening §11 rows 1–21, 34–37 as raw bytes, each
// fed whole, byte by byte and in random splits; the transcript must not
// depend on the split.

#include "httptestdriver.h"

#include "data/http/httperrorresponse.h"

#include <QTest>

using namespace switchyard;
using namespace switchyard::test;

namespace {

template<std::size_t N>
QByteArray raw(const char (&text)[N])
{
    return QByteArray(text, static_cast<qsizetype>(N - 1)); // keeps embedded NULs
}

const char *const Chunked = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";

} // namespace

class TestHttpRequestParser : public QObject
{
    Q_OBJECT

private slots:
    void rows_data();
    void rows();
    void limits_data();
    void limits();
    void underscores();
    void authority_data();
    void authority();
    void headFields();
    void pauseAfterMessage();
    void closedIgnoresRest();
    void eofHandling();
    void errorResponse();
};

void TestHttpRequestParser::rows_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("expected");

    const QByteArray chunked(Chunked);

    // Row 1: CL + TE in both orders, a second request behind.
    QTest::newRow("1 CL then TE") << raw("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n") << "ERROR 400";
    QTest::newRow("1 TE then CL") << raw("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n") << "ERROR 400";
    // Row 2: TE not ending in chunked, repeated TE, unknown codings.
    QTest::newRow("2 xchunked + CL") << raw("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\nContent-Length: 3\r\n\r\nabc") << "ERROR 400";
    QTest::newRow("2 xchunked") << raw("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n") << "ERROR 400";
    QTest::newRow("2 chunked, identity") << raw("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n") << "ERROR 400";
    QTest::newRow("2 two TE lines") << raw("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") << "ERROR 400";
    QTest::newRow("2 two chunked lines") << raw("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") << "ERROR 400";
    QTest::newRow("2 chunked, chunked") << raw("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n") << "ERROR 400";
    QTest::newRow("2 gzip only") << raw("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n") << "ERROR 400";
    QTest::newRow("2 gzip, chunked (501)") << raw("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n") << "ERROR 501";
    QTest::newRow("2 empty TE") << raw("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \r\n\r\n") << "ERROR 400";
    // Row 3
    QTest::newRow("3 space before colon") << raw("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n") << "ERROR 400";
    QTest::newRow("3 tab before colon") << raw("GET / HTTP/1.1\r\nHost\t: a\r\n\r\n") << "ERROR 400";
    // Row 4: TE in HTTP/1.0.
    QTest::newRow("4 1.0 TE + CL") << raw("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc") << "ERROR 400";
    QTest::newRow("4 1.0 TE") << raw("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") << "ERROR 400";
    // Row 5: TE hidden behind a bare LF.
    QTest::newRow("5 bare LF hides TE") << raw("POST / HTTP/1.1\r\nHost: a\r\nX: a\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc") << "ERROR 400";
    // Row 6: bad Content-Length.
    QTest::newRow("6 two different CL") << raw("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd") << "ERROR 400";
    QTest::newRow("6 empty CL") << raw("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \r\n\r\n") << "ERROR 400";
    QTest::newRow("6 CL -1") << raw("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n") << "ERROR 400";
    QTest::newRow("6 CL +5") << raw("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\nabcde") << "ERROR 400";
    QTest::newRow("6 CL 2^64+5") << raw("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 18446744073709551621\r\n\r\n") << "ERROR 400";
    QTest::newRow("6 CL list") << raw("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6\r\n\r\nabcde") << "ERROR 400";
    QTest::newRow("6 CL hex") << raw("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x5\r\n\r\nabcde") << "ERROR 400";
    // Row 7: identical duplicates are refused too (documented choice).
    QTest::newRow("7 identical CL twice") << raw("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc") << "ERROR 400";
    // Row 8: obs-fold.
    QTest::newRow("8 obs-fold SP") << raw("GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n") << "ERROR 400";
    QTest::newRow("8 obs-fold HTAB") << raw("GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n\tb\r\n\r\n") << "ERROR 400";
    // Row 9: NUL / bare CR.
    QTest::newRow("9 NUL in value") << raw("GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n") << "ERROR 400";
    QTest::newRow("9 bare CR in value") << raw("GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n") << "ERROR 400";
    QTest::newRow("9 bare CR injecting a field") << raw("GET / HTTP/1.1\r\nHost: a\r\nX: a\rTransfer-Encoding: chunked\r\n\r\n") << "ERROR 400";
    QTest::newRow("9 NUL in target") << raw("GET /a\0b HTTP/1.1\r\nHost: a\r\n\r\n") << "ERROR 400";
    QTest::newRow("9 NUL in name") << raw("GET / HTTP/1.1\r\nHost: a\r\nX\0: a\r\n\r\n") << "ERROR 400";
    QTest::newRow("9 control char in value") << raw("GET / HTTP/1.1\r\nHost: a\r\nX: a\x01z\r\n\r\n") << "ERROR 400";
    QTest::newRow("9 DEL in value") << raw("GET / HTTP/1.1\r\nHost: a\r\nX: a\x7fz\r\n\r\n") << "ERROR 400";
    // Row 10
    QTest::newRow("10 space-prefixed first field") << raw("GET / HTTP/1.1\r\n Host: a\r\n\r\n") << "ERROR 400";
    QTest::newRow("10 whitespace-only line") << raw("GET / HTTP/1.1\r\nHost: a\r\n \r\n\r\n") << "ERROR 400";
    // Row 11
    QTest::newRow("11 no colon") << raw("GET / HTTP/1.1\r\nHost: a\r\nFoo\r\n\r\n") << "ERROR 400";
    QTest::newRow("11 empty name") << raw("GET / HTTP/1.1\r\nHost: a\r\n: x\r\n\r\n") << "ERROR 400";
    // Row 12: LF-only framing.
    QTest::newRow("12 LF-only request") << raw("GET / HTTP/1.1\nHost: a\n\n") << "ERROR 400";
    QTest::newRow("12 LF before request line") << raw("\nGET / HTTP/1.1\r\nHost: a\r\n\r\n") << "ERROR 400";
    QTest::newRow("12 LF-only chunk lines") << chunked + "3\nabc\n0\n\n" << "REQ POST / chunked ka=1|ERROR 400";
    QTest::newRow("12 LF inside chunk extension") << chunked + "3;a\nb\r\nabc\r\n0\r\n\r\n" << "REQ POST / chunked ka=1|ERROR 400";
    QTest::newRow("12 bare CR inside chunk extension") << chunked + "3;a=b\rc\r\nabc\r\n0\r\n\r\n" << "REQ POST / chunked ka=1|ERROR 400";
    QTest::newRow("12 LF after chunk data") << chunked + "3\r\nabc\n0\r\n\r\n" << "REQ POST / chunked ka=1|BODY abc|ERROR 400";
    // Row 13: bad chunk sizes.
    QTest::newRow("13 chunk size zz") << chunked + "zz\r\nabc\r\n0\r\n\r\n" << "REQ POST / chunked ka=1|ERROR 400";
    QTest::newRow("13 chunk size 17 hex digits") << chunked + "10000000000000003\r\nabc\r\n0\r\n\r\n" << "REQ POST / chunked ka=1|ERROR 400";
    QTest::newRow("13 chunk size 0x5") << chunked + "0x5\r\nabcde\r\n0\r\n\r\n" << "REQ POST / chunked ka=1|ERROR 400";
    QTest::newRow("13 chunk size with space") << chunked + "3 \r\nabc\r\n0\r\n\r\n" << "REQ POST / chunked ka=1|ERROR 400";
    QTest::newRow("13 negative chunk size") << chunked + "-3\r\nabc\r\n0\r\n\r\n" << "REQ POST / chunked ka=1|ERROR 400";
    QTest::newRow("13 data without CRLF") << chunked + "3\r\nabcX\r\n0\r\n\r\n" << "REQ POST / chunked ka=1|BODY abc|ERROR 400";
    QTest::newRow("13 truncated at eof stays incomplete") << chunked + "5\r\nab" << "REQ POST / chunked ka=1|BODY ab|OK";
    // Row 14: trailers.
    QTest::newRow("14 trailer without colon") << chunked + "1\r\na\r\n0\r\nfoo\r\n\r\n" << "REQ POST / chunked ka=1|BODY a|ERROR 400";
    QTest::newRow("14 obs-fold trailer") << chunked + "1\r\na\r\n0\r\nX: 1\r\n 2\r\n\r\n" << "REQ POST / chunked ka=1|BODY a|ERROR 400";
    QTest::newRow("14 bare LF trailer") << chunked + "1\r\na\r\n0\r\nX: 1\n\r\n" << "REQ POST / chunked ka=1|BODY a|ERROR 400";
    // Row 15
    QTest::newRow("15 1.1 without Host") << raw("GET / HTTP/1.1\r\n\r\n") << "ERROR 400";
    QTest::newRow("15 two Host") << raw("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") << "ERROR 400";
    QTest::newRow("15 two identical Host") << raw("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n") << "ERROR 400";
    QTest::newRow("15 invalid Host") << raw("GET / HTTP/1.1\r\nHost: a b\r\n\r\n") << "ERROR 400";
    QTest::newRow("15 Host with userinfo") << raw("GET / HTTP/1.1\r\nHost: u@a\r\n\r\n") << "ERROR 400";
    QTest::newRow("15 Host with bad port") << raw("GET / HTTP/1.1\r\nHost: a:99999\r\n\r\n") << "ERROR 400";
    QTest::newRow("15 1.0 without Host is parsed") << raw("GET / HTTP/1.0\r\n\r\n") << "REQ GET / none ka=0 1.0|END|CLOSED";
    // Row 16: method / target characters.
    QTest::newRow("16 G(ET") << raw("G(ET / HTTP/1.1\r\nHost: a\r\n\r\n") << "ERROR 400";
    QTest::newRow("16 unknown method 501") << raw("FOO / HTTP/1.1\r\nHost: a\r\n\r\n") << "ERROR 501";
    QTest::newRow("16 lower-case method 501") << raw("get / HTTP/1.1\r\nHost: a\r\n\r\n") << "ERROR 501";
    QTest::newRow("16 CONNECT 501") << raw("CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n") << "ERROR 501";
    QTest::newRow("16 double space") << raw("GET  / HTTP/1.1\r\nHost: a\r\n\r\n") << "ERROR 400";
    QTest::newRow("16 space in target") << raw("GET /a b HTTP/1.1\r\nHost: a\r\n\r\n") << "ERROR 400";
    QTest::newRow("16 8-bit byte in target") << raw("GET /a\xff HTTP/1.1\r\nHost: a\r\n\r\n") << "ERROR 400";
    QTest::newRow("16 fragment in target") << raw("GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n") << "ERROR 400";
    QTest::newRow("16 asterisk with GET") << raw("GET * HTTP/1.1\r\nHost: a\r\n\r\n") << "ERROR 400";
    QTest::newRow("16 OPTIONS asterisk") << raw("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n") << "REQ OPTIONS * none ka=1|END|OK";
    QTest::newRow("16 authority-form GET") << raw("GET a:80 HTTP/1.1\r\nHost: a\r\n\r\n") << "ERROR 400";
    QTest::newRow("16 ftp absolute-form") << raw("GET ftp://a/ HTTP/1.1\r\nHost: a\r\n\r\n") << "ERROR 400";
    // Row 17: versions.
    QTest::newRow("17 HTTP/0.9") << raw("GET /x\r\n\r\n") << "ERROR 400";
    QTest::newRow("17 HTTP/2.0") << raw("GET /x HTTP/2.0\r\nHost: a\r\n\r\n") << "ERROR 505";
    QTest::newRow("17 HTTP/1.2") << raw("GET /x HTTP/1.2\r\nHost: a\r\n\r\n") << "ERROR 505";
    QTest::newRow("17 HTTP/3.0") << raw("GET /x HTTP/3.0\r\nHost: a\r\n\r\n") << "ERROR 505";
    QTest::newRow("17 HTTP/1.x") << raw("GET /x HTTP/1.x\r\nHost: a\r\n\r\n") << "ERROR 400";
    QTest::newRow("17 http/1.1") << raw("GET /x http/1.1\r\nHost: a\r\n\r\n") << "ERROR 400";
    QTest::newRow("17 PRI preface") << raw("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") << "ERROR 505";
    // Row 18: pipelining.
    QTest::newRow("18 two GETs") << raw("GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n") << "REQ GET /a none ka=1|END|REQ GET /b none ka=1|END|OK";
    QTest::newRow("18 POST then GET") << raw("POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nabGET /b HTTP/1.1\r\nHost: a\r\n\r\n") << "REQ POST /a cl=2 ka=1|BODY ab|END|REQ GET /b none ka=1|END|OK";
    QTest::newRow("18 chunked then GET then partial") << chunked + "2\r\nxy\r\n0\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\nGET /c HT" << "REQ POST / chunked ka=1|BODY xy|END|REQ GET /b none ka=1|END|OK";
    QTest::newRow("18 leading empty line ignored") << raw("\r\nGET /a HTTP/1.1\r\nHost: a\r\n\r\n") << "REQ GET /a none ka=1|END|OK";
    QTest::newRow("18 bad second request") << raw("GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\nX : y\r\n\r\n") << "REQ GET /a none ka=1|END|ERROR 400";
    // Row 19
    QTest::newRow("19 Expect 100-continue") << raw("POST /u HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\ntest") << "REQ POST /u cl=4 ka=1 expect|BODY test|END|OK";
    QTest::newRow("19 Expect ignored in 1.0") << raw("POST /u HTTP/1.0\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx") << "REQ POST /u cl=1 ka=0 1.0|BODY x|END|CLOSED";
    QTest::newRow("19 other expectation") << raw("POST /u HTTP/1.1\r\nHost: a\r\nExpect: something\r\nContent-Length: 1\r\n\r\nx") << "REQ POST /u cl=1 ka=1|BODY x|END|OK";
    // Chunked bodies with extensions and trailers.
    QTest::newRow("chunked with extensions and trailers") << chunked + "5;name=value;q=\"quoted; string\"\r\nhello\r\nA\r\n0123456789\r\n0;last\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n" << "REQ POST / chunked ka=1|BODY hello0123456789|TRAILERS X-Checksum=abc;X-Other=1|END|OK";
    QTest::newRow("forbidden trailers dropped") << chunked + "1\r\na\r\n0\r\nContent-Length: 5\r\nHost: evil\r\nTransfer-Encoding: chunked\r\nX-Ok: 1\r\nAuthorization: x\r\n\r\n" << "REQ POST / chunked ka=1|BODY a|TRAILERS X-Ok=1|END|OK";
    QTest::newRow("only forbidden trailers") << chunked + "0\r\nConnection: close\r\n\r\n" << "REQ POST / chunked ka=1|END|OK";
    QTest::newRow("underscore trailer dropped") << chunked + "0\r\nX_Y: 1\r\nX-Z: 2\r\n\r\n" << "REQ POST / chunked ka=1|TRAILERS X-Z=2|END|OK";
    QTest::newRow("chunked upper-case hex") << chunked + "A\r\n0123456789\r\n0\r\n\r\n" << "REQ POST / chunked ka=1|BODY 0123456789|END|OK";
    QTest::newRow("TE upper-case CHUNKED") << raw("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: CHUNKED\r\n\r\n0\r\n\r\n") << "REQ POST / chunked ka=1|END|OK";
    QTest::newRow("CL 0") << raw("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n") << "REQ POST / cl=0 ka=1|END|OK";
    // Keep-alive rules.
    QTest::newRow("1.1 Connection: close") << raw("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n") << "REQ GET / none ka=0|END|CLOSED";
    QTest::newRow("1.0 keep-alive") << raw("GET / HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\nGET /2 HTTP/1.0\r\n\r\n") << "REQ GET / none ka=1 1.0|END|REQ GET /2 none ka=0 1.0|END|CLOSED";
    QTest::newRow("1.0 keep-alive, close") << raw("GET / HTTP/1.0\r\nHost: a\r\nConnection: keep-alive, close\r\n\r\n") << "REQ GET / none ka=0 1.0|END|CLOSED";
    // Upgrades (rows 31, 32).
    QTest::newRow("32 websocket upgrade") << raw("GET /ws HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: x\r\n\r\n\x81\x05hello") << "REQ GET /ws none ka=1 upgrade|END|UPGRADED \x81\x05hello";
    QTest::newRow("31 h2c upgrade ignored") << raw("GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n") << "REQ GET / none ka=1|END|REQ GET /2 none ka=1|END|OK";
    QTest::newRow("32 upgrade over 1.0 ignored") << raw("GET / HTTP/1.0\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n") << "REQ GET / none ka=0 1.0|END|CLOSED";
    QTest::newRow("32 upgrade with body ignored") << raw("POST / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: websocket\r\nContent-Length: 1\r\n\r\nx") << "REQ POST / cl=1 ka=1|BODY x|END|OK";
    // Row 36/37: absolute-form is parsed (routing decides).
    QTest::newRow("36 absolute-form") << raw("GET http://app.internal/x?y HTTP/1.1\r\nHost: public.example\r\n\r\n") << "REQ GET http://app.internal/x?y none ka=1|END|OK";

    // Field bytes are scanned eight at a time: a forbidden byte must be
    // caught at every offset of a word, and allowed ones must pass.
    for (int at = 0; at < 24; ++at) {
        const auto withByte = [at](char c) {
            QByteArray value(24, 'v');
            value[at] = c;
            return QByteArray("GET / HTTP/1.1\r\nHost: a\r\nX-Long: ") + value + "\r\n\r\n";
        };
        QTest::addRow("control 0x01 at %d", at) << withByte('\x01') << "ERROR 400";
        QTest::addRow("DEL at %d", at) << withByte('\x7f') << "ERROR 400";
        QTest::addRow("NUL at %d", at) << withByte('\0') << "ERROR 400";
        QTest::addRow("bare LF at %d", at) << withByte('\n') << "ERROR 400";
        QTest::addRow("tab at %d", at) << withByte('\t') << "REQ GET / none ka=1|END|OK";
        QTest::addRow("obs-text at %d", at) << withByte('\xe9') << "REQ GET / none ka=1|END|OK";
    }
}

void TestHttpRequestParser::rows()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, expected);
    const std::string bytes = input.toStdString();
    QCOMPARE(runRequest(bytes, Split::Whole), expected);
    QCOMPARE(runRequest(bytes, Split::ByteByByte), expected);
    QCOMPARE(runRequest(bytes, Split::Random), expected);
}

void TestHttpRequestParser::limits_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<qulonglong>("maxBody");
    QTest::addColumn<QString>("expected");

    const QByteArray big(1024 * 1024 + 10, 'a');
    // Row 20
    QTest::newRow("20 header above 1 MiB") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nX-Big: ") + big + "\r\n\r\n" << 0ULL << "ERROR 431";
    QTest::newRow("20 target above 1 MiB") << QByteArray("GET /") + big + " HTTP/1.1\r\nHost: a\r\n\r\n" << 0ULL << "ERROR 414";
    QTest::newRow("target of 8 KiB ok") << QByteArray("GET /") + QByteArray(8191, 'b') + " HTTP/1.1\r\nHost: a\r\n\r\n" << 0ULL << QStringLiteral("REQ GET /%1 none ka=1|END|OK").arg(QString(8191, QLatin1Char('b')));
    QTest::newRow("target of 8 KiB + 1") << QByteArray("GET /") + QByteArray(8192, 'b') + " HTTP/1.1\r\nHost: a\r\n\r\n" << 0ULL << "ERROR 414";
    // Row 21: ~3000 tiny lines (≈ 18 KB) stay under 64 KiB; only the count catches them.
    QByteArray tiny("GET / HTTP/1.1\r\nHost: a\r\n");
    for (int i = 0; i < 3000; ++i)
        tiny += "a: b\r\n";
    QTest::newRow("21 thousands of tiny headers") << tiny + "\r\n" << 0ULL << "ERROR 431";
    QByteArray hundred("GET / HTTP/1.1\r\nHost: a\r\n");
    for (int i = 0; i < 99; ++i)
        hundred += "a: b\r\n";
    QTest::newRow("exactly 100 headers ok") << hundred + "\r\n" << 0ULL << "REQ GET / none ka=1|END|OK";
    QTest::newRow("101 headers") << hundred + "c: d\r\n\r\n" << 0ULL << "ERROR 431";
    // Head of exactly 64 KiB passes, one byte more does not.
    const QByteArray prefix("GET / HTTP/1.1\r\nHost: a\r\nX: ");
    const qsizetype fill = 64 * 1024 - prefix.size() - 4;
    QTest::newRow("head of exactly 64 KiB") << prefix + QByteArray(fill, 'v') + "\r\n\r\n" << 0ULL << "REQ GET / none ka=1|END|OK";
    QTest::newRow("head of 64 KiB + 1") << prefix + QByteArray(fill + 1, 'v') + "\r\n\r\n" << 0ULL << "ERROR 431";
    // Row 26: body limit.
    QTest::newRow("26 CL above max body") << QByteArray("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world") << 10ULL << "ERROR 413";
    QTest::newRow("CL at max body") << QByteArray("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789") << 10ULL << "REQ POST / cl=10 ka=1|BODY 0123456789|END|OK";
    QTest::newRow("26 chunked above max body") << QByteArray(Chunked) + "6\r\nabcdef\r\n5\r\nghijk\r\n0\r\n\r\n" << 10ULL << "REQ POST / chunked ka=1|BODY abcdef|ERROR 413";
    QTest::newRow("chunked at max body") << QByteArray(Chunked) + "6\r\nabcdef\r\n4\r\nghij\r\n0\r\n\r\n" << 10ULL << "REQ POST / chunked ka=1|BODY abcdefghij|END|OK";
    QTest::newRow("long chunk extension") << QByteArray(Chunked) + "1;" + QByteArray(5000, 'e') + "\r\na\r\n0\r\n\r\n" << 0ULL << "REQ POST / chunked ka=1|ERROR 400";
    QByteArray manyTrailers = QByteArray(Chunked) + "0\r\n";
    for (int i = 0; i < 101; ++i)
        manyTrailers += "t: 1\r\n";
    QTest::newRow("too many trailers") << manyTrailers + "\r\n" << 0ULL << "REQ POST / chunked ka=1|ERROR 431";
}

void TestHttpRequestParser::limits()
{
    QFETCH(QByteArray, input);
    QFETCH(qulonglong, maxBody);
    QFETCH(QString, expected);
    HttpLimits limits;
    limits.maxBodySize = maxBody;
    const std::string bytes = input.toStdString();
    QCOMPARE(runRequest(bytes, Split::Whole, limits), expected);
    QCOMPARE(runRequest(bytes, Split::Random, limits), expected);
    if (bytes.size() < 100000)
        QCOMPARE(runRequest(bytes, Split::ByteByByte, limits), expected);
}

void TestHttpRequestParser::underscores()
{
    // Row 34: dropped by default, refused when configured.
    const std::string input = "GET / HTTP/1.1\r\nHost: a\r\nX_Forwarded_For: 1.2.3.4\r\nX-Real: 1\r\n\r\n";
    Recorder recorder;
    HttpRequestParser parser(recorder);
    QCOMPARE(parser.feed(input).status, HttpFeedStatus::Ok);
    QCOMPARE(recorder.requests.size(), std::size_t(1));
    const auto &headers = recorder.requests[0].headers;
    QCOMPARE(headers.size(), std::size_t(2));
    QVERIFY(!headers.contains("x_forwarded_for"));
    QCOMPARE(headers.fields()[1].name, std::string("X-Real"));

    HttpLimits reject;
    reject.underscoreHeaders = UnderscoreHeaderAction::Reject;
    QCOMPARE(runRequest(input, Split::Whole, reject), QStringLiteral("ERROR 400"));
    QCOMPARE(runRequest(input, Split::ByteByByte, reject), QStringLiteral("ERROR 400"));
}

void TestHttpRequestParser::authority_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("authority");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("pathAndQuery");

    // Row 35: the router sees every spelling normalised the same way.
    QTest::newRow("35 plain") << QByteArray("GET / HTTP/1.1\r\nHost: app.internal\r\n\r\n") << "app.internal" << "app.internal" << 0 << "/";
    QTest::newRow("35 upper case, trailing dot") << QByteArray("GET / HTTP/1.1\r\nHost: APP.INTERNAL.\r\n\r\n") << "APP.INTERNAL." << "app.internal" << 0 << "/";
    QTest::newRow("35 with port") << QByteArray("GET / HTTP/1.1\r\nHost: app.internal:443\r\n\r\n") << "app.internal:443" << "app.internal" << 443 << "/";
    // Row 36: absolute-form authority wins over Host.
    QTest::newRow("36 absolute-form wins") << QByteArray("GET http://app.internal/x?y=1 HTTP/1.1\r\nHost: public.example\r\n\r\n") << "app.internal" << "app.internal" << 0 << "/x?y=1";
    QTest::newRow("36 absolute-form, no path") << QByteArray("GET HTTPS://Public.Example:8443 HTTP/1.1\r\nHost: x\r\n\r\n") << "Public.Example:8443" << "public.example" << 8443 << "/";
    QTest::newRow("36 absolute-form, query only") << QByteArray("GET http://a.example?q HTTP/1.1\r\nHost: a.example\r\n\r\n") << "a.example" << "a.example" << 0 << "/?q";
    // Row 37: another local port is exposed to the router, never dialled here.
    QTest::newRow("37 absolute-form to loopback port") << QByteArray("GET http://127.0.0.1:9999/ HTTP/1.1\r\nHost: public.example\r\n\r\n") << "127.0.0.1:9999" << "127.0.0.1" << 9999 << "/";
    QTest::newRow("IPv6 Host") << QByteArray("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n") << "[::1]:8080" << "::1" << 8080 << "/";
}

void TestHttpRequestParser::authority()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, authority);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, pathAndQuery);
    Recorder recorder;
    HttpRequestParser parser(recorder);
    QCOMPARE(parser.feed(input.toStdString()).status, HttpFeedStatus::Ok);
    QCOMPARE(recorder.requests.size(), std::size_t(1));
    const auto &head = recorder.requests[0];
    QCOMPARE(QString::fromStdString(head.authority), authority);
    QCOMPARE(QString::fromStdString(head.authorityHost), host);
    QCOMPARE(int(head.authorityPort), port);
    QCOMPARE(QString::fromStdString(head.pathAndQuery), pathAndQuery);
}

void TestHttpRequestParser::headFields()
{
    const std::string input = "PUT /p?q=1 HTTP/1.1\r\nHost: example.com\r\nX-Mixed-Case:   padded value \t\r\n"
                              "Accept: a\r\naccept: b\r\nContent-Length: 0\r\n\r\n";
    Recorder recorder;
    HttpRequestParser parser(recorder);
    QCOMPARE(parser.feed(input).status, HttpFeedStatus::Ok);
    QCOMPARE(recorder.requests.size(), std::size_t(1));
    const auto &head = recorder.requests[0];
    QCOMPARE(head.method, std::string("PUT"));
    QCOMPARE(head.target, std::string("/p?q=1"));
    QCOMPARE(head.version, HttpVersion::Http11);
    QCOMPARE(head.targetForm, HttpTargetForm::Origin);
    QCOMPARE(head.headers.size(), std::size_t(5));
    QCOMPARE(head.headers.fields()[1].name, std::string("X-Mixed-Case"));
    QCOMPARE(head.headers.fields()[1].lowerName, std::string("x-mixed-case"));
    QCOMPARE(head.headers.fields()[1].value, std::string("padded value"));
    QCOMPARE(head.headers.values("ACCEPT").size(), std::size_t(2));
    QCOMPARE(head.headers.tokens("accept"), (std::vector<std::string>{"a", "b"}));
    QCOMPARE(*head.headers.value("x-mixed-case"), std::string_view("padded value"));
}

void TestHttpRequestParser::pauseAfterMessage()
{
    const std::string input = "GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n";
    Recorder recorder;
    HttpRequestParser parser(recorder);
    parser.setPauseAfterMessage(true);
    auto r = parser.feed(input);
    QCOMPARE(r.status, HttpFeedStatus::Paused);
    QCOMPARE(r.consumed, std::size_t(28));
    QCOMPARE(recorder.events.join('|'), QStringLiteral("REQ GET /a none ka=1|END"));
    // While paused nothing is consumed.
    r = parser.feed(input.substr(28));
    QCOMPARE(r.status, HttpFeedStatus::Paused);
    QCOMPARE(r.consumed, std::size_t(0));
    parser.resume();
    r = parser.feed(input.substr(28));
    QCOMPARE(r.status, HttpFeedStatus::Paused);
    QCOMPARE(r.consumed, std::size_t(28));
    QCOMPARE(recorder.events.join('|'), QStringLiteral("REQ GET /a none ka=1|END|REQ GET /b none ka=1|END"));

    const QString expected = "REQ GET /a none ka=1|END|PAUSE|REQ GET /b none ka=1|END|PAUSE|OK";
    QCOMPARE(runRequest(input, Split::Whole, {}, true), expected);
    QCOMPARE(runRequest(input, Split::ByteByByte, {}, true), expected);
    QCOMPARE(runRequest(input, Split::Random, {}, true), expected);
}

void TestHttpRequestParser::closedIgnoresRest()
{
    const std::string input = "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /smuggled HTTP/1.1\r\n\r\n";
    Recorder recorder;
    HttpRequestParser parser(recorder);
    const auto r = parser.feed(input);
    QCOMPARE(r.status, HttpFeedStatus::Closed);
    QCOMPARE(r.consumed, std::size_t(46));
    QCOMPARE(recorder.requests.size(), std::size_t(1));
    QCOMPARE(parser.feed("GET / HTTP/1.1\r\n").consumed, std::size_t(0));
}

void TestHttpRequestParser::eofHandling()
{
    QCOMPARE(runRequest("GET / HTTP/1.1\r\nHost: a\r\n\r\n", Split::Whole, {}, false, true),
             QStringLiteral("REQ GET / none ka=1|END|CLOSED"));
    QCOMPARE(runRequest("GET / HTTP/1.1\r\nHost: a\r\n\r\n\r\n", Split::Whole, {}, false, true),
             QStringLiteral("REQ GET / none ka=1|END|CLOSED"));
    QCOMPARE(runRequest("GET / HTTP/1.1\r\nHost:", Split::Whole, {}, false, true), QStringLiteral("ERROR 400"));
    // Row 23: a truncated body never becomes a complete request.
    QCOMPARE(runRequest("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n12345", Split::Random, {}, false, true),
             QStringLiteral("REQ POST / cl=10 ka=1|BODY 12345|ERROR 400"));
    QCOMPARE(runRequest(std::string(Chunked) + "5\r\nab", Split::ByteByByte, {}, false, true),
             QStringLiteral("REQ POST / chunked ka=1|BODY ab|ERROR 400"));
}

void TestHttpRequestParser::errorResponse()
{
    // Row 17: even an HTTP/0.9 attempt gets an HTTP/1.1 status line.
    Recorder recorder;
    HttpRequestParser parser(recorder);
    QCOMPARE(parser.feed("GET /x\r\n").status, HttpFeedStatus::Error);
    const auto &error = parser.error();
    QCOMPARE(error.status, 400);
    QCOMPARE(error.reason, std::string("HTTP/0.9 requests are not supported"));
    QCOMPARE(HttpErrorResponse::build(error.status, error.reason, "ERR_SWITCHYARD_4000"),
             std::string("HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\ncontent-length: 36\r\n"
                         "connection: close\r\nswitchyard-error-code: ERR_SWITCHYARD_4000\r\n\r\n"
                         "HTTP/0.9 requests are not supported\n"));
    QCOMPARE(HttpErrorResponse::build(431, "too many header fields"),
             std::string("HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain\r\n"
                         "content-length: 23\r\nconnection: close\r\n\r\ntoo many header fields\n"));
}

QTEST_APPLESS_MAIN(TestHttpRequestParser)
#include "tst_httprequestparser.moc"
