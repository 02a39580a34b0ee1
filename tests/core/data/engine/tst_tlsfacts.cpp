// SPDX-License-Identifier: Apache-2.0
// conn.tls.* on terminated connections through the Engine over real sockets
// on 127.0.0.1: a custom-response interpolates the variables, an OpenSSL
// client reads them back (versions, suite, SNI, ALPN, the local CA leaf,
// a mutual-TLS client certificate; absent on plain HTTP). Also: leaves of
// the local CA are minted once per name (memory and disk), and a
// connection Switchyard closes ends with close_notify, not a truncation.
#include "../../../support/freeport.h"
#include "../../../support/opensslserver.h"
#include "../../../support/tlstestsupport.h"
#include "../../../support/rawhttpclient.h"
#include "../l4/l4testsupport.h"

#include "control/endpointregistry.h"
#include "data/engine/engine.h"
#include "data/engine/policyruntime.h"
#include "data/engine/tcppolicyruntime.h"
#include "data/engine/tlsterminationcontexts.h"
#include "data/tls/certificatecache.h"

#include <asio/read_until.hpp>
#include <asio/streambuf.hpp>

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace switchyard;
using namespace l4test;
using namespace switchyard::test;

namespace {

// A minimal HTTP upstream: reads one request head, answers 200 "ok".
void httpOkSession(tcp::socket &socket)
{
    asio::streambuf buffer;
    std::error_code ec;
    asio::read_until(socket, buffer, "\r\n\r\n", ec);
    if (ec)
        return;
    asio::write(socket, asio::buffer(std::string("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")), ec);
    readAll(socket);
}

// A phase with one custom-response whose body is `body` (CEL interpolated).
std::string respondWith(const std::string &phase, const std::string &body, const std::string &before = {})
{
    return before + phase + ":\n  - actions:\n      - type: custom-response\n        config:\n"
           "          status_code: 200\n          body: \"" + body + "\"\n";
}

std::string bodyOf(const std::string &reply)
{
    const std::size_t end = reply.find("\r\n\r\n");
    return end == std::string::npos ? std::string() : reply.substr(end + 4);
}

// An engine with both edge listeners, a local CA in `dataDir` and the policy
// runtimes the headless runner installs.
struct FactsEngine
{
    FactsEngine(std::vector<Endpoint> endpoints, const QString &dataDir, std::chrono::milliseconds idle = {})
    {
        RegistryChange change;
        change.add = std::move(endpoints);
        if (auto applied = registry.apply(std::move(change)); !applied)
            qFatal("registry: %s", applied.message().c_str());
        EngineOptions options;
        options.apiAddr.clear();
        options.edgeHttp = "127.0.0.1:0";
        options.edgeHttps = "127.0.0.1:0";
        options.workers = 1;
        options.dataDir = dataDir.toStdString();
        if (idle.count() > 0)
            options.limits.idleTimeout = idle;
        engine = std::make_unique<Engine>(registry, options);
        auto policies = std::make_shared<PolicyRuntime>(registry);
        engine->setPolicyHook(policies);
        engine->setTcpPolicyHook(std::make_shared<TcpPolicyRuntime>(registry, policies));
        if (auto started = engine->start(); !started)
            qFatal("start: %s", started.message().c_str());
    }
    int https() const { return engine->edgeHttpsPort(); }

    EndpointRegistry registry;
    std::unique_ptr<Engine> engine;
};

const std::string Get = "GET / HTTP/1.1\r\nHost: app.localhost\r\nConnection: close\r\n\r\n";

} // namespace

