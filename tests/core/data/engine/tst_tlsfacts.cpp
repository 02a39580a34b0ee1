// SPDX-License-Identifier: Apache-2.0
// conn.tls.* on terminated connections through the Engine over real sockets
// on 127.0.0.1: a custom-response interpolates the variables, an OpenSSL
// client reads them back (versions, suite, SNI, ALPN, the local CA leaf,
// a mutual-TLS client certificate; absent on plain HTTP). Also: leaves of
// the local CA are minted once per name (memory and disk), and a
// connection Switchyard closes ends with close_notify, not a truncation.
#include "../../../support/opensslserver.h"
#include "../../../support/rawhttpclient.h"
#include "../l4/l4testsupport.h"

#include "control/endpointregistry.h"
#include "data/engine/engine.h"
#include "data/engine/policyruntime.h"
#include "data/engine/tcppolicyruntime.h"

#include <asio/read_until.hpp>
#include <asio/streambuf.hpp>

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace switchyard;
using namespace l4test;

namespace {

Endpoint endpointFor(const std::string &url, const std::string &upstream, const std::string &policy = {})
{
    Endpoint e;
    e.name = "e" + std::to_string(std::hash<std::string>{}(url) % 100000);
    e.url = *EndpointUrl::parse(url);
    e.binding = *EndpointUrl::resolveBinding(e.url, std::nullopt);
    e.upstream = *Upstream::parse(upstream, e.url.scheme());
    e.trafficPolicy = policy;
    return e;
}

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

// Lines of `pem` indented for a YAML block scalar.
std::string block(const std::string &pem, int indent)
{
    std::string out = "|\n";
    std::size_t start = 0;
    while (start < pem.size()) {
        const std::size_t end = pem.find('\n', start);
        const std::string line = pem.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!line.empty())
            out += std::string(static_cast<std::size_t>(indent), ' ') + line + "\n";
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    return out;
}

std::string bodyOf(const std::string &reply)
{
    const std::size_t end = reply.find("\r\n\r\n");
    return end == std::string::npos ? std::string() : reply.substr(end + 4);
}

struct ClientOutcome
{
    bool handshake = false;
    std::string reply;
    int lastError = -1; // SSL_get_error of the read that ended the reply
    std::string peerPem;
};

// An OpenSSL client: handshake (offering `alpn` when given), send
// `request`, read until the read fails; records why it failed.
ClientOutcome exchange(int port, const TlsClientSetup &setup, const std::string &request, const std::string &alpn = {})
{
    ClientOutcome out;
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    timeval timeout{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return out;
    }
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (setup.maxVersion)
        SSL_CTX_set_max_proto_version(ctx, setup.maxVersion);
    if (!setup.certificateFile.empty()) {
        SSL_CTX_use_certificate_file(ctx, setup.certificateFile.c_str(), SSL_FILETYPE_PEM);
        SSL_CTX_use_PrivateKey_file(ctx, setup.keyFile.c_str(), SSL_FILETYPE_PEM);
    }
    SSL *ssl = SSL_new(ctx);
    SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char *>(setup.sni.c_str()));
    if (!alpn.empty()) {
        std::string wire(1, static_cast<char>(alpn.size()));
        wire += alpn;
        SSL_set_alpn_protos(ssl, reinterpret_cast<const unsigned char *>(wire.data()), static_cast<unsigned>(wire.size()));
    }
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) == 1) {
        out.handshake = true;
        if (X509 *peer = SSL_get1_peer_certificate(ssl)) {
            BIO *bio = BIO_new(BIO_s_mem());
            PEM_write_bio_X509(bio, peer);
            char *data = nullptr;
            const long length = BIO_get_mem_data(bio, &data);
            out.peerPem.assign(data, static_cast<std::size_t>(length));
            BIO_free(bio);
            X509_free(peer);
        }
        SSL_write(ssl, request.data(), static_cast<int>(request.size()));
        char buffer[4096];
        int n = 0;
        while ((n = SSL_read(ssl, buffer, sizeof buffer)) > 0)
            out.reply.append(buffer, static_cast<std::size_t>(n));
        out.lastError = SSL_get_error(ssl, n);
    }
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    ::close(fd);
    return out;
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
        QVERIFY(m_certs.isValid());
        QVERIFY(openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                         "-keyout", path("ca.key"), "-out", path("ca.pem"), "-days", "2", "-subj", "/CN=caA",
                         "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=keyCertSign"}));
        QVERIFY(openssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                         path("client.key"), "-out", path("client.csr"), "-subj", "/O=Example/CN=alice"}));
        QVERIFY(openssl({"x509", "-req", "-in", path("client.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
                         "-set_serial", "4660", "-days", "2", "-out", path("client.pem")}));
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
        FactsEngine e({endpointFor("https://app.localhost", "http://127.0.0.1:1",
                                   respondWith("on_http_request", "${conn.tls.version}|${conn.tls.cipher_suite}|"
                                                                  "${conn.tls.sni}|${conn.tls.negotiated_alpn}|"
                                                                  "${conn.tls.session_resumed}"))},
                      data.path());
        TlsClientSetup client;
        client.sni = "app.localhost";
        client.maxVersion = clientMax;
        const ClientOutcome r = exchange(e.https(), client, Get, alpn.toStdString());
        QVERIFY(r.handshake);
        QCOMPARE(QString::fromStdString(bodyOf(r.reply)), expected);
    }

    // The local CA's leaf for the SNI name, and no client certificate.
    void serverCertificate()
    {
        QTemporaryDir data;
        FactsEngine e({endpointFor("https://app.localhost", "http://127.0.0.1:1",
                                   respondWith("on_http_request",
                                               "${conn.tls.server.subject}|"
                                               "${conn.tls.server.issuer.startsWith('CN=Switchyard Local CA ')}|"
                                               "${conn.tls.server.san.dns_names[0]}|${size(conn.tls.server.serial_number)}|"
                                               "${conn.tls.server.validity.not_before < conn.tls.server.validity.not_after}|"
                                               "${has(conn.tls.client)}|${has(conn.tls.server.pem)}"))},
                      data.path());
        TlsClientSetup client;
        client.sni = "app.localhost";
        const ClientOutcome r = exchange(e.https(), client, Get);
        QVERIFY(r.handshake);
        QCOMPARE(bodyOf(r.reply), std::string("CN=app.localhost,O=Switchyard|true|app.localhost|32|true|false|false"));
    }

    void clientCertificate()
    {
        QTemporaryDir data;
        const std::string policy =
            "on_tcp_connect:\n  - actions:\n      - type: terminate-tls\n        config:\n"
            "          mutual_tls_certificate_authorities:\n            - "
            + block(readFile(path("ca.pem")), 14);
        const std::string pem = readFile(path("client.pem"));
        FactsEngine e({endpointFor("https://app.localhost", "http://127.0.0.1:1",
                                   respondWith("on_http_request",
                                               "${conn.tls.client.subject}|${conn.tls.client.issuer}|"
                                               "${conn.tls.client.serial_number}|${conn.tls.client.pem.size()}",
                                               policy))},
                      data.path());
        TlsClientSetup client;
        client.sni = "app.localhost";
        client.certificateFile = path("client.pem").toStdString();
        client.keyFile = path("client.key").toStdString();
        const ClientOutcome r = exchange(e.https(), client, Get);
        QVERIFY(r.handshake);
        QCOMPARE(bodyOf(r.reply), "CN=alice,O=Example|CN=caA|1234|" + std::to_string(pem.size()));
    }

    void onHttpResponse()
    {
        ThreadServer upstream(httpOkSession);
        QTemporaryDir data;
        FactsEngine e({endpointFor("https://app.localhost", "http://127.0.0.1:" + std::to_string(upstream.port()),
                                   respondWith("on_http_response", "${res.status_code} ${conn.tls.sni}"))},
                      data.path());
        TlsClientSetup client;
        client.sni = "app.localhost";
        const ClientOutcome r = exchange(e.https(), client, Get);
        QVERIFY(r.handshake);
        QCOMPARE(bodyOf(r.reply), std::string("200 app.localhost"));
    }

    void absentOnPlainHttp()
    {
        QTemporaryDir data;
        FactsEngine e({endpointFor("http://app.localhost", "http://127.0.0.1:1",
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
        FactsEngine e({endpointFor("https://app.localhost", "http://127.0.0.1:1", policy.toStdString())}, data.path(),
                      std::chrono::milliseconds(300));
        TlsClientSetup client;
        client.sni = "app.localhost";
        const ClientOutcome r = exchange(e.https(), client, request.toStdString());
        QVERIFY(r.handshake);
        QCOMPARE(QString::fromStdString(bodyOf(r.reply)), expectedBody);
        QCOMPARE(r.lastError, SSL_ERROR_ZERO_RETURN);
    }

private:
    QString path(const QString &name) const { return m_certs.filePath(name); }

    static std::string readFile(const QString &path)
    {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? file.readAll().toStdString() : std::string();
    }

    bool openssl(const QStringList &args)
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start("openssl", args);
        const bool ok = p.waitForFinished(20000) && p.exitCode() == 0;
        if (!ok)
            qWarning("openssl %s: %s", qPrintable(args.join(' ')), p.readAll().constData());
        return ok;
    }

    QTemporaryDir m_certs;
};

QTEST_GUILESS_MAIN(TestTlsFacts)
#include "tst_tlsfacts.moc"
