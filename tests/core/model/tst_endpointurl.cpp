// SPDX-License-Identifier: Apache-2.0
#include "model/endpointurl.h"
#include "model/idgenerator.h"
#include "model/upstream.h"

#include <QTest>

using namespace switchyard;

class TestEndpointUrl : public QObject
{
    Q_OBJECT

private slots:
    void validUrls_data();
    void validUrls();
    void invalidUrls_data();
    void invalidUrls();
    void bindings_data();
    void bindings();
    void upstreams_data();
    void upstreams();
    void invalidUpstreams_data();
    void invalidUpstreams();
    void ids();
    void hostPort();
};

void TestEndpointUrl::validUrls_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("canonical");
    QTest::addColumn<int>("port");
    QTest::addColumn<bool>("internal");

    QTest::newRow("https internal") << "https://example.internal" << "https://example.internal" << 443 << true;
    QTest::newRow("http internal") << "http://example.internal" << "http://example.internal" << 80 << true;
    QTest::newRow("tls internal") << "tls://example.internal" << "tls://example.internal" << 443 << true;
    QTest::newRow("tls internal port") << "tls://example.internal:12345" << "tls://example.internal:12345" << 12345 << true;
    QTest::newRow("tcp internal port") << "tcp://example.internal:12345" << "tcp://example.internal:12345" << 12345 << true;
    QTest::newRow("explicit port") << "https://example.internal:12345" << "https://example.internal:12345" << 12345 << true;
    QTest::newRow("default port dropped") << "https://example.internal:443" << "https://example.internal" << 443 << true;
    QTest::newRow("http default dropped") << "http://a.internal:80" << "http://a.internal" << 80 << true;
    QTest::newRow("port 1") << "https://a.internal:1" << "https://a.internal:1" << 1 << true;
    QTest::newRow("port 65535") << "https://a.internal:65535" << "https://a.internal:65535" << 65535 << true;
    QTest::newRow("subdomains") << "https://example.foo.bar.internal" << "https://example.foo.bar.internal" << 443 << true;
    QTest::newRow("five labels") << "https://a.b.c.d.e.internal" << "https://a.b.c.d.e.internal" << 443 << true;
    QTest::newRow("wildcard") << "https://*.foo.internal" << "https://*.foo.internal" << 443 << true;
    QTest::newRow("wildcard deep") << "https://*.a.b.c.internal" << "https://*.a.b.c.internal" << 443 << true;
    QTest::newRow("upper-case lowered") << "HTTPS://Example.INTERNAL" << "https://example.internal" << 443 << true;
    QTest::newRow("no scheme means https") << "foo.internal" << "https://foo.internal" << 443 << true;
    QTest::newRow("hyphens") << "https://my-api-2.internal" << "https://my-api-2.internal" << 443 << true;
    QTest::newRow("digits label") << "https://123.internal" << "https://123.internal" << 443 << true;
    QTest::newRow("63-char label") << "https://" + QString(63, 'a') + ".internal" << "https://" + QString(63, 'a') + ".internal" << 443 << true;
    QTest::newRow("public localhost") << "https://app.localhost" << "https://app.localhost" << 443 << false;
    QTest::newRow("public domain") << "https://example.com" << "https://example.com" << 443 << false;
    QTest::newRow("public explicit port") << "http://127.0.0.1:19090" << "http://127.0.0.1:19090" << 19090 << false;
    QTest::newRow("public ipv6") << "http://[::1]:8080" << "http://[::1]:8080" << 8080 << false;
    QTest::newRow("public tcp no port") << "tcp://db.localhost" << "tcp://db.localhost" << 0 << false;
    QTest::newRow("public wildcard") << "https://*.example.com" << "https://*.example.com" << 443 << false;
    QTest::newRow("public localhost bare") << "http://localhost" << "http://localhost" << 80 << false;
    QTest::newRow("not internal suffix lookalike") << "https://api.internalx" << "https://api.internalx" << 443 << false;
}

void TestEndpointUrl::validUrls()
{
    QFETCH(QString, input);
    QFETCH(QString, canonical);
    QFETCH(int, port);
    QFETCH(bool, internal);
    auto url = EndpointUrl::parse(input.toStdString());
    QVERIFY2(url.ok(), url.ok() ? "" : url.message().c_str());
    QCOMPARE(QString::fromStdString(url->toString()), canonical);
    QCOMPARE(url->port(), port);
    QCOMPARE(url->isInternal(), internal);
    // The canonical form parses back to the same URL.
    auto again = EndpointUrl::parse(url->toString());
    QVERIFY(again.ok());
    QVERIFY(*again == *url);
}

