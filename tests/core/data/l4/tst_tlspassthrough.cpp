// SPDX-License-Identifier: Apache-2.0
#include "data/l4/tlspassthrough.h"
#include "data/tls/certificatecache.h"
#include "data/tls/localca.h"
#include "data/tls/tlsservercontext.h"

#include "l4testsupport.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <QtTest>

using namespace switchyard;
using namespace l4test;

Q_DECLARE_METATYPE(switchyard::TlsPassthroughEnd)

namespace {

// Accepts on 127.0.0.1 and hands every connection to a TlsPassthrough.
class PassthroughFront
{
public:
    PassthroughFront(IoThread &io, TlsPassthrough::Router router, TlsPassthroughOptions options = {},
                     TlsPassthrough::HandOff handOff = {})
        : m_acceptor(io.io(), tcp::endpoint(asio::ip::address_v4::loopback(), 0)),
          m_router(std::move(router)),
          m_options(std::move(options)),
          m_handOff(std::move(handOff))
    {
        port = m_acceptor.local_endpoint().port();
        accept();
    }
    ~PassthroughFront()
    {
        std::promise<void> closed;
        asio::post(m_acceptor.get_executor(), [&] {
            m_acceptor.close();
            closed.set_value();
        });
        closed.get_future().wait();
    }

    unsigned short port = 0;
    Mailbox<TlsPassthroughReport> reports;

private:
    void accept()
    {
        m_acceptor.async_accept([this](std::error_code ec, tcp::socket socket) {
            if (ec)
                return;
            TlsPassthrough::start(
                std::move(socket), m_options, m_router,
                [this](const TlsPassthroughReport &report) { reports.put(report); }, m_handOff);
            accept();
        });
    }

    tcp::acceptor m_acceptor;
    TlsPassthrough::Router m_router;
    TlsPassthroughOptions m_options;
    TlsPassthrough::HandOff m_handOff;
};

struct ClientResult
{
    bool handshake = false;
    int reason = 0; // ERR_GET_REASON of the handshake error
    std::string peerPem;
    std::string reply;
};

// SSL_set_tlsext_host_name is a macro with an old-style cast.
void setSni(SSL *ssl, const char *host)
{
    SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char *>(host));
}

std::string pemOf(X509 *certificate)
{
    BIO *bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, certificate);
    char *data = nullptr;
    const long length = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<std::size_t>(length));
    BIO_free(bio);
    return pem;
}

// A verifying TLS client: handshake with `sni`, send a line, read the reply.
ClientResult tlsClient(unsigned short port, const std::string &caFile, const char *sni)
{
    ClientResult result;
    asio::io_context io;
    tcp::socket socket = connectTo(io, port);
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(ctx, caFile.c_str(), nullptr);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    SSL *ssl = SSL_new(ctx);
    if (sni) {
        setSni(ssl, sni);
        SSL_set1_host(ssl, sni);
    }
    SSL_set_fd(ssl, socket.native_handle());
    ERR_clear_error();
    if (SSL_connect(ssl) == 1) {
        result.handshake = true;
        if (X509 *peer = SSL_get1_peer_certificate(ssl)) {
            result.peerPem = pemOf(peer);
            X509_free(peer);
        }
        const std::string line = "hello through the edge\n";
        SSL_write(ssl, line.data(), static_cast<int>(line.size()));
        char buffer[256];
        int n = 0;
        while ((n = SSL_read(ssl, buffer, sizeof buffer)) > 0)
            result.reply.append(buffer, static_cast<std::size_t>(n));
        SSL_shutdown(ssl);
    } else {
        result.reason = ERR_GET_REASON(ERR_peek_last_error());
    }
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    return result;
}

