// SPDX-License-Identifier: Apache-2.0
// compress-response: Accept-Encoding negotiation (RFC 9110 §12.5.3), skip
// rules and the header changes.
#include <QObject>
#include <QTest>

#include "data/http/httpheaders.h"
#include "policy/runtime/responsecompressor.h"

using namespace switchyard;

class TestResponseCompressor : public QObject
{
    Q_OBJECT

private slots:
    void negotiate_data();
    void negotiate();
    void serverOrderBreaksTies();
    void absentHeader();
    void plan_data();
    void plan();
    void multipleAcceptEncodingLines();
    void applyHeaders();
    void varyNotDuplicated();
    void refusedConfig();
};

void TestResponseCompressor::negotiate_data()
{
    QTest::addColumn<QString>("accept");
    QTest::addColumn<QString>("chosen");
    QTest::newRow("empty") << "" << "identity";
    QTest::newRow("gzip") << "gzip" << "gzip";
    QTest::newRow("br") << "br" << "br";
    QTest::newRow("tie goes to config order") << "br, gzip" << "gzip";
    QTest::newRow("q prefers br") << "gzip;q=0.5, br" << "br";
    QTest::newRow("q decimals") << "br;q=0.9, gzip;q=0.85" << "br";
    QTest::newRow("q three decimals") << "gzip;q=0.501, br;q=0.5" << "gzip";
    QTest::newRow("all refused") << "gzip;q=0, deflate;q=0, br;q=0" << "identity";
    QTest::newRow("wildcard") << "*" << "gzip";
    QTest::newRow("wildcard minus gzip") << "*;q=0.1, gzip;q=0" << "deflate";
    QTest::newRow("identity preferred") << "identity;q=1, gzip;q=0.5" << "identity";
    QTest::newRow("identity refused") << "identity;q=0, deflate" << "deflate";
    QTest::newRow("upper case") << "GZIP;Q=1" << "gzip";
    QTest::newRow("x-gzip") << "x-gzip" << "gzip";
    QTest::newRow("spaces") << "  deflate ; q=0.8 ,gzip ;q=0.2" << "deflate";
    QTest::newRow("invalid q ignored") << "gzip;q=1.5" << "identity";
    QTest::newRow("invalid q text ignored") << "gzip;q=high, deflate;q=0.1" << "deflate";
    QTest::newRow("compress never chosen") << "compress" << "identity";
    QTest::newRow("unknown coding") << "zstd" << "identity";
    QTest::newRow("other params kept") << "gzip;level=1;q=0.2, br;q=0.1" << "gzip";
}

void TestResponseCompressor::negotiate()
{
    QFETCH(QString, accept);
    QFETCH(QString, chosen);
    auto c = ResponseCompressor::create({});
    QVERIFY(c.ok());
    const std::string value = accept.toStdString();
    QCOMPARE(QString::fromUtf8(toString(c->negotiate(std::string_view(value))).data()), chosen);
}

void TestResponseCompressor::serverOrderBreaksTies()
{
    auto c = ResponseCompressor::create({"br", "gzip"});
    QVERIFY(c.ok());
    QCOMPARE(toString(c->negotiate(std::string_view("gzip, br"))), toString(ContentCoding::Brotli));
    auto onlyDeflate = ResponseCompressor::create({"deflate"});
    QVERIFY(onlyDeflate.ok());
    QCOMPARE(toString(onlyDeflate->negotiate(std::string_view("gzip, br"))), toString(ContentCoding::Identity));
}

void TestResponseCompressor::absentHeader()
{
    auto c = ResponseCompressor::create({});
    QVERIFY(c.ok());
    QCOMPARE(toString(c->negotiate(std::nullopt)), toString(ContentCoding::Identity));
}

void TestResponseCompressor::plan_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<int>("status");
    QTest::addColumn<QStringList>("responseHeaders");
    QTest::addColumn<QString>("coding");
    QTest::addColumn<bool>("already");
    QTest::addColumn<bool>("vary");
    QTest::addColumn<QString>("reason");
    const QStringList html{"Content-Type", "text/html; charset=utf-8"};
    QTest::newRow("html") << "GET" << 200 << html << "br" << false << true << "";
    QTest::newRow("json big") << "POST" << 201 << QStringList{"Content-Type", "application/json", "Content-Length", "5000"}
                              << "br" << false << true << "";
    QTest::newRow("problem+json") << "GET" << 500 << QStringList{"Content-Type", "application/problem+json"} << "br"
                                  << false << true << "";
    QTest::newRow("head") << "HEAD" << 200 << html << "identity" << false << false
                          << "the response has no body to compress";
    QTest::newRow("204") << "GET" << 204 << html << "identity" << false << false
                         << "the response has no body to compress";
    QTest::newRow("304") << "GET" << 304 << html << "identity" << false << false
                         << "the response has no body to compress";
    QTest::newRow("206") << "GET" << 206 << html << "identity" << false << false
                         << "the response has no body to compress";
    QTest::newRow("already gzip") << "GET" << 200 << (html + QStringList{"Content-Encoding", "gzip"}) << "identity"
                                  << true << false << "the response is already encoded (gzip)";
    QTest::newRow("identity encoding is not encoded") << "GET" << 200
                                                      << (html + QStringList{"Content-Encoding", "identity"}) << "br"
                                                      << false << true << "";
    QTest::newRow("no-transform") << "GET" << 200 << (html + QStringList{"Cache-Control", "public, no-transform"})
                                  << "identity" << false << false << "cache-control: no-transform";
    QTest::newRow("png") << "GET" << 200 << QStringList{"Content-Type", "image/png"} << "identity" << false << false
                         << "content type image/png is not compressible";
    QTest::newRow("no type") << "GET" << 200 << QStringList{} << "identity" << false << false
                             << "the response has no content type";
    QTest::newRow("small") << "GET" << 200 << (html + QStringList{"Content-Length", "100"}) << "identity" << false
                           << false << "the body is smaller than 256 bytes";
}