void TestEndpointUrl::invalidUrls_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("message");

    QTest::newRow("empty") << "" << "URL is empty";
    QTest::newRow("ftp scheme") << "ftp://a.internal" << "scheme 'ftp' is not supported; use http, https, tcp or tls";
    QTest::newRow("ws scheme") << "ws://a.internal" << "scheme 'ws' is not supported; use http, https, tcp or tls";
    QTest::newRow("no host") << "https://" << "URL 'https://' has no hostname; a hostname is required";
    QTest::newRow("no host port") << "https://:8080" << "URL 'https://:8080' has no hostname; a hostname is required";
    QTest::newRow("path") << "https://a.internal/api" << "URL 'https://a.internal/api' has a path '/api'; an endpoint URL is only scheme://host[:port] (use url-rewrite for paths)";
    QTest::newRow("trailing slash") << "https://a.internal/" << "URL 'https://a.internal/' must not end with '/'; an endpoint URL is only scheme://host[:port]";
    QTest::newRow("query") << "https://a.internal?x=1" << "URL 'https://a.internal?x=1' has a query string; an endpoint URL is only scheme://host[:port]";
    QTest::newRow("fragment") << "https://a.internal#top" << "URL 'https://a.internal#top' has a fragment; an endpoint URL is only scheme://host[:port]";
    QTest::newRow("credentials") << "https://user:pw@a.internal" << "URL 'https://user:pw@a.internal' contains credentials ('user@'); use the basic-auth action instead";
    QTest::newRow("port zero") << "https://a.internal:0" << "port 0 is out of range; use 1-65535";
    QTest::newRow("port too big") << "https://a.internal:65536" << "port 65536 is out of range; use 1-65535";
    QTest::newRow("port huge") << "https://a.internal:99999999" << "port 99999999 is out of range; use 1-65535";
    QTest::newRow("port not number") << "https://a.internal:http" << "port 'http' is not a number";
    QTest::newRow("port negative") << "https://a.internal:-1" << "port '-1' is not a number";
    QTest::newRow("port empty") << "https://a.internal:" << "the port after ':' is empty";
    QTest::newRow("tcp internal without port") << "tcp://db.internal" << "tcp URL 'tcp://db.internal' needs a port, as in tcp://db.internal:5432";
    QTest::newRow("six labels") << "https://a.b.c.d.e.f.internal" << "internal hostname 'a.b.c.d.e.f.internal' has 6 labels before '.internal'; at most 5 are allowed";
    QTest::newRow("six labels wildcard") << "https://*.b.c.d.e.f.internal" << "internal hostname '*.b.c.d.e.f.internal' has 6 labels before '.internal'; at most 5 are allowed";
    QTest::newRow("bare internal") << "https://.internal" << "hostname '.internal' has an empty label (two dots in a row or a leading dot)";
    QTest::newRow("internal alone") << "https://internal" << "'internal' alone is not a hostname; internal endpoints look like 'api.internal'";
    QTest::newRow("wildcard internal") << "https://*.internal" << "internal hostname '*.internal' needs a name before '.internal', as in 'api.internal'";
    QTest::newRow("wildcard middle") << "https://a.*.internal" << "a wildcard '*' is only allowed as the leftmost label, as in '*.example.internal'";
    QTest::newRow("wildcard partial") << "https://api-*.internal" << "label 'api-*' contains '*'; a wildcard must be a whole leftmost label, as in '*.example.internal'";
    QTest::newRow("wildcard alone") << "https://*" << "a wildcard needs a domain after it, as in '*.example.internal'";
    QTest::newRow("underscore") << "https://my_api.internal" << "label 'my_api' contains an underscore; hostnames may use only letters, digits and '-'";
    QTest::newRow("bad char") << "https://my!api.internal" << "label 'my!api' contains '!'; hostnames may use only letters, digits and '-'";
    QTest::newRow("leading hyphen") << "https://-api.internal" << "label '-api' must not start or end with '-'";
    QTest::newRow("trailing hyphen") << "https://api-.internal" << "label 'api-' must not start or end with '-'";
    QTest::newRow("double dot") << "https://a..b.internal" << "hostname 'a..b.internal' has an empty label (two dots in a row or a leading dot)";
    QTest::newRow("trailing dot") << "https://a.internal." << "hostname must not end with '.'";
    QTest::newRow("64-char label") << "https://" + QString(64, 'a') + ".internal" << "label '" + QString(64, 'a') + "' is 64 characters long; at most 63 are allowed per label";
    QTest::newRow("254-char host") << "https://" + QString(60, 'a') + "." + QString(60, 'b') + "." + QString(60, 'c') + "." + QString(60, 'd') + ".com" << "hostname is 247 characters long; at most 253 are allowed";
    QTest::newRow("space") << "https://a b.internal" << "URL 'https://a b.internal' contains whitespace or a control character";
    QTest::newRow("tab") << "https://a.internal\t" << "URL 'https://a.internal\t' contains whitespace or a control character";
    QTest::newRow("ipv6 unclosed") << "http://[::1" << "URL 'http://[::1' has an IPv6 address without its closing ']'";
    QTest::newRow("ipv6 unbracketed") << "http://::1:80" << "URL 'http://::1:80' has several ':'; write IPv6 addresses in brackets, as in http://[::1]:8080";
    QTest::newRow("ipv6 invalid") << "http://[zz::1]" << "'zz::1' is not a valid IPv6 address";
}

