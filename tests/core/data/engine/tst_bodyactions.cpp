// SPDX-License-Identifier: Apache-2.0
// Body-level traffic-policy actions on the data plane, over real sockets
// with testorigin upstreams: verify-webhook and request-body-find-replace
// (the request body buffered up to max_policy_body_size, 413 past it),
// response-body-find-replace (buffered, re-framed), compress-response
// (streamed gzip/deflate/br), a custom-response in on_http_response that
// replaces a large upstream body, and framing headers a policy cannot break.
#include "../../../support/rawhttpclient.h"

#include "control/endpointregistry.h"
#include "data/engine/engine.h"
#include "data/engine/policyruntime.h"
#include "policy/compile/policycompiler.h"
#include "policy/exec/policysimulator.h"

#include <QTest>

#include <brotli/decode.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <zlib.h>

#include <regex>

using namespace switchyard;

namespace {

constexpr std::size_t Cap = 64 * 1024;
const std::string Secret = "It's a Secret to Everybody";

Endpoint endpoint(const std::string &url, int upstreamPort, const std::string &policy)
{
    Endpoint e;
    e.name = url.substr(url.find("//") + 2, url.find('.') - url.find("//") - 2);
    e.accountId = Account::DefaultId;
    e.url = *EndpointUrl::parse(url);
    e.binding = *EndpointUrl::resolveBinding(e.url, std::nullopt);
    e.upstream = *Upstream::parse("127.0.0.1:" + std::to_string(upstreamPort), e.url.scheme());
    e.trafficPolicy = policy;
    return e;
}

std::string githubSignature(const std::string &body)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    HMAC(EVP_sha256(), Secret.data(), static_cast<int>(Secret.size()),
         reinterpret_cast<const unsigned char *>(body.data()), body.size(), mac, &size);
    static const char hex[] = "0123456789abcdef";
    std::string out = "sha256=";
    for (unsigned int i = 0; i < size; ++i) {
        out += hex[mac[i] >> 4];
        out += hex[mac[i] & 15];
    }
    return out;
}

std::string post(const std::string &host, const std::string &path, const std::string &body,
                 const std::string &extra = {})
{
    return "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: " + std::to_string(body.size())
           + "\r\n" + extra + "\r\n" + body;
}

std::string chunked(const std::string &body)
{
    std::string out;
    for (std::size_t i = 0; i < body.size(); i += 700) {
        const std::string piece = body.substr(i, 700);
        char size[16];
        std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
        out += size + piece + "\r\n";
    }
    return out + "0\r\n\r\n";
}

std::string get(const std::string &host, const std::string &path, const std::string &extra = {})
{
    return "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + extra + "\r\n";
}

std::string inflateAll(const std::string &in, bool gzip)
{
    z_stream zs{};
    inflateInit2(&zs, gzip ? 31 : 15);
    zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    std::string out;
    int rc = Z_OK;
    char buffer[8192];
    do {
        zs.next_out = reinterpret_cast<Bytef *>(buffer);
        zs.avail_out = sizeof buffer;
        rc = inflate(&zs, Z_NO_FLUSH);
        out.append(buffer, sizeof buffer - zs.avail_out);
    } while (rc == Z_OK);
    inflateEnd(&zs);
    return rc == Z_STREAM_END ? out : "<inflate error " + std::to_string(rc) + ">";
}

std::string unbrotli(const std::string &in)
{
    std::string out(std::size_t(1) << 24, '\0');
    std::size_t size = out.size();
    if (BrotliDecoderDecompress(in.size(), reinterpret_cast<const uint8_t *>(in.data()), &size,
                                reinterpret_cast<uint8_t *>(out.data()))
        != BROTLI_DECODER_RESULT_SUCCESS)
        return "<brotli error>";
    out.resize(size);
    return out;
}

int originRequests(const OriginProcess &origin)
{
    const std::string stats = origin.stats();
    return std::atoi(stats.c_str() + stats.find("requests=") + 9);
}

} // namespace

class TestBodyActions : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void webhookValidSignature();
    void webhookInvalidSignatureNeverReachesUpstream();
    void webhookChunkedWithExpectContinue();
    void bodyOverCapIs413_data();
    void bodyOverCapIs413();
    void requestFindReplace();
    void responseFindReplace_data();
    void responseFindReplace();
    void responseOverCapStreamsUnchanged();
    void compressResponse_data();
    void compressResponse();
    void findReplaceThenCompress();
    void noAcceptEncodingIsIdentity();
    void smallOrEncodedResponsesStayIdentity();
    void customResponseReplacesUpstreamBody_data();
    void customResponseReplacesUpstreamBody();
    void policyCannotBreakFraming();
    void customResponseContentTypeMatchesSimulator_data();
    void customResponseContentTypeMatchesSimulator();

