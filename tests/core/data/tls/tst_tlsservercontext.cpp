// SPDX-License-Identifier: Apache-2.0
// Full TLS handshakes in memory: a client SSL and a server SSL joined by
// memory BIOs, bytes pumped between them, no sockets.
#include "data/tls/tlsclientcontext.h"
#include "data/tls/tlsservercontext.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <QTemporaryDir>
#include <QTest>

using namespace switchyard;

namespace {

struct Handshake
{
    bool clientOk = false;
    bool serverOk = false;
    unsigned long clientError = 0; // first OpenSSL error on the client side
    std::string alpn;
    std::string peerSan;
    long verifyResult = -1;
    int version = 0;
};

void move(BIO *from, BIO *to)
{
    char buffer[4096];
    int n = 0;
    while ((n = BIO_read(from, buffer, sizeof buffer)) > 0)
        BIO_write(to, buffer, n);
}

std::string firstDnsSan(X509 *cert)
{
    std::string out;
    auto *names = static_cast<GENERAL_NAMES *>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    if (names != nullptr && sk_GENERAL_NAME_num(names) > 0) {
        const GENERAL_NAME *n = sk_GENERAL_NAME_value(names, 0);
        if (n->type == GEN_DNS)
            out.assign(reinterpret_cast<const char *>(ASN1_STRING_get0_data(n->d.dNSName)),
                       static_cast<std::size_t>(ASN1_STRING_length(n->d.dNSName)));
    }
    GENERAL_NAMES_free(names);
    return out;
}

// Runs the handshake to completion or failure. `client` is configured by
// the caller (SNI, ALPN, verification); the server SSL comes from serverCtx.
Handshake pump(SSL *client, SSL_CTX *serverCtx)
{
    SSL *server = SSL_new(serverCtx);
    BIO *clientIn = BIO_new(BIO_s_mem());
    BIO *clientOut = BIO_new(BIO_s_mem());
    BIO *serverIn = BIO_new(BIO_s_mem());
    BIO *serverOut = BIO_new(BIO_s_mem());
    SSL_set_bio(client, clientIn, clientOut);
    SSL_set_bio(server, serverIn, serverOut);
    SSL_set_connect_state(client);
    SSL_set_accept_state(server);

    Handshake h;
    ERR_clear_error();
    bool clientDone = false;
    bool serverDone = false;
    bool clientFailed = false;
    bool serverFailed = false;
    for (int round = 0; round < 20 && !(clientDone && serverDone) && !clientFailed; ++round) {
        if (!clientDone) {
            const int r = SSL_do_handshake(client);
            clientDone = r == 1;
            if (r <= 0 && SSL_get_error(client, r) != SSL_ERROR_WANT_READ) {
                clientFailed = true;
                h.clientError = ERR_peek_error();
            }
        }
        move(clientOut, serverIn);
        if (!serverDone && !serverFailed) {
            const int r = SSL_do_handshake(server);
            serverDone = r == 1;
            if (r <= 0 && SSL_get_error(server, r) != SSL_ERROR_WANT_READ) {
                serverFailed = true;
                ERR_clear_error(); // both ends share this thread's error queue
            }
        }
        move(serverOut, clientIn);
        if (serverFailed && !clientFailed && !clientDone) {
            // Let the client read the alert.
            const int r = SSL_do_handshake(client);
            if (r <= 0) {
                clientFailed = true;
                h.clientError = ERR_peek_error();
            }
        }
    }
    h.clientOk = clientDone;
    h.serverOk = serverDone;
    if (clientDone) {
        const unsigned char *data = nullptr;
        unsigned int length = 0;
        SSL_get0_alpn_selected(client, &data, &length);
        h.alpn.assign(reinterpret_cast<const char *>(data), length);
        if (X509 *peer = SSL_get1_peer_certificate(client)) {
            h.peerSan = firstDnsSan(peer);
            X509_free(peer);
        }
        h.verifyResult = SSL_get_verify_result(client);
        h.version = SSL_version(client);
    }
    SSL_free(server);
    ERR_clear_error();
    return h;
}

SSL_CTX *verifyingClientCtx(const std::string &caFile)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(ctx, caFile.c_str(), nullptr);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    return ctx;
}

void setSni(SSL *ssl, const char *host)
{
    SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char *>(host));
}