void TestEndpointUrl::invalidUrls()
{
    QFETCH(QString, input);
    QFETCH(QString, message);
    if (QTest::currentDataTag() == QByteArray("254-char host")) {
        // 4×60 + 4 dots + "com" = 247: valid length. Build a real 254 instead.
        const QString host = QString(63, 'a') + "." + QString(63, 'b') + "." + QString(63, 'c') + "." + QString(61, 'd') + ".com";
        input = "https://" + host;
        message = QString("hostname is %1 characters long; at most 253 are allowed").arg(host.size());
        QVERIFY(host.size() > 253);
    }
    auto url = EndpointUrl::parse(input.toStdString());
    QVERIFY2(!url.ok(), qPrintable("accepted: " + input));
    QCOMPARE(QString::fromStdString(url.message()), message);
}

void TestEndpointUrl::bindings_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("requested");
    QTest::addColumn<QString>("expected"); // binding, or the error message

    QTest::newRow("infer internal") << "https://example.internal" << "" << "internal";
    QTest::newRow("infer public") << "https://app.localhost" << "" << "public";
    QTest::newRow("explicit internal") << "https://example.internal" << "internal" << "internal";
    QTest::newRow("explicit public") << "https://app.localhost" << "public" << "public";
    QTest::newRow("public on internal host")
        << "https://example.internal" << "public"
        << "binding 'public' cannot be used with 'example.internal': hostnames ending in '.internal' are always internal";
    QTest::newRow("internal on public host")
        << "https://app.localhost" << "internal"
        << "binding 'internal' needs a hostname ending in '.internal', but the URL has 'app.localhost'";
}

void TestEndpointUrl::bindings()
{
    QFETCH(QString, url);
    QFETCH(QString, requested);
    QFETCH(QString, expected);
    auto parsed = EndpointUrl::parse(url.toStdString());
    QVERIFY(parsed.ok());
    std::optional<Binding> req;
    if (!requested.isEmpty())
        req = bindingFromString(requested.toStdString());
    auto binding = EndpointUrl::resolveBinding(*parsed, req);
    if (binding.ok())
        QCOMPARE(QString::fromUtf8(toString(*binding).data()), expected);
    else
        QCOMPARE(QString::fromStdString(binding.message()), expected);
}

void TestEndpointUrl::upstreams_data()
{
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("normalised");

    QTest::newRow("port") << "https" << "8080" << "http://localhost:8080";
    QTest::newRow("port 443 is https") << "https" << "443" << "https://localhost:443";
    QTest::newRow("host:port") << "http" << "localhost:1234" << "http://localhost:1234";
    QTest::newRow("host:443") << "http" << "localhost:443" << "https://localhost:443";
    QTest::newRow("http url") << "https" << "http://127.0.0.1:3000" << "http://127.0.0.1:3000";
    QTest::newRow("https url") << "https" << "https://localhost:1234" << "https://localhost:1234";
    QTest::newRow("https no port") << "https" << "https://example.org" << "https://example.org:443";
    QTest::newRow("http no port") << "http" << "http://example.org" << "http://example.org:80";
    QTest::newRow("domain only") << "https" << "example.org" << "http://example.org:80";
    QTest::newRow("scheme only") << "https" << "https://" << "https://localhost:443";
    QTest::newRow("trailing slash ok") << "https" << "http://localhost:8080/" << "http://localhost:8080";
    QTest::newRow("ipv6") << "http" << "[::1]:8080" << "http://[::1]:8080";
    QTest::newRow("upper case host") << "http" << "LocalHost:8080" << "http://localhost:8080";
    QTest::newRow("tcp port") << "tcp" << "5432" << "tcp://localhost:5432";
    QTest::newRow("tcp host:port") << "tcp" << "127.0.0.1:22" << "tcp://127.0.0.1:22";
    QTest::newRow("tcp url") << "tcp" << "tcp://127.0.0.1:80" << "tcp://127.0.0.1:80";
    QTest::newRow("tls host:port") << "tls" << "localhost:8443" << "tcp://localhost:8443";
    QTest::newRow("tls re-encrypt") << "tls" << "tls://localhost:8443" << "tls://localhost:8443";
}