void TestResponseCompressor::plan()
{
    QFETCH(QString, method);
    QFETCH(int, status);
    QFETCH(QStringList, responseHeaders);
    QFETCH(QString, coding);
    QFETCH(bool, already);
    QFETCH(bool, vary);
    QFETCH(QString, reason);
    auto c = ResponseCompressor::create({"br", "gzip"});
    QVERIFY(c.ok());
    HttpHeaders request;
    request.append("Accept-Encoding", "gzip, deflate, br");
    HttpHeaders response;
    for (qsizetype i = 0; i + 1 < responseHeaders.size(); i += 2)
        response.append(responseHeaders[i].toStdString(), responseHeaders[i + 1].toStdString());
    const auto p = c->plan(method.toStdString(), request, status, response);
    QCOMPARE(QString::fromUtf8(toString(p.coding).data()), coding);
    QCOMPARE(p.alreadyCompressed, already);
    QCOMPARE(p.vary, vary);
    QCOMPARE(QString::fromStdString(p.skipReason), reason);
}

void TestResponseCompressor::multipleAcceptEncodingLines()
{
    auto c = ResponseCompressor::create({});
    QVERIFY(c.ok());
    HttpHeaders request;
    request.append("Accept-Encoding", "gzip;q=0.2");
    request.append("Accept-Encoding", "br");
    HttpHeaders response;
    response.append("Content-Type", "text/plain");
    QCOMPARE(toString(c->plan("GET", request, 200, response).coding), toString(ContentCoding::Brotli));
    HttpHeaders none;
    const auto p = c->plan("GET", none, 200, response);
    QCOMPARE(toString(p.coding), toString(ContentCoding::Identity));
    QVERIFY(p.vary); // caches must still key on Accept-Encoding
    QCOMPARE(p.skipReason, std::string("the client accepts none of the configured codings"));
}

void TestResponseCompressor::applyHeaders()
{
    HttpHeaders h;
    h.append("Content-Type", "text/html");
    h.append("Content-Length", "5000");
    h.append("Accept-Ranges", "bytes");
    h.append("ETag", "\"abc\"");
    h.append("Vary", "Origin");
    ResponseCompressor::Plan p;
    p.coding = ContentCoding::Gzip;
    p.vary = true;
    ResponseCompressor::applyHeaders(p, h);
    QVERIFY(!h.contains("content-length"));
    QVERIFY(!h.contains("accept-ranges"));
    QCOMPARE(h.value("content-encoding").value_or(""), std::string_view("gzip"));
    QCOMPARE(h.value("etag").value_or(""), std::string_view("W/\"abc\""));
    QCOMPARE(h.tokens("vary"), (std::vector<std::string>{"origin", "accept-encoding"}));

    HttpHeaders identity;
    identity.append("Content-Length", "5000");
    ResponseCompressor::Plan varyOnly;
    varyOnly.vary = true;
    ResponseCompressor::applyHeaders(varyOnly, identity);
    QCOMPARE(identity.value("content-length").value_or(""), std::string_view("5000"));
    QCOMPARE(identity.value("vary").value_or(""), std::string_view("Accept-Encoding"));
    QVERIFY(!identity.contains("content-encoding"));
}

void TestResponseCompressor::varyNotDuplicated()
{
    HttpHeaders h;
    h.append("Vary", "accept-encoding");
    h.append("ETag", "W/\"weak\"");
    ResponseCompressor::Plan p;
    p.coding = ContentCoding::Brotli;
    p.vary = true;
    ResponseCompressor::applyHeaders(p, h);
    QCOMPARE(h.count("vary"), std::size_t(1));
    QCOMPARE(h.value("etag").value_or(""), std::string_view("W/\"weak\""));
    HttpHeaders star;
    star.append("Vary", "*");
    ResponseCompressor::applyHeaders(p, star);
    QCOMPARE(star.count("vary"), std::size_t(1));
}

void TestResponseCompressor::refusedConfig()
{
    QVERIFY(!ResponseCompressor::create({"zstd"}).ok());
    QVERIFY(!ResponseCompressor::create({"gzip", "gzip"}).ok());
    QVERIFY(!ResponseCompressor::create({"identity"}).ok());
    QVERIFY(ResponseCompressor::create({"compress"}).ok());
}

QTEST_GUILESS_MAIN(TestResponseCompressor)
#include "tst_responsecompressor.moc"
