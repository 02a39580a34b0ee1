// SPDX-License-Identifier: Apache-2.0
// terminate-tls on tls:// endpoints through the Engine over real sockets on
// 127.0.0.1: the client sees a leaf of the engine's local CA (or the
// action's own certificate) while the upstream reads plaintext; version
// limits; mutual TLS for each verification strategy with no client
// certificate, one from another CA and one from the configured CA. Also
// upstream certificate verification for https:// upstreams (EngineOptions).
// Certificates come from the `openssl` command line.
#include "../../../support/opensslserver.h"
#include "../../../support/rawhttpclient.h"
#include "../../../support/tlstestsupport.h"
#include "../l4/l4testsupport.h"

#include "control/endpointregistry.h"
#include "data/engine/engine.h"
#include "data/engine/policyruntime.h"
#include "data/engine/tcppolicyruntime.h"

#include <asio/read_until.hpp>
#include <asio/streambuf.hpp>

#include <QTemporaryDir>
#include <QTest>

using namespace switchyard;
using namespace l4test;
using namespace switchyard::test;

namespace {

// Reads one line and answers "plain:LINE": it can only do so when the
// engine decrypted the stream.
void plainLineSession(tcp::socket &socket)
{
    asio::streambuf buffer;
    std::error_code ec;
    asio::read_until(socket, buffer, '\n', ec);
    if (ec)
        return;
    std::string line(asio::buffers_begin(buffer.data()), asio::buffers_end(buffer.data()));
    line = line.substr(0, line.find('\n'));
    asio::write(socket, asio::buffer("plain:" + line), ec);
    socket.shutdown(tcp::socket::shutdown_send, ec);
    readAll(socket);
}

// A minimal HTTP upstream: reads one request head, answers 200 "ok".
void httpOkSession(tcp::socket &socket)
{
    asio::streambuf buffer;
    std::error_code ec;
    asio::read_until(socket, buffer, "\r\n\r\n", ec);
    if (ec)
        return;
    asio::write(socket, asio::buffer(std::string("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")),
                ec);
}

// on_tcp_connect with one terminate-tls whose config lines are given
// (each "key: value", indented under config:).
std::string terminatePolicy(const std::string &configLines)
{
    return "on_tcp_connect:\n"
           "  - actions:\n"
           "      - type: terminate-tls\n"
           + (configLines.empty() ? std::string() : "        config:\n" + configLines);
}

// A client of tls://db.localhost that sends one line.
TlsProbeResult tlsClient(int port, TlsClientSetup setup)
{
    if (setup.sni.empty())
        setup.sni = "db.localhost";
    return tlsExchange(port, setup, "hello\n");
}

// An engine with the edge-https listener (and the edge-http one for the
// upstream verification tests), a data dir for its local CA and the
// policy runtimes the headless runner installs.
struct TerminatingEngine
{
    explicit TerminatingEngine(std::vector<Endpoint> endpoints, bool verifyUpstream = false,
                               const std::string &upstreamCas = {})
    {
        RegistryChange change;
        change.add = std::move(endpoints);
        if (auto applied = registry.apply(std::move(change)); !applied)
            qFatal("registry: %s", applied.message().c_str());
        EngineOptions options;
        options.apiAddr.clear();
        options.edgeHttp = "127.0.0.1:0";
        options.edgeHttps = "127.0.0.1:0";
        options.workers = 2;
        options.dataDir = dataDir.path().toStdString();
        options.limits.upstreamConnectTimeout = std::chrono::seconds(2);
        options.upstreamTlsVerify = verifyUpstream;
        options.upstreamTlsVerifyCas = upstreamCas;
        engine = std::make_unique<Engine>(registry, options);
        auto policies = std::make_shared<PolicyRuntime>(registry);
        engine->setPolicyHook(policies);
        engine->setTcpPolicyHook(std::make_shared<TcpPolicyRuntime>(registry, policies));
        if (auto started = engine->start(); !started)
            qFatal("start: %s", started.message().c_str());
    }
    int edge() const { return engine->edgeHttpsPort(); }
    std::string caFile() const { return engine->caCertificatePath(); }