private:
    std::unique_ptr<OriginProcess> m_origin;
    EndpointRegistry m_registry;
    std::unique_ptr<Engine> m_engine;
    int m_http = 0;
};

void TestBodyActions::initTestCase()
{
    m_origin = std::make_unique<OriginProcess>("A");
    QVERIFY(m_origin->port() > 0);
    const int a = m_origin->port();
    const std::string compress = "on_http_response:\n  - actions:\n"
                                 "      - type: add-headers\n        config: {headers: {content-type: text/plain}}\n"
                                 "      - type: compress-response\n";
    RegistryChange change;
    change.add = {
        endpoint("http://hook.localhost", a,
                 "on_http_request:\n  - actions:\n      - type: verify-webhook\n"
                 "        config: {provider: github, secret: \""
                     + Secret + "\"}\n"),
        endpoint("http://reqrw.localhost", a,
                 "on_http_request:\n  - actions:\n      - type: request-body-find-replace\n"
                 "        config: {replacements: [{from: \"password=[^&]*\", to: \"password=***\"}]}\n"),
        endpoint("http://resrw.localhost", a,
                 "on_http_response:\n  - actions:\n      - type: response-body-find-replace\n"
                 "        config: {replacements: [{from: \"abc\", to: \"<X>\"}, {from: \"xyz\"}]}\n"),
        endpoint("http://gzip.localhost", a, compress),
        endpoint("http://both.localhost", a,
                 "on_http_response:\n  - actions:\n"
                 "      - type: add-headers\n        config: {headers: {content-type: text/plain}}\n"
                 "      - type: compress-response\n        config: {algorithms: [gzip]}\n"
                 "      - type: response-body-find-replace\n"
                 "        config: {replacements: [{from: \"[a-m]\", to: \"-\"}]}\n"),
        endpoint("http://replace.localhost", a,
                 "on_http_response:\n  - expressions: [\"req.url.path.startsWith('/bytes/')\"]\n"
                 "    actions:\n      - type: custom-response\n"
                 "        config: {status_code: 203, body: replaced}\n"),
        endpoint("http://framing.localhost", a,
                 "on_http_response:\n  - actions:\n      - type: remove-headers\n"
                 "        config: {headers: [content-length, transfer-encoding]}\n"
                 "      - type: add-headers\n        config: {headers: {content-length: \"3\"}}\n"),
        endpoint("http://html.localhost", a,
                 "on_http_request:\n  - actions:\n      - type: custom-response\n"
                 "        config: {body: \"${req.url.query_params['b'][0]}\"}\n"),
    };
    const auto applied = m_registry.apply(change);
    QVERIFY2(applied.ok(), applied.ok() ? "" : applied.message().c_str());

    EngineOptions options;
    options.apiAddr.clear();
    options.edgeHttps.clear();
    options.edgeHttp = "127.0.0.1:0";
    options.workers = 2;
    options.limits.maxPolicyBodySize = Cap;
    m_engine = std::make_unique<Engine>(m_registry, options);
    m_engine->setPolicyHook(std::make_shared<PolicyRuntime>(m_registry));
    const auto started = m_engine->start();
    QVERIFY2(started.ok(), started.ok() ? "" : started.message().c_str());
    m_http = m_engine->edgeHttpPort();
    QVERIFY(m_http > 0);
}

void TestBodyActions::cleanupTestCase()
{
    m_engine.reset();
}

void TestBodyActions::webhookValidSignature()
{
    const std::string body = R"({"action":"opened","number":7})";
    RawConnection c(m_http);
    c.send(post("hook.localhost", "/echo", body, "X-Hub-Signature-256: " + githubSignature(body) + "\r\n"));
    const RawResponse r = c.readResponse();
    QVERIFY(r.ok);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, body);
    QCOMPARE(r.header("x-origin-name"), std::string("A"));
}