void TestEndpointUrl::upstreams()
{
    QFETCH(QString, scheme);
    QFETCH(QString, input);
    QFETCH(QString, normalised);
    auto up = Upstream::parse(input.toStdString(), *schemeFromString(scheme.toStdString()));
    QVERIFY2(up.ok(), up.ok() ? "" : up.message().c_str());
    QCOMPARE(QString::fromStdString(up->toString()), normalised);
}

void TestEndpointUrl::invalidUpstreams_data()
{
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("message");

    QTest::newRow("empty") << "http" << "" << "upstream is empty; give a port (8080), host:port or a URL";
    QTest::newRow("port 0") << "http" << "0" << "upstream '0' has port 0, out of range; use 1-65535";
    QTest::newRow("port big") << "http" << "70000" << "upstream '70000' has port 70000, out of range; use 1-65535";
    QTest::newRow("bad port") << "http" << "localhost:abc" << "upstream 'localhost:abc' has port 'abc', which is not a number";
    QTest::newRow("empty port") << "http" << "localhost:" << "upstream 'localhost:' has an empty port after ':'";
    QTest::newRow("path") << "http" << "http://localhost:8080/api" << "upstream 'http://localhost:8080/api' has a path; give only scheme://host:port";
    QTest::newRow("tcp url on http") << "http" << "tcp://localhost:80" << "upstream 'tcp://localhost:80' is a tcp URL, but an http endpoint forwards HTTP; use http://host:port or https://host:port";
    QTest::newRow("http url on tcp") << "tcp" << "http://localhost:80" << "upstream 'http://localhost:80' is an http URL, but a tcp endpoint forwards raw bytes; use host:port or tcp://host:port";
    QTest::newRow("tcp needs port") << "tcp" << "localhost" << "upstream 'localhost' needs a port: a tcp endpoint forwards to host:port, as in localhost:5432";
    QTest::newRow("tls needs port") << "tls" << "tcp://db" << "upstream 'tcp://db' needs a port: a tls endpoint forwards to host:port, as in localhost:5432";
    QTest::newRow("unknown scheme") << "http" << "ftp://x:21" << "upstream 'ftp://x:21' has scheme 'ftp'; use http, https, tcp or tls";
    QTest::newRow("bad host") << "http" << "my_host:80" << "upstream 'my_host:80': label 'my_host' contains an underscore; hostnames may use only letters, digits and '-'";
    QTest::newRow("space") << "http" << "local host:80" << "upstream 'local host:80' contains whitespace or a control character";
}

void TestEndpointUrl::invalidUpstreams()
{
    QFETCH(QString, scheme);
    QFETCH(QString, input);
    QFETCH(QString, message);
    auto up = Upstream::parse(input.toStdString(), *schemeFromString(scheme.toStdString()));
    QVERIFY2(!up.ok(), qPrintable("accepted: " + input));
    QCOMPARE(QString::fromStdString(up.message()), message);
}

void TestEndpointUrl::ids()
{
    const std::string a = IdGenerator::endpointId();
    const std::string b = IdGenerator::endpointId();
    QVERIFY(a != b);
    QCOMPARE(a.size(), std::size_t(3 + 26));
    QVERIFY(IdGenerator::looksLike(a, "ep_"));
    QVERIFY(!IdGenerator::looksLike("ep_short", "ep_"));
    QVERIFY(!IdGenerator::looksLike("ep_abcdefghijklmnopqrstuvwxyz", "ep_")); // lower case is not the alphabet
}

void TestEndpointUrl::hostPort()
{
    QCOMPARE(EndpointUrl::parse("https://a.internal")->hostPort(), std::string("a.internal:443"));
    QCOMPARE(EndpointUrl::parse("tcp://a.internal:5432")->hostPort(), std::string("a.internal:5432"));
    QCOMPARE(EndpointUrl::parse("http://[::1]:81")->hostPort(), std::string("[::1]:81"));
    QCOMPARE(EndpointUrl::parse("https://*.a.internal")->wildcardSuffix(), std::string_view("a.internal"));
}

QTEST_APPLESS_MAIN(TestEndpointUrl)
#include "tst_endpointurl.moc"