// The bytes an OpenSSL client sends first: a real ClientHello.
std::string makeClientHello(const char *sni)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL *ssl = SSL_new(ctx);
    setSni(ssl, sni);
    BIO *in = BIO_new(BIO_s_mem());
    BIO *out = BIO_new(BIO_s_mem());
    SSL_set_bio(ssl, in, out);
    SSL_set_connect_state(ssl);
    SSL_do_handshake(ssl);
    char *data = nullptr;
    const long length = BIO_get_mem_data(out, &data);
    std::string hello(data, static_cast<std::size_t>(length));
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    return hello;
}

} // namespace

class TestTlsPassthrough : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        auto ca = LocalCa::loadOrCreate(m_dir.path().toStdString());
        QVERIFY2(ca.ok(), ca.ok() ? "" : ca.message().c_str());
        CertificateCacheOptions options;
        options.persist = false;
        m_cache = std::make_shared<CertificateCache>(*ca, options);
        auto server = TlsServerContext::create(m_cache);
        QVERIFY(server.ok());
        m_server.emplace(*server);
        m_caFile = ca->caCertificatePath();
    }

    // The edge never terminates: the client completes its handshake with
    // the upstream and sees exactly the upstream's certificate.
    void passthroughKeepsUpstreamCertificate()
    {
        IoThread io;
        ThreadServer upstream([this](tcp::socket &s) { serveTls(s); });
        Mailbox<TlsClientHello> hellos;
        PassthroughFront front(io, [&](const TlsClientHello &hello) {
            hellos.put(hello);
            if (hello.serverName == "app.localhost")
                return TlsRoute::passthrough({"127.0.0.1", upstream.port(), "ep_tls"});
            return TlsRoute::reject();
        });

        const ClientResult r = tlsClient(front.port, m_caFile, "App.LocalHost");
        QVERIFY(r.handshake);
        auto leaf = m_cache->leafFor("app.localhost");
        QVERIFY(leaf.ok());
        QCOMPARE(r.peerPem, (*leaf)->certificatePem());
        QCOMPARE(r.reply, std::string("upstream got: hello through the edge\n"));

        TlsClientHello hello;
        QVERIFY(hellos.take(&hello));
        QCOMPARE(hello.serverName, std::string("app.localhost"));
        QCOMPARE(hello.remote.address().to_string(), std::string("127.0.0.1"));
        TlsPassthroughReport report;
        QVERIFY(front.reports.take(&report));
        QCOMPARE(report.end, TlsPassthroughEnd::Spliced);
        QCOMPARE(report.serverName, std::string("app.localhost"));
        QCOMPARE(report.target.endpointId, std::string("ep_tls"));
        QCOMPARE(report.splice.end, SpliceEnd::Closed);
        QVERIFY(report.splice.clientToUpstream > 0);
    }

    void unknownSniGetsUnrecognizedName()
    {
        IoThread io;
        ThreadServer upstream([this](tcp::socket &s) { serveTls(s); });
        PassthroughFront front(io, [](const TlsClientHello &) { return TlsRoute::reject(); });
        const ClientResult r = tlsClient(front.port, m_caFile, "unknown.localhost");
        QVERIFY(!r.handshake);
        QCOMPARE(r.reason, SSL_R_TLSV1_UNRECOGNIZED_NAME);
        TlsPassthroughReport report;
        QVERIFY(front.reports.take(&report));
        QCOMPARE(report.end, TlsPassthroughEnd::Rejected);
        QCOMPARE(report.error, std::string("no endpoint for unknown.localhost"));
        QCOMPARE(upstream.connections(), 0);
    }

    void noSniGetsHandshakeFailure()
    {
        IoThread io;
        PassthroughFront front(io, [](const TlsClientHello &hello) {
            return hello.serverName.empty() ? TlsRoute::reject() : TlsRoute::passthrough({"127.0.0.1", 1, ""});
        });
        const ClientResult r = tlsClient(front.port, m_caFile, nullptr);
        QVERIFY(!r.handshake);
        QCOMPARE(r.reason, SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE);
        TlsPassthroughReport report;
        QVERIFY(front.reports.take(&report));
        QCOMPARE(report.end, TlsPassthroughEnd::Rejected);
    }

    // One byte per TCP segment: routing still works and the upstream gets
    // the ClientHello byte for byte.
    void clientHelloSplitAcrossSegments()
    {
        const std::string hello = makeClientHello("split.localhost");
        QVERIFY(hello.size() > 100);
        IoThread io;
        Mailbox<std::string> received;
        ThreadServer upstream([&](tcp::socket &s) {
            std::string got(hello.size(), '\0');
            std::error_code ec;
            asio::read(s, asio::buffer(got), ec);
            received.put(got);
        });
        PassthroughFront front(io, [&](const TlsClientHello &h) {
            return h.serverName == "split.localhost" ? TlsRoute::passthrough({"127.0.0.1", upstream.port(), ""})
                                                     : TlsRoute::reject();
        });
        asio::io_context client;
        tcp::socket socket = connectTo(client, front.port);
        socket.set_option(tcp::no_delay(true));
        for (char byte : hello) {
            asio::write(socket, asio::buffer(&byte, 1));
            std::this_thread::sleep_for(std::chrono::microseconds(500));
        }
        std::string got;
        QVERIFY(received.take(&got));
        QCOMPARE(got.size(), hello.size());
        QVERIFY(got == hello);
        readAll(socket);
        socket.close();
        TlsPassthroughReport report;
        QVERIFY(front.reports.take(&report));
        QCOMPARE(report.end, TlsPassthroughEnd::Spliced);
        QCOMPARE(report.serverName, std::string("split.localhost"));
    }

    void garbageIsClosed_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<TlsPassthroughEnd>("end");
        QTest::addColumn<QByteArray>("answer");
        const QByteArray decodeError("\x15\x03\x03\x00\x02\x02\x32", 7);
        QTest::newRow("plain http") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\n\r\n") << TlsPassthroughEnd::NotTls
                                    << QByteArray();
        // A handshake record whose message is a ServerHello, not a ClientHello.
        QTest::newRow("server hello") << QByteArray("\x16\x03\x01\x00\x04\x02\x00\x00\x00", 9)
                                      << TlsPassthroughEnd::Malformed << decodeError;
        // A record length beyond the 16 KiB TLS limit.
        QTest::newRow("huge record") << QByteArray("\x16\x03\x01\xff\xff", 5) << TlsPassthroughEnd::Malformed
                                     << decodeError;
    }
    void garbageIsClosed()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(TlsPassthroughEnd, end);
        QFETCH(QByteArray, answer);
        IoThread io;
        bool routed = false;
        PassthroughFront front(io, [&](const TlsClientHello &) {
            routed = true;
            return TlsRoute::reject();
        });
        asio::io_context client;
        tcp::socket socket = connectTo(client, front.port);
        asio::write(socket, asio::buffer(bytes.constData(), static_cast<std::size_t>(bytes.size())));
        const std::string got = readAll(socket);
        QCOMPARE(QByteArray::fromStdString(got), answer);
        TlsPassthroughReport report;
        QVERIFY(front.reports.take(&report));
        QCOMPARE(report.end, end);
        QVERIFY(!report.error.empty());
        QVERIFY(!routed);
    }

    void stalledClientHelloTimesOut()
    {
        IoThread io;
        TlsPassthroughOptions options;
        options.clientHelloTimeout = std::chrono::milliseconds(200);
        PassthroughFront front(io, [](const TlsClientHello &) { return TlsRoute::reject(); }, options);
        const std::string hello = makeClientHello("slow.localhost");
        asio::io_context client;
        tcp::socket socket = connectTo(client, front.port);
        const auto started = std::chrono::steady_clock::now();
        asio::write(socket, asio::buffer(hello.data(), 20));
        std::error_code ec;
        QCOMPARE(readAll(socket, &ec), std::string());
        const auto elapsed = std::chrono::steady_clock::now() - started;
        QVERIFY(elapsed >= std::chrono::milliseconds(180));
        QVERIFY(elapsed < std::chrono::milliseconds(2000));
        TlsPassthroughReport report;
        QVERIFY(front.reports.take(&report));
        QCOMPARE(report.end, TlsPassthroughEnd::Timeout);
    }

    void sizeLimit()
    {
        IoThread io;
        TlsPassthroughOptions options;
        options.maxClientHelloBytes = 64;
        PassthroughFront front(io, [](const TlsClientHello &) { return TlsRoute::reject(); }, options);
        const std::string hello = makeClientHello("big.localhost");
        asio::io_context client;
        tcp::socket socket = connectTo(client, front.port);
        // 100 bytes of an unfinished ClientHello: over the limit, not complete.
        asio::write(socket, asio::buffer(hello.data(), 100));
        QCOMPARE(readAll(socket), std::string("\x15\x03\x03\x00\x02\x02\x32", 7));
        TlsPassthroughReport report;
        QVERIFY(front.reports.take(&report));
        QCOMPARE(report.end, TlsPassthroughEnd::Malformed);
        QCOMPARE(report.error, std::string("no complete ClientHello in the first 64 bytes"));
    }

    void dialFailureCloses()
    {
        IoThread io;
        const unsigned short dead = deadPort();
        PassthroughFront front(io, [dead](const TlsClientHello &) {
            return TlsRoute::passthrough({"127.0.0.1", dead, ""});
        });
        const ClientResult r = tlsClient(front.port, m_caFile, "down.localhost");
        QVERIFY(!r.handshake);
        TlsPassthroughReport report;
        QVERIFY(front.reports.take(&report));
        QCOMPARE(report.end, TlsPassthroughEnd::DialFailed);
        QVERIFY2(report.error.find("could not connect to the upstream 127.0.0.1:" + std::to_string(dead)) == 0,
                 report.error.c_str());
    }

    // HandOff returns the socket and every peeked byte, e.g. for https://
    // endpoints that the engine terminates itself.
    void handOffReturnsPeekedBytes()
    {
        const std::string hello = makeClientHello("terminate.localhost");
        IoThread io;
        Mailbox<std::string> peekedBox;
        PassthroughFront front(
            io, [](const TlsClientHello &) { return TlsRoute::handOff(); }, {},
            [&](tcp::socket socket, std::string peeked, TlsClientHello h) {
                peekedBox.put(h.serverName + "|" + peeked);
                asio::write(socket, asio::buffer(std::string("engine took over")));
            });
        asio::io_context client;
        tcp::socket socket = connectTo(client, front.port);
        asio::write(socket, asio::buffer(hello));
        std::string got;
        QVERIFY(peekedBox.take(&got));
        QVERIFY(got == "terminate.localhost|" + hello);
        QCOMPARE(readAll(socket), std::string("engine took over"));
        TlsPassthroughReport report;
        QVERIFY(front.reports.take(&report));
        QCOMPARE(report.end, TlsPassthroughEnd::HandedOff);
    }

private:
    // An upstream HTTPS-like server with the local CA's leaf for the SNI
    // name: reads one line and answers it.
    void serveTls(tcp::socket &socket)
    {
        SSL *ssl = SSL_new(m_server->nativeHandle());
        SSL_set_fd(ssl, socket.native_handle());
        if (SSL_accept(ssl) == 1) {
            std::string line;
            char c = 0;
            while (SSL_read(ssl, &c, 1) == 1 && c != '\n')
                line += c;
            const std::string reply = "upstream got: " + line + "\n";
            SSL_write(ssl, reply.data(), static_cast<int>(reply.size()));
            // Wait for the client's close_notify so neither side closes
            // with unread bytes (which would turn the FIN into an RST).
            if (SSL_shutdown(ssl) == 0)
                SSL_shutdown(ssl);
        }
        SSL_free(ssl);
    }

    QTemporaryDir m_dir;
    std::shared_ptr<CertificateCache> m_cache;
    std::optional<TlsServerContext> m_server;
    std::string m_caFile;
};

QTEST_GUILESS_MAIN(TestTlsPassthrough)
#include "tst_tlspassthrough.moc"