void TestBodyActions::webhookInvalidSignatureNeverReachesUpstream()
{
    const int before = originRequests(*m_origin);
    const std::string body = R"({"action":"opened"})";
    RawConnection c(m_http);
    c.send(post("hook.localhost", "/echo", body, "X-Hub-Signature-256: " + githubSignature(body + " ") + "\r\n"));
    const RawResponse bad = c.readResponse();
    QCOMPARE(bad.status, 403);
    QCOMPARE(bad.header("x-origin-name"), std::string());
    QVERIFY2(bad.body.starts_with("webhook verification failed"), bad.body.c_str());

    RawConnection d(m_http);
    d.send(post("hook.localhost", "/echo", body));
    QCOMPARE(d.readResponse().status, 403);
    QCOMPARE(originRequests(*m_origin), before); // testorigin does not count /_stats
}

void TestBodyActions::webhookChunkedWithExpectContinue()
{
    const std::string body = pattern(5000);
    RawConnection c(m_http);
    c.send("POST /headers HTTP/1.1\r\nHost: hook.localhost\r\nTransfer-Encoding: chunked\r\n"
           "Expect: 100-continue\r\nX-Hub-Signature-256: "
           + githubSignature(body) + "\r\n\r\n");
    const RawResponse cont = c.readResponse("POST");
    QCOMPARE(cont.status, 100);
    c.send(chunked(body));
    const RawResponse r = c.readResponse("POST");
    QCOMPARE(r.status, 200);
    // The upstream got the body with its exact length, not chunked, no Expect.
    QVERIFY2(r.body.find("content-length: 5000\n") != std::string::npos, r.body.c_str());
    QVERIFY2(r.body.find("transfer-encoding") == std::string::npos, r.body.c_str());
    QVERIFY2(r.body.find("expect") == std::string::npos, r.body.c_str());
}

void TestBodyActions::bodyOverCapIs413_data()
{
    QTest::addColumn<bool>("isChunked");
    QTest::newRow("content-length") << false;
    QTest::newRow("chunked") << true;
}

void TestBodyActions::bodyOverCapIs413()
{
    QFETCH(bool, isChunked);
    const int before = originRequests(*m_origin);
    const std::string body = pattern(Cap + 1);
    RawConnection c(m_http);
    if (isChunked)
        c.send("POST /echo HTTP/1.1\r\nHost: hook.localhost\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(body));
    else
        c.send(post("hook.localhost", "/echo", body));
    const RawResponse r = c.readResponse("POST");
    QCOMPARE(r.status, 413);
    QCOMPARE(r.header("switchyard-error-code"), std::string("ERR_SWITCHYARD_4130"));
    QVERIFY(c.waitClosed());
    QCOMPARE(originRequests(*m_origin), before);

    // Exactly the cap is fine.
    RawConnection d(m_http);
    const std::string fits = pattern(Cap);
    d.send(post("hook.localhost", "/echo", fits, "X-Hub-Signature-256: " + githubSignature(fits) + "\r\n"));
    const RawResponse ok = d.readResponse("POST");
    QCOMPARE(ok.status, 200);
    QCOMPARE(ok.body.size(), fits.size());
}

void TestBodyActions::requestFindReplace()
{
    RawConnection c(m_http);
    c.send(post("reqrw.localhost", "/echo", "user=bob&password=hunter2&x=1"));
    RawResponse r = c.readResponse("POST");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, std::string("user=bob&password=***&x=1"));
    QCOMPARE(r.header("content-length"), std::string("25"));
    // Same connection, chunked request: the upstream counts the new length.
    c.send("POST /count HTTP/1.1\r\nHost: reqrw.localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
           + chunked("password=" + std::string(3000, 'p') + "&y"));
    r = c.readResponse("POST");
    QCOMPARE(r.status, 200);
    QVERIFY2(r.body.starts_with("bytes=14 "), r.body.c_str());
    // No body at all still works.
    c.send(get("reqrw.localhost", "/status/204"));
    QCOMPARE(c.readResponse().status, 204);
}

void TestBodyActions::responseFindReplace_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("size");
    QTest::newRow("content-length") << "/bytes/" << 3000;
    QTest::newRow("chunked upstream") << "/chunked/" << 5200;
    QTest::newRow("until close") << "/until-close/" << 2600;
}

