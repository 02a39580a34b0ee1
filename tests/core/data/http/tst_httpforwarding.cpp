// SPDX-License-Identifier: Apache-2.0
// Forwarding header rules (§11 rows 27–33, 36) and the serializer round trip.

#include "httptestdriver.h"

#include "data/http/httpforwarding.h"
#include "data/http/httpserializer.h"

#include <QTest>

using namespace switchyard;
using namespace switchyard::test;

namespace {

HttpRequestHead parseOne(const std::string &input, const HttpLimits &limits = {})
{
    Recorder recorder;
    HttpRequestParser parser(recorder, limits);
    const auto r = parser.feed(input);
    if (r.status == HttpFeedStatus::Error || recorder.requests.size() != 1)
        qFatal("test input did not parse: %s", parser.error().reason.c_str());
    return recorder.requests[0];
}

QString headerText(const HttpHeaders &headers)
{
    QStringList lines;
    for (const auto &f : headers.fields())
        lines << QString::fromStdString(f.name + ": " + f.value);
    return lines.join(QLatin1Char('|'));
}

const ForwardingContext Peer{"198.51.100.9", "http"};

} // namespace

class TestHttpForwarding : public QObject
{
    Q_OBJECT

private slots:
    void upstreamRequest_data();
    void upstreamRequest();
    void upstreamSerialized();
    void clientResponse_data();
    void clientResponse();
    void roundTrip_data();
    void roundTrip();
    void serializerSanitizes();
    void chunkEncoding();
};

void TestHttpForwarding::upstreamRequest_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("proto");
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("headers");

    QTest::newRow("plain GET") << QByteArray("GET /a HTTP/1.1\r\nHost: app.example\r\nAccept: */*\r\n\r\n") << "http" << "/a"
                               << "Host: app.example|Accept: */*|X-Forwarded-For: 198.51.100.9|X-Forwarded-Proto: http|X-Forwarded-Host: app.example";
    QTest::newRow("27 XFF appended") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 203.0.113.7\r\n\r\n") << "http" << "/"
                                     << "Host: h|X-Forwarded-For: 203.0.113.7, 198.51.100.9|X-Forwarded-Proto: http|X-Forwarded-Host: h";
    QTest::newRow("27 two XFF lines merged") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-For: 203.0.113.7\r\nx-forwarded-for: 10.0.0.1, 10.0.0.2\r\n\r\n") << "http" << "/"
                                             << "Host: h|X-Forwarded-For: 203.0.113.7, 10.0.0.1, 10.0.0.2, 198.51.100.9|X-Forwarded-Proto: http|X-Forwarded-Host: h";
    QTest::newRow("28 XFP appended with our scheme") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-Proto: https\r\n\r\n") << "http" << "/"
                                                     << "Host: h|X-Forwarded-For: 198.51.100.9|X-Forwarded-Proto: https, http|X-Forwarded-Host: h";
    QTest::newRow("XFP https listener") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\n\r\n") << "https" << "/"
                                        << "Host: h|X-Forwarded-For: 198.51.100.9|X-Forwarded-Proto: https|X-Forwarded-Host: h";
    QTest::newRow("XFH kept when sent") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nX-Forwarded-Host: orig.example\r\n\r\n") << "http" << "/"
                                        << "Host: h|X-Forwarded-Host: orig.example|X-Forwarded-For: 198.51.100.9|X-Forwarded-Proto: http";
    QTest::newRow("29 Connection cannot delete our XFF") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nConnection: close, X-Forwarded-For\r\nX-Forwarded-For: 6.6.6.6\r\n\r\n") << "http" << "/"
                                                         << "Host: h|X-Forwarded-For: 198.51.100.9|X-Forwarded-Proto: http|X-Forwarded-Host: h";
    QTest::newRow("30 Connection-named field removed") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, X-Hop-Secret\r\nX-Hop-Secret: s\r\nX-Kept: k\r\n\r\n") << "http" << "/"
                                                       << "Host: h|X-Kept: k|X-Forwarded-For: 198.51.100.9|X-Forwarded-Proto: http|X-Forwarded-Host: h";
    QTest::newRow("31 h2c dropped") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n") << "http" << "/"
                                    << "Host: h|X-Forwarded-For: 198.51.100.9|X-Forwarded-Proto: http|X-Forwarded-Host: h";
    QTest::newRow("31 h2c on a second Upgrade line") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nConnection: upgrade\r\nUpgrade: websocket\r\nUpgrade: h2c\r\nSec-WebSocket-Key: k\r\n\r\n") << "http" << "/"
                                                     << "Host: h|Sec-WebSocket-Key: k|Connection: upgrade|Upgrade: websocket|X-Forwarded-For: 198.51.100.9|X-Forwarded-Proto: http|X-Forwarded-Host: h";
    QTest::newRow("32 websocket kept") << QByteArray("GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\r\n") << "http" << "/ws"
                                       << "Host: h|Sec-WebSocket-Version: 13|Connection: upgrade|Upgrade: websocket|X-Forwarded-For: 198.51.100.9|X-Forwarded-Proto: http|X-Forwarded-Host: h";
    QTest::newRow("33 hop-by-hop fields") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nKeep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\nTE: gzip\r\nTrailer: X\r\nProxy-Authorization: Basic eA==\r\nA: 1\r\n\r\n") << "http" << "/"
                                          << "Host: h|A: 1|X-Forwarded-For: 198.51.100.9|X-Forwarded-Proto: http|X-Forwarded-Host: h";
    QTest::newRow("36 absolute-form rebuilds Host") << QByteArray("GET http://app.internal:8080/p?q HTTP/1.1\r\nHost: public.example\r\n\r\n") << "http" << "/p?q"
                                                    << "Host: app.internal:8080|X-Forwarded-For: 198.51.100.9|X-Forwarded-Proto: http|X-Forwarded-Host: app.internal:8080";
    QTest::newRow("chunked re-framed") << QByteArray("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n") << "http" << "/"
                                       << "Host: h|Transfer-Encoding: chunked|X-Forwarded-For: 198.51.100.9|X-Forwarded-Proto: http|X-Forwarded-Host: h";
    QTest::newRow("content-length re-framed") << QByteArray("POST / HTTP/1.1\r\ncontent-length: 3\r\nHost: h\r\nConnection: content-length\r\n\r\n") << "http" << "/"
                                              << "Host: h|Content-Length: 3|X-Forwarded-For: 198.51.100.9|X-Forwarded-Proto: http|X-Forwarded-Host: h";
    QTest::newRow("Host nominated by Connection is rebuilt") << QByteArray("GET / HTTP/1.1\r\nHost: h\r\nConnection: host\r\n\r\n") << "http" << "/"
                                                             << "Host: h|X-Forwarded-For: 198.51.100.9|X-Forwarded-Proto: http|X-Forwarded-Host: h";
    QTest::newRow("expect kept") << QByteArray("PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n") << "http" << "/"
                                 << "Host: h|Expect: 100-continue|Content-Length: 1|X-Forwarded-For: 198.51.100.9|X-Forwarded-Proto: http|X-Forwarded-Host: h";
}