void setAlpn(SSL *ssl, const std::string &wire)
{
    SSL_set_alpn_protos(ssl, reinterpret_cast<const unsigned char *>(wire.data()), static_cast<unsigned>(wire.size()));
}

} // namespace

class TestTlsServerContext : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void verifiedHandshakeWithSni_data();
    void verifiedHandshakeWithSni();
    void noAlpnOverlapStillConnects();
    void tls11ClientRejected();
    void missingSniRejected();
    void refusedHostRejected();
    void fallbackCertificateForMissingSni();
    void clientContextVerification_data();
    void clientContextVerification();

private:
    QTemporaryDir m_dir;
    std::shared_ptr<CertificateCache> m_cache;
    std::optional<TlsServerContext> m_server;
};

void TestTlsServerContext::initTestCase()
{
    auto ca = LocalCa::loadOrCreate(m_dir.path().toStdString());
    QVERIFY(ca.ok());
    m_cache = std::make_shared<CertificateCache>(*ca);
    auto server = TlsServerContext::create(m_cache);
    QVERIFY2(server.ok(), server.ok() ? "" : server.message().c_str());
    m_server.emplace(*server);
    QVERIFY(m_server->nativeHandle() != nullptr);
}

void TestTlsServerContext::verifiedHandshakeWithSni_data()
{
    QTest::addColumn<int>("version");
    QTest::newRow("TLS 1.3") << TLS1_3_VERSION;
    QTest::newRow("TLS 1.2") << TLS1_2_VERSION;
}

void TestTlsServerContext::verifiedHandshakeWithSni()
{
    QFETCH(int, version);
    SSL_CTX *ctx = verifyingClientCtx(m_cache->ca().caCertificatePath());
    SSL_CTX_set_max_proto_version(ctx, version);
    SSL *client = SSL_new(ctx);
    setSni(client, "app.localhost");
    SSL_set1_host(client, "app.localhost");
    setAlpn(client, std::string("\x02h2\x08http/1.1", 12));
    const Handshake h = pump(client, m_server->nativeHandle());
    QVERIFY2(h.clientOk, ERR_error_string(h.clientError, nullptr));
    QVERIFY(h.serverOk);
    QCOMPARE(h.verifyResult, long(X509_V_OK));
    QCOMPARE(h.peerSan, std::string("app.localhost"));
    QCOMPARE(h.alpn, std::string("http/1.1"));
    QCOMPARE(h.version, version);
    SSL_free(client);
    SSL_CTX_free(ctx);
}

void TestTlsServerContext::noAlpnOverlapStillConnects()
{
    SSL_CTX *ctx = verifyingClientCtx(m_cache->ca().caCertificatePath());
    SSL *client = SSL_new(ctx);
    setSni(client, "app.localhost");
    setAlpn(client, std::string("\x02h2", 3));
    const Handshake h = pump(client, m_server->nativeHandle());
    QVERIFY(h.clientOk);
    QCOMPARE(h.alpn, std::string());
    SSL_free(client);
    SSL_CTX_free(ctx);
}

void TestTlsServerContext::tls11ClientRejected()
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    // Security level 0 so that the client really offers TLS 1.1.
    SSL_CTX_set_security_level(ctx, 0);
    SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0");
    SSL_CTX_set_min_proto_version(ctx, TLS1_1_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_1_VERSION);
    SSL *client = SSL_new(ctx);
    setSni(client, "app.localhost");
    const Handshake h = pump(client, m_server->nativeHandle());
    QVERIFY(!h.clientOk);
    QVERIFY(!h.serverOk);
    QCOMPARE(ERR_GET_REASON(h.clientError), SSL_R_TLSV1_ALERT_PROTOCOL_VERSION);
    SSL_free(client);
    SSL_CTX_free(ctx);
}

void TestTlsServerContext::missingSniRejected()
{
    SSL_CTX *ctx = verifyingClientCtx(m_cache->ca().caCertificatePath());
    SSL *client = SSL_new(ctx);
    const Handshake h = pump(client, m_server->nativeHandle());
    QVERIFY(!h.clientOk);
    QVERIFY(!h.serverOk);
    QCOMPARE(ERR_GET_REASON(h.clientError), SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE);

    SSL *bad = SSL_new(ctx);
    setSni(bad, "bad_name.localhost");
    const Handshake h2 = pump(bad, m_server->nativeHandle());
    QVERIFY(!h2.clientOk);
    QCOMPARE(ERR_GET_REASON(h2.clientError), SSL_R_TLSV1_UNRECOGNIZED_NAME);
    SSL_free(bad);
    SSL_free(client);
    SSL_CTX_free(ctx);
}