class TestTlsFacts : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        // A client may still write when the engine already closed (an
        // unreachable upstream): that must fail the write, not the process.
        std::signal(SIGPIPE, SIG_IGN);
        QVERIFY(m_certs.isValid());
        QVERIFY(makeTestCa(m_certs.path(), "caA"));
        QVERIFY(makeTestClient(m_certs.path(), "client", "caA", "/O=Example/CN=alice", "4660"));
    }

    void connectionFacts_data()
    {
        QTest::addColumn<int>("clientMax");
        QTest::addColumn<QString>("alpn");
        QTest::addColumn<QString>("expected");
        QTest::newRow("TLS 1.3") << TLS1_3_VERSION << QString()
                                 << "TLSv1.3|TLS_AES_256_GCM_SHA384|app.localhost||false";
        QTest::newRow("TLS 1.2 with ALPN") << TLS1_2_VERSION << "http/1.1"
                                           << "TLSv1.2|TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256|app.localhost|http/1.1|false";
    }

    void connectionFacts()
    {
        QFETCH(int, clientMax);
        QFETCH(QString, alpn);
        QFETCH(QString, expected);
        QTemporaryDir data;
        FactsEngine e({tlsTestEndpoint("https://app.localhost", "http://127.0.0.1:1",
                                   respondWith("on_http_request", "${conn.tls.version}|${conn.tls.cipher_suite}|"
                                                                  "${conn.tls.sni}|${conn.tls.negotiated_alpn}|"
                                                                  "${conn.tls.session_resumed}"))},
                      data.path());
        TlsClientSetup client;
        client.sni = "app.localhost";
        client.maxVersion = clientMax;
        client.alpn = alpn.toStdString();
        const TlsProbeResult r = tlsExchange(e.https(), client, Get);
        QVERIFY(r.handshake);
        QCOMPARE(QString::fromStdString(bodyOf(r.reply)), expected);
    }

    // The local CA's leaf for the SNI name, and no client certificate.
    void serverCertificate()
    {
        QTemporaryDir data;
        FactsEngine e({tlsTestEndpoint("https://app.localhost", "http://127.0.0.1:1",
                                   respondWith("on_http_request",
                                               "${conn.tls.server.subject}|"
                                               "${conn.tls.server.issuer.startsWith('CN=Switchyard Local CA ')}|"
                                               "${conn.tls.server.san.dns_names[0]}|${size(conn.tls.server.serial_number)}|"
                                               "${conn.tls.server.validity.not_before < conn.tls.server.validity.not_after}|"
                                               "${has(conn.tls.client)}|${has(conn.tls.server.pem)}|"
                                               "${has(actions.ngrok.terminate_tls)}"))},
                      data.path());
        TlsClientSetup client;
        client.sni = "app.localhost";
        const TlsProbeResult r = tlsExchange(e.https(), client, Get);
        QVERIFY(r.handshake);
        QCOMPARE(bodyOf(r.reply), std::string("CN=app.localhost,O=Switchyard|true|app.localhost|32|true|false|false|false"));
    }

    void clientCertificate()
    {
        QTemporaryDir data;
        const std::string policy =
            "on_tcp_connect:\n  - actions:\n      - type: terminate-tls\n        config:\n"
            "          mutual_tls_certificate_authorities:\n            - "
            + pemBlock(readTextFile(path("caA.pem")), 14);
        const std::string pem = readTextFile(path("client.pem"));
        FactsEngine e({tlsTestEndpoint("https://app.localhost", "http://127.0.0.1:1",
                                   respondWith("on_http_request",
                                               "${conn.tls.client.subject}|${conn.tls.client.issuer}|"
                                               "${conn.tls.client.serial_number}|${conn.tls.client.pem.size()}|"
                                               "${actions.ngrok.terminate_tls.client.subject}|"
                                               "${actions.ngrok.terminate_tls.version == conn.tls.version}",
                                               policy))},
                      data.path());
        TlsClientSetup client;
        client.sni = "app.localhost";
        client.certificateFile = path("client.pem").toStdString();
        client.keyFile = path("client.key").toStdString();
        const TlsProbeResult r = tlsExchange(e.https(), client, Get);
        QVERIFY(r.handshake);
        QCOMPARE(bodyOf(r.reply), "CN=alice,O=Example|CN=caA|1234|" + std::to_string(pem.size()) + "|CN=alice,O=Example|true");
    }

    // An https:// URL with its own port gets a dedicated SNI listener.
    void dedicatedListener()
    {
        QTemporaryDir data;
        const int port = freePort();
        const std::string authority = "app.localhost:" + std::to_string(port);
        FactsEngine e({tlsTestEndpoint("https://" + authority, "http://127.0.0.1:1",
                                   respondWith("on_http_request", "${conn.tls.sni} ${conn.server_port} "
                                                                  "${conn.tls.server.subject}"))},
                      data.path());
        TlsClientSetup client;
        client.sni = "app.localhost";
        const TlsProbeResult r =
            tlsExchange(port, client, "GET / HTTP/1.1\r\nHost: " + authority + "\r\nConnection: close\r\n\r\n");
        QVERIFY(r.handshake);
        QCOMPARE(bodyOf(r.reply), "app.localhost " + std::to_string(port) + " CN=app.localhost,O=Switchyard");
    }

    void onHttpResponse()
    {
        ThreadServer upstream(httpOkSession);
        QTemporaryDir data;
        FactsEngine e({tlsTestEndpoint("https://app.localhost", "http://127.0.0.1:" + std::to_string(upstream.port()),
                                   respondWith("on_http_response", "${res.status_code} ${conn.tls.sni}"))},
                      data.path());
        TlsClientSetup client;
        client.sni = "app.localhost";
        const TlsProbeResult r = tlsExchange(e.https(), client, Get);
        QVERIFY(r.handshake);
        QCOMPARE(bodyOf(r.reply), std::string("200 app.localhost"));
    }

    void absentOnPlainHttp()
    {
        QTemporaryDir data;
        FactsEngine e({tlsTestEndpoint("http://app.localhost", "http://127.0.0.1:1",
                                   respondWith("on_http_request", "${has(conn.tls)}"))},
                      data.path());
        RawConnection connection(e.engine->edgeHttpPort());
        QVERIFY(connection.send(Get));
        const RawResponse response = connection.readResponse();
        QCOMPARE(response.status, 200);
        QCOMPARE(response.body, std::string("false"));
    }

    // Every way Switchyard ends a terminated HTTPS connection sends
    // close_notify first: the client reads a clean TLS EOF.
    void closeNotify_data()
    {
        QTest::addColumn<QString>("policy");
        QTest::addColumn<QString>("request");
        QTest::addColumn<QString>("expectedBody");
        const QString keepAlive = "GET / HTTP/1.1\r\nHost: app.localhost\r\n\r\n";
        QTest::newRow("Connection: close") << QString::fromStdString(respondWith("on_http_request", "bye"))
                                           << QString::fromStdString(Get) << "bye";
        QTest::newRow("keep-alive idle timeout") << QString::fromStdString(respondWith("on_http_request", "idle"))
                                                 << keepAlive << "idle";
        QTest::newRow("close-connection action")
            << "on_http_request:\n  - actions:\n      - type: close-connection\n" << keepAlive << "";
    }

    void closeNotify()
    {
        QFETCH(QString, policy);
        QFETCH(QString, request);
        QFETCH(QString, expectedBody);
        QTemporaryDir data;
        FactsEngine e({tlsTestEndpoint("https://app.localhost", "http://127.0.0.1:1", policy.toStdString())}, data.path(),
                      std::chrono::milliseconds(300));
        TlsClientSetup client;
        client.sni = "app.localhost";
        const TlsProbeResult r = tlsExchange(e.https(), client, request.toStdString());
        QVERIFY(r.handshake);
        QCOMPARE(QString::fromStdString(bodyOf(r.reply)), expectedBody);
        QCOMPARE(r.lastError, SSL_ERROR_ZERO_RETURN);
    }

    // tls:// with terminate-tls: when the upstream ends its side, the
    // client gets close_notify before the FIN.
    void relayCloseNotify()
    {
        ThreadServer upstream([](tcp::socket &socket) {
            char buffer[64];
            std::error_code ec;
            const std::size_t n = socket.read_some(asio::buffer(buffer), ec);
            asio::write(socket, asio::buffer("plain:" + std::string(buffer, n)), ec);
            socket.shutdown(tcp::socket::shutdown_send, ec);
            readAll(socket);
        });
        QTemporaryDir data;
        FactsEngine e({tlsTestEndpoint("tls://db.localhost", "127.0.0.1:" + std::to_string(upstream.port()),
                                       "on_tcp_connect:\n  - actions:\n      - type: terminate-tls\n")},
                      data.path());
        TlsClientSetup client;
        client.sni = "db.localhost";
        const TlsProbeResult r = tlsExchange(e.https(), client, "hello");
        QVERIFY(r.handshake);
        QCOMPARE(r.reply, std::string("plain:hello"));
        QCOMPARE(r.lastError, SSL_ERROR_ZERO_RETURN);
    }

    // terminate-tls without its own certificate takes the local CA's leaf
    // for the SNI name from the edge's CertificateCache: contexts built for
    // different settings share one minted leaf, and a new cache on the same
    // data dir (a restart) loads it from disk instead of minting.
    void terminateTlsLeafIsMintedOnce()
    {
        QTemporaryDir data;
        auto ca = LocalCa::loadOrCreate(data.path().toStdString());
        QVERIFY(ca);
        CertificateCache leaves(*ca);
        TlsTerminationContexts contexts(&leaves);
        TlsTerminationSettings tls12;
        TlsTerminationSettings tls13;
        tls13.minVersion = "1.3";
        auto first = contexts.contextFor(tls12, "db.localhost");
        auto second = contexts.contextFor(tls13, "db.localhost");
        QVERIFY(first && second);
        QVERIFY(first->get() != second->get());
        X509 *firstLeaf = SSL_CTX_get0_certificate(first->get());
        QVERIFY(firstLeaf);
        QCOMPARE(X509_cmp(firstLeaf, SSL_CTX_get0_certificate(second->get())), 0);
        QCOMPARE(leaves.mintCount(), std::size_t(1));
        QVERIFY(contexts.contextFor(tls12, "other.localhost"));
        QCOMPARE(leaves.mintCount(), std::size_t(2));

        CertificateCache restarted(*ca);
        auto again = TlsTerminationContexts::build(tls12, "db.localhost", &restarted);
        QVERIFY(again);
        QCOMPARE(X509_cmp(firstLeaf, SSL_CTX_get0_certificate(again->get())), 0);
        QCOMPARE(restarted.mintCount(), std::size_t(0));
    }

    // The same over the wire: a tls:// endpoint with terminate-tls shows
    // one certificate to every connection for a name, also after a restart.
    void terminateTlsLeafOverTheWire()
    {
        QTemporaryDir data;
        const std::string terminate = "on_tcp_connect:\n  - actions:\n      - type: terminate-tls\n";
        TlsClientSetup db;
        db.sni = "db.localhost";
        TlsClientSetup other;
        other.sni = "other.localhost";
        std::string first;
        std::string second;
        std::string otherPem;
        {
            FactsEngine e({tlsTestEndpoint("tls://db.localhost", "127.0.0.1:1", terminate),
                           tlsTestEndpoint("tls://other.localhost", "127.0.0.1:1", terminate)},
                          data.path());
            first = tlsExchange(e.https(), db, "x").peerPem;
            second = tlsExchange(e.https(), db, "x").peerPem;
            otherPem = tlsExchange(e.https(), other, "x").peerPem;
        }
        FactsEngine restarted({tlsTestEndpoint("tls://db.localhost", "127.0.0.1:1", terminate)}, data.path());
        const std::string afterRestart = tlsExchange(restarted.https(), db, "x").peerPem;
        QVERIFY(first.starts_with("-----BEGIN CERTIFICATE-----"));
        QCOMPARE(second, first);
        QCOMPARE(afterRestart, first);
        QVERIFY(otherPem.starts_with("-----BEGIN CERTIFICATE-----"));
        QVERIFY(otherPem != first);
    }

private:
    QString path(const QString &name) const { return m_certs.filePath(name); }

    QTemporaryDir m_certs;
};

QTEST_GUILESS_MAIN(TestTlsFacts)
#include "tst_tlsfacts.moc"