void TestBodyActions::responseFindReplace()
{
    QFETCH(QString, path);
    QFETCH(int, size);
    const std::string expected
        = std::regex_replace(std::regex_replace(pattern(std::size_t(size)), std::regex("abc"), "<X>"),
                             std::regex("xyz"), "");
    RawConnection c(m_http);
    for (int i = 0; i < 2; ++i) { // keep-alive: the second answer must be clean too
        c.send(get("resrw.localhost", path.toStdString() + std::to_string(size)));
        const RawResponse r = c.readResponse();
        QVERIFY(r.ok);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body.size(), expected.size());
        QCOMPARE(r.body, expected);
        QCOMPARE(r.header("content-length"), std::to_string(expected.size()));
        QCOMPARE(r.header("transfer-encoding"), std::string());
        if (path.startsWith("/until-close/"))
            break;
    }
}

void TestBodyActions::responseOverCapStreamsUnchanged()
{
    RawConnection c(m_http);
    c.send(get("resrw.localhost", "/chunked/" + std::to_string(Cap * 3)));
    const RawResponse r = c.readResponse();
    QVERIFY(r.ok);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body.size(), Cap * 3);
    QVERIFY(r.body == pattern(Cap * 3));
    QCOMPARE(r.header("transfer-encoding"), std::string("chunked"));
}

void TestBodyActions::compressResponse_data()
{
    QTest::addColumn<QString>("acceptEncoding");
    QTest::addColumn<QString>("coding");
    QTest::addColumn<QString>("path");
    QTest::newRow("gzip") << "gzip" << "gzip" << "/bytes/20000";
    QTest::newRow("deflate") << "deflate" << "deflate" << "/bytes/20000";
    QTest::newRow("br") << "br" << "br" << "/bytes/20000";
    QTest::newRow("q-values") << "gzip;q=0.5, br;q=0.9" << "br" << "/bytes/20000";
    QTest::newRow("gzip, chunked upstream") << "gzip" << "gzip" << "/chunked/30000";
    QTest::newRow("br, large") << "br, gzip" << "gzip" << "/bytes/300000";
}

void TestBodyActions::compressResponse()
{
    QFETCH(QString, acceptEncoding);
    QFETCH(QString, coding);
    QFETCH(QString, path);
    const std::size_t size = std::stoul(path.mid(path.lastIndexOf('/') + 1).toStdString());
    RawConnection c(m_http);
    for (int i = 0; i < 2; ++i) {
        c.send(get("gzip.localhost", path.toStdString(), "Accept-Encoding: " + acceptEncoding.toStdString() + "\r\n"));
        const RawResponse r = c.readResponse();
        QVERIFY(r.ok);
        QCOMPARE(r.status, 200);
        QCOMPARE(QString::fromStdString(r.header("content-encoding")), coding);
        QCOMPARE(r.header("vary"), std::string("Accept-Encoding"));
        QCOMPARE(r.header("content-length"), std::string());
        QCOMPARE(r.header("transfer-encoding"), std::string("chunked"));
        QVERIFY(r.body.size() < size / 4);
        const std::string decoded = coding == "br" ? unbrotli(r.body) : inflateAll(r.body, coding == "gzip");
        QCOMPARE(decoded.size(), size);
        QVERIFY(decoded == pattern(size));
    }
}

void TestBodyActions::findReplaceThenCompress()
{
    const std::string expected = std::regex_replace(pattern(8000), std::regex("[a-m]"), "-");
    RawConnection c(m_http);
    for (const std::string path : {"/bytes/8000", "/chunked/8000"}) {
        c.send(get("both.localhost", path, "Accept-Encoding: gzip\r\n"));
        const RawResponse r = c.readResponse();
        QVERIFY(r.ok);
        QCOMPARE(r.header("content-encoding"), std::string("gzip"));
        QCOMPARE(r.header("content-length"), std::to_string(r.body.size()));
        QCOMPARE(r.header("transfer-encoding"), std::string());
        QCOMPARE(inflateAll(r.body, true), expected);
    }
}

void TestBodyActions::noAcceptEncodingIsIdentity()
{
    RawConnection c(m_http);
    c.send(get("gzip.localhost", "/bytes/20000"));
    const RawResponse r = c.readResponse();
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("content-encoding"), std::string());
    QCOMPARE(r.header("content-length"), std::string("20000"));
    QCOMPARE(r.header("vary"), std::string("Accept-Encoding"));
    QVERIFY(r.body == pattern(20000));
}