    QTemporaryDir dataDir;
    EndpointRegistry registry;
    std::unique_ptr<Engine> engine;
};

} // namespace

class TestTerminateTls : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_certs.isValid());
        const QString dir = m_certs.path();
        QVERIFY(makeTestCa(dir, "caA") && makeTestClient(dir, "clientA", "caA", "/CN=clientA", "7")
                && makeTestCa(dir, "caB") && makeTestClient(dir, "clientB", "caB", "/CN=clientB", "7"));
        QVERIFY(runOpenssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                            "-keyout", path("own.key"), "-out", path("own.pem"), "-days", "2", "-subj",
                            "/CN=own certificate", "-addext", "subjectAltName=DNS:db.localhost"}));
    }

    void terminatesWithLocalCaLeaf_data()
    {
        QTest::addColumn<bool>("dedicated");
        QTest::newRow("edge-https listener") << false;
        QTest::newRow("dedicated tls listener") << true;
    }

    void terminatesWithLocalCaLeaf()
    {
        QFETCH(bool, dedicated);
        ThreadServer upstream(plainLineSession);
        const int fixed = dedicated ? freePort() : 0;
        const std::string url = dedicated ? "tls://db.localhost:" + std::to_string(fixed) : "tls://db.localhost";
        TerminatingEngine e({tlsTestEndpoint(url, "127.0.0.1:" + std::to_string(upstream.port()), terminatePolicy(""))});
        TlsClientSetup client;
        client.caFile = e.caFile();
        const TlsProbeResult r = tlsClient(dedicated ? fixed : e.edge(), client);
        QVERIFY(r.handshake);
        QCOMPARE(r.reply, std::string("plain:hello"));
        QCOMPARE(upstream.connections(), 1);
        // A second connection shares the built context.
        QCOMPARE(tlsClient(dedicated ? fixed : e.edge(), client).reply, std::string("plain:hello"));
    }

    void withoutTheActionItPassesThrough()
    {
        OpensslServer upstream("db.localhost");
        QVERIFY(upstream.ready());
        TerminatingEngine e({tlsTestEndpoint("tls://db.localhost", "127.0.0.1:" + std::to_string(upstream.port()))});
        TlsClientSetup client;
        client.caFile = upstream.certificateFile();
        const TlsProbeResult r = tlsClient(e.edge(), client);
        QVERIFY(r.handshake);
        QCOMPARE(r.peerPem, upstream.certificatePem());
    }

    void versionLimits_data()
    {
        QTest::addColumn<QString>("config");
        QTest::addColumn<int>("clientMin");
        QTest::addColumn<int>("clientMax");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("min 1.3, client 1.2 only") << "min_version: \"1.3\"" << TLS1_2_VERSION << TLS1_2_VERSION << false;
        QTest::newRow("min 1.3, client 1.3") << "min_version: \"1.3\"" << TLS1_3_VERSION << TLS1_3_VERSION << true;
        QTest::newRow("default, client 1.2 only") << "" << TLS1_2_VERSION << TLS1_2_VERSION << true;
        QTest::newRow("max 1.2, client 1.3 only") << "max_version: \"1.2\"" << TLS1_3_VERSION << TLS1_3_VERSION << false;
        QTest::newRow("max 1.2, client 1.2") << "max_version: \"1.2\"" << TLS1_2_VERSION << TLS1_3_VERSION << true;
    }

    void versionLimits()
    {
        QFETCH(QString, config);
        QFETCH(int, clientMin);
        QFETCH(int, clientMax);
        QFETCH(bool, accepted);
        ThreadServer upstream(plainLineSession);
        const std::string lines = config.isEmpty() ? std::string() : "          " + config.toStdString() + "\n";
        TerminatingEngine e({tlsTestEndpoint("tls://db.localhost", "127.0.0.1:" + std::to_string(upstream.port()),
                                         terminatePolicy(lines))});
        TlsClientSetup client;
        client.caFile = e.caFile();
        client.minVersion = clientMin;
        client.maxVersion = clientMax;
        const TlsProbeResult r = tlsClient(e.edge(), client);
        QCOMPARE(r.handshake, accepted);
        QCOMPARE(r.reply, accepted ? std::string("plain:hello") : std::string());
        QCOMPARE(upstream.connections(), accepted ? 1 : 0);
    }

    void ownCertificatePair()
    {
        ThreadServer upstream(plainLineSession);
        const std::string certificate = readTextFile(path("own.pem"));
        const std::string config = "          server_certificate: " + pemBlock(certificate, 12)
                                   + "          server_private_key: " + pemBlock(readTextFile(path("own.key")), 12);
        TerminatingEngine e({tlsTestEndpoint("tls://db.localhost", "127.0.0.1:" + std::to_string(upstream.port()),
                                         terminatePolicy(config))});
        TlsClientSetup client;
        client.caFile = path("own.pem").toStdString();
        const TlsProbeResult r = tlsClient(e.edge(), client);
        QVERIFY(r.handshake);
        QCOMPARE(r.peerPem, certificate);
        QCOMPARE(r.reply, std::string("plain:hello"));
    }

    void mismatchedPairCloses()
    {
        ThreadServer upstream(plainLineSession);
        const std::string config = "          server_certificate: " + pemBlock(readTextFile(path("own.pem")), 12)
                                   + "          server_private_key: " + pemBlock(readTextFile(path("clientA.key")), 12);
        TerminatingEngine e({tlsTestEndpoint("tls://db.localhost", "127.0.0.1:" + std::to_string(upstream.port()),
                                         terminatePolicy(config))});
        const TlsProbeResult r = tlsClient(e.edge(), TlsClientSetup{});
        QVERIFY(!r.handshake);
        QCOMPARE(upstream.connections(), 0);
    }

    void mutualTls_data()
    {
        QTest::addColumn<QString>("strategy");
        QTest::addColumn<QString>("clientCertificate"); // "", "clientA" (right CA), "clientB" (other CA)
        QTest::addColumn<bool>("accepted");
        const QString strategies[] = {"require-and-verify", "require-any", "request"};
        const bool none[] = {false, false, true};
        const bool wrong[] = {false, true, true};
        for (int i = 0; i < 3; ++i) {
            const QByteArray s = strategies[i].toUtf8();
            QTest::newRow(s + ", no certificate") << strategies[i] << "" << none[i];
            QTest::newRow(s + ", other CA") << strategies[i] << "clientB" << wrong[i];
            QTest::newRow(s + ", right CA") << strategies[i] << "clientA" << true;
        }
    }

    void mutualTls()
    {
        QFETCH(QString, strategy);
        QFETCH(QString, clientCertificate);
        QFETCH(bool, accepted);
        ThreadServer upstream(plainLineSession);
        const std::string config = "          mutual_tls_verification_strategy: " + strategy.toStdString() + "\n"
                                   + "          mutual_tls_certificate_authorities:\n            - "
                                   + pemBlock(readTextFile(path("caA.pem")), 14);
        TerminatingEngine e({tlsTestEndpoint("tls://db.localhost", "127.0.0.1:" + std::to_string(upstream.port()),
                                         terminatePolicy(config))});
        TlsClientSetup client;
        client.caFile = e.caFile();
        if (!clientCertificate.isEmpty()) {
            client.certificateFile = path(clientCertificate + ".pem").toStdString();
            client.keyFile = path(clientCertificate + ".key").toStdString();
        }
        const TlsProbeResult r = tlsClient(e.edge(), client);
        // TLS 1.3 clients finish their side before the server has seen
        // their certificate: a refusal shows as a closed connection.
        QCOMPARE(r.reply, accepted ? std::string("plain:hello") : std::string());
        QCOMPARE(upstream.connections(), accepted ? 1 : 0);
    }

    void httpsEndpoint_data()
    {
        QTest::addColumn<QString>("config");
        QTest::addColumn<int>("clientMax");
        QTest::addColumn<bool>("withCertificate");
        QTest::addColumn<bool>("accepted");
        const QString mutual = "          mutual_tls_certificate_authorities:\n            - "
                               + QString::fromStdString(pemBlock(readTextFile(path("caA.pem")), 14));
        QTest::newRow("min 1.3, client 1.2 only") << "          min_version: \"1.3\"\n" << TLS1_2_VERSION << false
                                                  << false;
        QTest::newRow("min 1.3, client 1.3") << "          min_version: \"1.3\"\n" << TLS1_3_VERSION << false << true;
        QTest::newRow("mutual TLS, no certificate") << mutual << 0 << false << false;
        QTest::newRow("mutual TLS, right CA") << mutual << 0 << true << true;
    }

    // https:// endpoints always terminate; terminate-tls in their
    // on_tcp_connect sets the versions and mutual TLS of that handshake.
    void httpsEndpoint()
    {
        QFETCH(QString, config);
        QFETCH(int, clientMax);
        QFETCH(bool, withCertificate);
        QFETCH(bool, accepted);
        ThreadServer upstream(httpOkSession);
        TerminatingEngine e({tlsTestEndpoint("https://app.localhost", "http://127.0.0.1:" + std::to_string(upstream.port()),
                                         terminatePolicy(config.toStdString()))});
        TlsClientSetup client;
        client.sni = "app.localhost";
        client.caFile = e.caFile();
        client.maxVersion = clientMax;
        if (withCertificate) {
            client.certificateFile = path("clientA.pem").toStdString();
            client.keyFile = path("clientA.key").toStdString();
        }
        const TlsProbeResult r =
            tlsExchange(e.edge(), client, "GET / HTTP/1.1\r\nHost: app.localhost\r\nConnection: close\r\n\r\n");
        QVERIFY2(r.reply.starts_with(accepted ? "HTTP/1.1 200" : ""), r.reply.c_str());
        if (!accepted)
            QCOMPARE(r.reply, std::string());
        QCOMPARE(upstream.connections(), accepted ? 1 : 0);
    }

    void httpsRestrictIpsOnTcpConnect()
    {
        ThreadServer upstream(httpOkSession);
        TerminatingEngine e({tlsTestEndpoint("https://app.localhost", "http://127.0.0.1:" + std::to_string(upstream.port()),
                                         "on_tcp_connect:\n  - actions: [{type: restrict-ips, config: {deny: "
                                         "[127.0.0.0/8]}}]\n")});
        TlsClientSetup client;
        client.sni = "app.localhost";
        client.caFile = e.caFile();
        QVERIFY(!tlsExchange(e.edge(), client, "GET / HTTP/1.1\r\nHost: app.localhost\r\n\r\n").handshake);
        QCOMPARE(upstream.connections(), 0);
    }

    void upstreamVerification_data()
    {
        QTest::addColumn<bool>("verify");
        QTest::addColumn<bool>("withCa");
        QTest::addColumn<int>("status");
        QTest::newRow("off (default)") << false << false << 200;
        QTest::newRow("on, system store") << true << false << 502;
        QTest::newRow("on, the upstream's CA file") << true << true << 200;
    }

    void upstreamVerification()
    {
        QFETCH(bool, verify);
        QFETCH(bool, withCa);
        QFETCH(int, status);
        OpensslServer upstream("localhost");
        QVERIFY(upstream.ready());
        const std::string upstreamUrl = "https://localhost:" + std::to_string(upstream.port());
        TerminatingEngine e({tlsTestEndpoint("http://app.localhost", upstreamUrl)}, verify,
                            withCa ? upstream.certificateFile() : std::string());
        RawConnection connection(e.engine->edgeHttpPort());
        QVERIFY(connection.send("GET / HTTP/1.1\r\nHost: app.localhost\r\nConnection: close\r\n\r\n"));
        const RawResponse response = connection.readResponse();
        QCOMPARE(response.status, status);
        if (status == 502) {
            QCOMPARE(response.header("switchyard-error-code"), std::string("ERR_SWITCHYARD_8012"));
            QVERIFY2(response.body.find(upstreamUrl) != std::string::npos, response.body.c_str());
            QVERIFY2(response.body.find("certificate") != std::string::npos, response.body.c_str());
        }
    }

private:
    QString path(const QString &name) const { return m_certs.filePath(name); }

    QTemporaryDir m_certs;
};

QTEST_GUILESS_MAIN(TestTerminateTls)
#include "tst_terminatetls.moc"