void TestHttpForwarding::upstreamRequest()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, proto);
    QFETCH(QString, target);
    QFETCH(QString, headers);
    const HttpRequestHead head = parseOne(input.toStdString());
    const HttpRequestHead out = HttpForwarding::prepareUpstreamRequest(head, ForwardingContext{Peer.clientIp, proto.toStdString()});
    QCOMPARE(QString::fromStdString(out.target), target);
    QCOMPARE(out.version, HttpVersion::Http11);
    QCOMPARE(headerText(out.headers), headers);
    // The last XFF value is always the real peer.
    QCOMPARE(out.headers.tokens("x-forwarded-for").back(), Peer.clientIp);
    QCOMPARE(out.headers.tokens("x-forwarded-proto").back(), proto.toStdString());
    QVERIFY(!out.headers.hasToken("upgrade", "h2c"));
}

void TestHttpForwarding::upstreamSerialized()
{
    const HttpRequestHead head = parseOne("GET http://a.example/x HTTP/1.0\r\nHost: b\r\nConnection: keep-alive\r\n\r\n");
    QCOMPARE(HttpSerializer::requestHead(HttpForwarding::prepareUpstreamRequest(head, Peer)),
             std::string("GET /x HTTP/1.1\r\nHost: a.example\r\nX-Forwarded-For: 198.51.100.9\r\n"
                         "X-Forwarded-Proto: http\r\nX-Forwarded-Host: a.example\r\n\r\n"));
}

void TestHttpForwarding::clientResponse_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("method");
    QTest::addColumn<bool>("client10");
    QTest::addColumn<QString>("headers");
    QTest::addColumn<QString>("framing");

    QTest::newRow("upstream error code stripped") << QByteArray("HTTP/1.1 500 Oops\r\nSwitchyard-Error-Code: ERR_SWITCHYARD_8012\r\nswitchyard-error-code: x\r\nContent-Length: 0\r\n\r\n") << "GET" << false
                                                  << "Content-Length: 0" << "cl=0";
    QTest::newRow("hop-by-hop stripped") << QByteArray("HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Internal\r\nX-Internal: 1\r\nKeep-Alive: timeout=4\r\nProxy-Authenticate: Basic\r\nServer: s\r\nContent-Length: 2\r\n\r\n") << "GET" << false
                                         << "Server: s|Content-Length: 2" << "cl=2";
    QTest::newRow("chunked stays chunked") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: Etag\r\n\r\n") << "GET" << false
                                           << "Transfer-Encoding: chunked" << "chunked";
    QTest::newRow("until-close becomes chunked") << QByteArray("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n") << "GET" << false
                                                 << "Content-Type: text/plain|Transfer-Encoding: chunked" << "chunked";
    QTest::newRow("chunked to a 1.0 client closes") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n") << "GET" << true
                                                    << "Connection: close" << "until-close";
    QTest::newRow("HEAD keeps Content-Length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n") << "HEAD" << false
                                               << "Content-Length: 42" << "none";
    QTest::newRow("204 drops Content-Length") << QByteArray("HTTP/1.1 204 No Content\r\nContent-Length: 42\r\n\r\n") << "GET" << false
                                              << "" << "none";
}