void TestBodyActions::smallOrEncodedResponsesStayIdentity()
{
    RawConnection c(m_http);
    c.send(get("gzip.localhost", "/bytes/100", "Accept-Encoding: gzip\r\n"));
    RawResponse r = c.readResponse();
    QCOMPARE(r.header("content-encoding"), std::string());
    QCOMPARE(r.body, pattern(100));
    // HTTP/1.0 clients get a close-delimited compressed body.
    RawConnection d(m_http);
    d.send("GET /bytes/9000 HTTP/1.0\r\nHost: gzip.localhost\r\nAccept-Encoding: gzip\r\n\r\n");
    r = d.readResponse();
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("content-encoding"), std::string("gzip"));
    QCOMPARE(r.header("transfer-encoding"), std::string());
    QVERIFY(inflateAll(r.body, true) == pattern(9000));
}

void TestBodyActions::customResponseReplacesUpstreamBody_data()
{
    QTest::addColumn<int>("size");
    QTest::newRow("drained") << 20000;
    QTest::newRow("connection dropped") << 4000000;
}

void TestBodyActions::customResponseReplacesUpstreamBody()
{
    QFETCH(int, size);
    RawConnection c(m_http);
    c.send(get("replace.localhost", "/bytes/" + std::to_string(size)));
    RawResponse r = c.readResponse();
    QVERIFY(r.ok);
    QCOMPARE(r.status, 203);
    QCOMPARE(r.body, std::string("replaced"));
    QCOMPARE(r.header("content-length"), std::string("8"));
    QCOMPARE(r.header("x-origin-name"), std::string());
    // The next request on the same connection gets its own answer, with
    // nothing of the discarded body in front of it.
    c.send(get("replace.localhost", "/status/202"));
    r = c.readResponse();
    QVERIFY(r.ok);
    QCOMPARE(r.status, 202);
    QCOMPARE(r.body, std::string("status 202"));
    QCOMPARE(r.header("x-origin-name"), std::string("A"));
    c.send(get("replace.localhost", "/bytes/10", "Connection: close\r\n"));
    r = c.readResponse();
    QCOMPARE(r.body, std::string("replaced"));
    QVERIFY(c.waitClosed());
}

void TestBodyActions::policyCannotBreakFraming()
{
    RawConnection c(m_http);
    for (const std::string path : {"/bytes/500", "/chunked/2500", "/bytes/0"}) {
        c.send(get("framing.localhost", path));
        const RawResponse r = c.readResponse();
        QVERIFY2(r.ok, path.c_str());
        QCOMPARE(r.status, 200);
        const std::size_t size = std::stoul(path.substr(path.rfind('/') + 1));
        QVERIFY(r.body == pattern(size));
        QCOMPARE(r.headers.count("content-length") + r.headers.count("transfer-encoding"), std::size_t(1));
    }
}

void TestBodyActions::customResponseContentTypeMatchesSimulator_data()
{
    QTest::addColumn<QString>("body");
    QTest::addColumn<QString>("contentType");
    QTest::newRow("text") << "hello" << "text/plain; charset=utf-8";
    QTest::newRow("html") << "<p>hi</p>" << "text/html; charset=utf-8";
}

void TestBodyActions::customResponseContentTypeMatchesSimulator()
{
    QFETCH(QString, body);
    QFETCH(QString, contentType);
    const std::string query = QUrl::toPercentEncoding(body).toStdString();
    RawConnection c(m_http);
    c.send(get("html.localhost", "/?b=" + query));
    const RawResponse r = c.readResponse();
    QCOMPARE(r.status, 200);
    QCOMPARE(QString::fromStdString(r.body), body);
    QCOMPARE(QString::fromStdString(r.header("content-type")), contentType);

    const EndpointPool *pool = m_registry.snapshot()->lookup(Binding::Public, {}, Scheme::Http, "html.localhost", 80);
    QVERIFY(pool && !pool->members.empty());
    const auto compiled = PolicyCompiler().compile(pool->members.front()->trafficPolicy);
    QVERIFY(compiled.policy);
    PolicyExchange exchange;
    exchange.request.url = "http://html.localhost/?b=" + query;
    const SimulationResult simulated
        = PolicySimulator().simulate({"http://html.localhost", EndpointType::Agent, compiled.policy}, exchange);
    QCOMPARE(simulated.outcome.kind, SimulationOutcome::Kind::Response);
    QCOMPARE(QString::fromStdString(std::string(simulated.outcome.response.headers.value("content-type").value_or(""))),
             contentType);
}

QTEST_GUILESS_MAIN(TestBodyActions)
#include "tst_bodyactions.moc"