void TestTlsServerContext::refusedHostRejected()
{
    TlsServerOptions options;
    options.acceptHost = [](std::string_view host) { return host == "known.localhost"; };
    auto server = TlsServerContext::create(m_cache, options);
    QVERIFY(server.ok());
    SSL_CTX *ctx = verifyingClientCtx(m_cache->ca().caCertificatePath());

    SSL *unknown = SSL_new(ctx);
    setSni(unknown, "Unknown.localhost");
    const std::size_t before = m_cache->mintCount();
    const Handshake h = pump(unknown, server->nativeHandle());
    QVERIFY(!h.clientOk);
    QCOMPARE(ERR_GET_REASON(h.clientError), SSL_R_TLSV1_UNRECOGNIZED_NAME);
    QCOMPARE(m_cache->mintCount(), before);

    SSL *known = SSL_new(ctx);
    setSni(known, "KNOWN.localhost"); // matched after lower-casing
    const Handshake ok = pump(known, server->nativeHandle());
    QVERIFY(ok.clientOk);
    QCOMPARE(ok.peerSan, std::string("known.localhost"));
    SSL_free(unknown);
    SSL_free(known);
    SSL_CTX_free(ctx);
}

void TestTlsServerContext::fallbackCertificateForMissingSni()
{
    TlsServerOptions options;
    options.fallbackCertificate = [this](std::string_view sni) -> CertificateCache::LeafPtr {
        if (!sni.empty())
            return nullptr;
        auto leaf = m_cache->leafFor("127.0.0.1");
        return leaf ? *leaf : nullptr;
    };
    auto server = TlsServerContext::create(m_cache, options);
    QVERIFY(server.ok());
    SSL_CTX *ctx = verifyingClientCtx(m_cache->ca().caCertificatePath());
    SSL *client = SSL_new(ctx);
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(client), "127.0.0.1");
    const Handshake h = pump(client, server->nativeHandle());
    QVERIFY(h.clientOk);
    QCOMPARE(h.verifyResult, long(X509_V_OK));
    SSL_free(client);
    SSL_CTX_free(ctx);
}

void TestTlsServerContext::clientContextVerification_data()
{
    QTest::addColumn<bool>("verify");
    QTest::addColumn<bool>("withCaFile");
    QTest::addColumn<bool>("expectOk");
    QTest::newRow("verification off (default)") << false << false << true;
    QTest::newRow("verify against the local CA") << true << true << true;
    QTest::newRow("verify against the system store") << true << false << false;
}

void TestTlsServerContext::clientContextVerification()
{
    QFETCH(bool, verify);
    QFETCH(bool, withCaFile);
    QFETCH(bool, expectOk);
    TlsClientOptions options;
    options.verify = verify;
    if (withCaFile)
        options.caFile = m_cache->ca().caCertificatePath();
    options.alpn = {"http/1.1"};
    auto clientCtx = TlsClientContext::create(options);
    QVERIFY2(clientCtx.ok(), clientCtx.ok() ? "" : clientCtx.message().c_str());
    QCOMPARE(clientCtx->verifies(), verify);
    SSL *client = SSL_new(clientCtx->nativeHandle());
    QVERIFY(clientCtx->prepareConnection(client, "upstream.localhost").ok());
    const Handshake h = pump(client, m_server->nativeHandle());
    QCOMPARE(h.clientOk, expectOk);
    if (expectOk) {
        QCOMPARE(h.peerSan, std::string("upstream.localhost")); // SNI was sent
        QCOMPARE(h.alpn, std::string("http/1.1"));
    } else {
        QCOMPARE(ERR_GET_REASON(h.clientError), SSL_R_CERTIFICATE_VERIFY_FAILED);
    }
    SSL_free(client);

    TlsClientOptions missing;
    missing.verify = true;
    missing.caFile = m_dir.path().toStdString() + "/nope.pem";
    QVERIFY(!TlsClientContext::create(missing).ok());
}

QTEST_GUILESS_MAIN(TestTlsServerContext)
#include "tst_tlsservercontext.moc"