void TestHttpForwarding::clientResponse()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, method);
    QFETCH(bool, client10);
    QFETCH(QString, headers);
    QFETCH(QString, framing);
    Recorder recorder;
    HttpResponseParser parser(recorder);
    parser.expectResponse(method.toStdString());
    QVERIFY(parser.feed(input.toStdString()).status != HttpFeedStatus::Error);
    QCOMPARE(recorder.responses.size(), std::size_t(1));
    const HttpResponseHead out = HttpForwarding::prepareClientResponse(
        recorder.responses[0], client10 ? HttpVersion::Http10 : HttpVersion::Http11);
    QCOMPARE(headerText(out.headers), headers);
    QCOMPARE(framingText(out.framing, out.contentLength), framing);
    QVERIFY(!out.headers.contains("switchyard-error-code"));
}

void TestHttpForwarding::roundTrip_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::newRow("simple") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    QTest::newRow("case and padding") << QByteArray("POST /x?y HTTP/1.0\r\nhOsT:   a.example:81  \r\nX-Empty:\r\nContent-Length: 3\r\n\r\nabc");
    QTest::newRow("absolute-form") << QByteArray("GET http://a.example/p HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n");
    QTest::newRow("chunked, expect") << QByteArray("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    QTest::newRow("websocket") << QByteArray("GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
    QTest::newRow("obs-text value") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nX: caf\xc3\xa9\r\n\r\n");
}

void TestHttpForwarding::roundTrip()
{
    QFETCH(QByteArray, input);
    const HttpRequestHead first = parseOne(input.toStdString());
    const HttpRequestHead second = parseOne(HttpSerializer::requestHead(first));
    QCOMPARE(second.method, first.method);
    QCOMPARE(second.target, first.target);
    QCOMPARE(second.version, first.version);
    QVERIFY(second.headers == first.headers);
    QCOMPARE(second.framing, first.framing);
    QCOMPARE(second.contentLength, first.contentLength);
    QCOMPARE(second.keepAlive, first.keepAlive);
    QCOMPARE(second.upgrade, first.upgrade);
    QCOMPARE(second.expectContinue, first.expectContinue);
    QCOMPARE(second.authority, first.authority);
}

void TestHttpForwarding::serializerSanitizes()
{
    HttpRequestHead head;
    head.method = "GET";
    head.target = "/a b\r\nX: y";
    head.headers.append("Host", "h");
    head.headers.append("Bad Name", "v");
    head.headers.append("X-Injected", "v\r\nTransfer-Encoding: chunked");
    QCOMPARE(HttpSerializer::requestHead(head),
             std::string("GET /a%20b%0D%0AX:%20y HTTP/1.1\r\nHost: h\r\nX-Injected: v  Transfer-Encoding: chunked\r\n\r\n"));
    HttpResponseHead response;
    response.status = 200;
    response.reason = "OK\r\nSet-Cookie: x";
    QCOMPARE(HttpSerializer::responseHead(response), std::string("HTTP/1.1 200 OK  Set-Cookie: x\r\n\r\n"));

    // Values are copied eight bytes at a time: a line break at every
    // position of a word, and at its edges, must still become a space.
    for (std::size_t at = 0; at < 40; ++at) {
        for (char breaker : {'\r', '\n', '\0'}) {
            std::string value(40, 'a');
            value[at] = breaker;
            std::string expected(40, 'a');
            expected[at] = ' ';
            HttpResponseHead edited;
            edited.status = 204;
            edited.reason = "No Content";
            edited.headers.append("X-Long", value);
            QCOMPARE(HttpSerializer::responseHead(edited),
                     "HTTP/1.1 204 No Content\r\nX-Long: " + expected + "\r\n\r\n");
        }
    }
}

void TestHttpForwarding::chunkEncoding()
{
    std::string out;
    HttpSerializer::appendChunk(out, "hello");
    HttpSerializer::appendChunk(out, "");
    HttpSerializer::appendChunk(out, std::string(26, 'z'));
    HttpHeaders trailers;
    trailers.append("Etag", "1");
    HttpSerializer::appendLastChunk(out, trailers);
    QCOMPARE(out, std::string("5\r\nhello\r\n1a\r\n") + std::string(26, 'z') + "\r\n0\r\nEtag: 1\r\n\r\n");

    // What we encode, we parse back identically.
    const std::string request = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + out;
    QCOMPARE(runRequest(request, Split::Random),
             QStringLiteral("REQ POST / chunked ka=1|BODY hello%1|TRAILERS Etag=1|END|OK").arg(QString(26, QLatin1Char('z'))));
}

QTEST_APPLESS_MAIN(TestHttpForwarding)
#include "tst_httpforwarding.moc"
