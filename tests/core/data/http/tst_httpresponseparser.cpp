// SPDX-License-Identifier: Apache-2.0
// Response parser: framing that depends on the request (HEAD, 1xx, 204,
// 304, 101), until-close bodies and the upstream errors of §11 row 45.

#include "httptestdriver.h"

#include <QTest>

using namespace switchyard;
using namespace switchyard::test;

class TestHttpResponseParser : public QObject
{
    Q_OBJECT

private slots:
    void rows_data();
    void rows();
    void fields();
};

void TestHttpResponseParser::rows_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QStringList>("methods");
    QTest::addColumn<bool>("upgradeRequested");
    QTest::addColumn<bool>("eof");
    QTest::addColumn<QString>("expected");

    const QStringList get{"GET"};
    QTest::newRow("content-length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc") << get << false << false << "RESP 200 cl=3 ka=1|BODY abc|END|OK";
    QTest::newRow("chunked with trailers") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n0\r\nEtag: 1\r\n\r\n") << get << false << false << "RESP 200 chunked ka=1|BODY abc|TRAILERS Etag=1|END|OK";
    QTest::newRow("HEAD ignores Content-Length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx") << QStringList{"HEAD", "GET"} << false << false << "RESP 200 none ka=1|END|RESP 200 cl=1 ka=1|BODY x|END|OK";
    QTest::newRow("HEAD ignores chunked") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n") << QStringList{"HEAD"} << false << false << "RESP 200 none ka=1|END|OK";
    // llhttp 8.1.0 would read a body here; RFC 9110 §15.3.5 says there is none.
    QTest::newRow("204 with Content-Length has no body") << QByteArray("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx") << QStringList{"GET", "GET"} << false << false << "RESP 204 none ka=1|END|RESP 200 cl=1 ka=1|BODY x|END|OK";
    QTest::newRow("304 has no body") << QByteArray("HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n") << get << false << false << "RESP 304 none ka=1|END|OK";
    QTest::newRow("until close") << QByteArray("HTTP/1.1 200 OK\r\n\r\nhello, world") << get << false << true << "RESP 200 until-close ka=0|BODY hello, world|END|CLOSED";
    QTest::newRow("until close without eof") << QByteArray("HTTP/1.1 200 OK\r\n\r\nhello") << get << false << false << "RESP 200 until-close ka=0|BODY hello|OK";
    QTest::newRow("1.0 response closes") << QByteArray("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx") << get << false << false << "RESP 200 cl=1 ka=0|BODY x|END|CLOSED";
    QTest::newRow("1.0 keep-alive") << QByteArray("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nx") << get << false << false << "RESP 200 cl=1 ka=1|BODY x|END|OK";
    QTest::newRow("Connection: close") << QByteArray("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nxHTTP/1.1") << get << false << false << "RESP 200 cl=1 ka=0|BODY x|END|CLOSED";
    QTest::newRow("100 then 200") << QByteArray("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n") << QStringList{"POST"} << false << false << "RESP 100 none ka=1|END|RESP 200 cl=0 ka=1|END|OK";
    QTest::newRow("103 then 200") << QByteArray("HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok") << get << false << false << "RESP 103 none ka=1|END|RESP 200 cl=2 ka=1|BODY ok|END|OK";
    QTest::newRow("101 to an upgrade request") << QByteArray("HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n\x81\x02hi") << get << true << false << "RESP 101 none ka=1 upgrade|END|UPGRADED \x81\x02hi";
    QTest::newRow("200 to an upgrade request") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nno") << get << true << false << "RESP 200 cl=2 ka=1|BODY no|END|OK";
    QTest::newRow("pipelined responses") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 404 Not Found\r\nContent-Length: 1\r\n\r\nb") << QStringList{"GET", "GET"} << false << false << "RESP 200 cl=1 ka=1|BODY a|END|RESP 404 cl=1 ka=1|BODY b|END|OK";
    QTest::newRow("empty reason") << QByteArray("HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n") << get << false << false << "RESP 200 cl=0 ka=1|END|OK";
    QTest::newRow("no reason") << QByteArray("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n") << get << false << false << "RESP 200 cl=0 ka=1|END|OK";
    // Row 45 and friends: all 502.
    QTest::newRow("45 not HTTP") << QByteArray("garbage\r\n\r\n") << get << false << false << "ERROR 502";
    QTest::newRow("45 two different CL") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab") << get << false << false << "ERROR 502";
    QTest::newRow("CL + TE") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") << get << false << false << "ERROR 502";
    QTest::newRow("TE gzip") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxx") << get << false << false << "ERROR 502";
    QTest::newRow("status 099") << QByteArray("HTTP/1.1 099 OK\r\nContent-Length: 0\r\n\r\n") << get << false << false << "ERROR 502";
    QTest::newRow("status 2000") << QByteArray("HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n") << get << false << false << "ERROR 502";
    QTest::newRow("HTTP/2.0 status line") << QByteArray("HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n") << get << false << false << "ERROR 502";
    QTest::newRow("obs-fold") << QByteArray("HTTP/1.1 200 OK\r\nX: a\r\n b\r\nContent-Length: 0\r\n\r\n") << get << false << false << "ERROR 502";
    QTest::newRow("101 without upgrade request") << QByteArray("HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n") << get << false << false << "ERROR 502";
    QTest::newRow("101 to h2c") << QByteArray("HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: h2c\r\n\r\n") << get << true << false << "ERROR 502";
    QTest::newRow("101 without Connection: upgrade") << QByteArray("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n") << get << true << false << "ERROR 502";
    QTest::newRow("unsolicited response") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n") << QStringList{} << false << false << "ERROR 502";
    QTest::newRow("second response unsolicited") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n") << get << false << false << "RESP 200 cl=0 ka=1|END|ERROR 502";
    QTest::newRow("truncated body at eof") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc") << get << false << true << "RESP 200 cl=10 ka=1|BODY abc|ERROR 502";
    QTest::newRow("bad chunk") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n") << get << false << false << "RESP 200 chunked ka=1|ERROR 502";
}

void TestHttpResponseParser::rows()
{
    QFETCH(QByteArray, input);
    QFETCH(QStringList, methods);
    QFETCH(bool, upgradeRequested);
    QFETCH(bool, eof);
    QFETCH(QString, expected);
    const std::string bytes = input.toStdString();
    QCOMPARE(runResponse(bytes, methods, Split::Whole, eof, upgradeRequested), expected);
    QCOMPARE(runResponse(bytes, methods, Split::ByteByByte, eof, upgradeRequested), expected);
    QCOMPARE(runResponse(bytes, methods, Split::Random, eof, upgradeRequested), expected);
}

void TestHttpResponseParser::fields()
{
    Recorder recorder;
    HttpResponseParser parser(recorder);
    parser.expectResponse("HEAD");
    QCOMPARE(parser.feed("HTTP/1.1 404 Not  Found\r\nContent-Length: 42\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n").status,
             HttpFeedStatus::Ok);
    QCOMPARE(recorder.responses.size(), std::size_t(1));
    const auto &head = recorder.responses[0];
    QCOMPARE(head.status, 404);
    QCOMPARE(head.reason, std::string("Not  Found"));
    QCOMPARE(head.framing, HttpBodyFraming::None);
    QCOMPARE(head.contentLength, std::uint64_t(42));
    QCOMPARE(head.headers.values("set-cookie").size(), std::size_t(2));
}

QTEST_APPLESS_MAIN(TestHttpResponseParser)
#include "tst_httpresponseparser.moc"
