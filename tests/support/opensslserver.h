// SPDX-License-Identifier: Apache-2.0
#pragma once
// A real TLS upstream for passthrough tests: `openssl s_server -www` with a
// fresh self-signed certificate for one name, on a fixed loopback port. The
// test checks the client sees exactly this certificate through the proxy.
#include "freeport.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>

#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <sys/prctl.h>
#include <sys/socket.h>

#include <csignal>
#include <string>

class OpensslServer
{
public:
    explicit OpensslServer(const QString &name) : m_port(freePort())
    {
        const QString cert = m_dir.filePath("cert.pem");
        const QString key = m_dir.filePath("key.pem");
        QProcess req;
        req.start("openssl", {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                              "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=" + name, "-addext",
                              "subjectAltName=DNS:" + name});
        if (!req.waitForFinished(20000) || req.exitCode() != 0)
            return;
        QFile pem(cert);
        if (pem.open(QIODevice::ReadOnly))
            m_certificatePem = pem.readAll().toStdString();
        m_certificateFile = cert.toStdString();
        m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.start("openssl", {"s_server", "-accept", "127.0.0.1:" + QString::number(m_port), "-cert", cert,
                                    "-key", key, "-www", "-quiet"});
        if (!m_process.waitForStarted(5000))
            return;
        // Ready once the port accepts; the probe is one harmless connection.
        for (int i = 0; i < 200 && !m_ready; ++i) {
            const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
            sockaddr_in addr{};
            addr.sin_family = AF_INET;
            addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            addr.sin_port = htons(static_cast<uint16_t>(m_port));
            m_ready = ::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0;
            ::close(fd);
            if (!m_ready)
                QThread::msleep(25);
        }
    }
    ~OpensslServer()
    {
        if (m_process.processId() > 0)
            ::kill(static_cast<pid_t>(m_process.processId()), SIGKILL);
        m_process.waitForFinished(3000);
    }
    bool ready() const { return m_ready; }
    int port() const { return m_port; }
    const std::string &certificatePem() const { return m_certificatePem; }
    const std::string &certificateFile() const { return m_certificateFile; }

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    int m_port;
    bool m_ready = false;
    std::string m_certificatePem;
    std::string m_certificateFile;
};

struct TlsProbeResult
{
    bool handshake = false;
    std::string peerPem; // the certificate the client was shown
    std::string reply;   // what came back for "GET / HTTP/1.0"
    int lastError = -1;  // SSL_get_error of the read that ended `reply` (SSL_ERROR_ZERO_RETURN: close_notify)
};

// How tlsExchange connects: the SNI name, the trusted CAs (empty: the
// server's certificate is not checked; otherwise it must also name `sni`),
// protocol bounds (0: OpenSSL's) and a client certificate for mutual TLS.
struct TlsClientSetup
{
    std::string sni;
    std::string caFile;
    int minVersion = 0;
    int maxVersion = 0;
    std::string certificateFile;
    std::string keyFile;
    std::string alpn; // one protocol offered, e.g. "http/1.1"; empty: no ALPN
};

// A TLS client on 127.0.0.1:port: handshake, send `request`, read until the
// server closes (or 5 s pass without a byte).
inline TlsProbeResult tlsExchange(int port, const TlsClientSetup &setup, const std::string &request)
{
    TlsProbeResult result;
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    timeval timeout{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return result;
    }
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (setup.minVersion)
        SSL_CTX_set_min_proto_version(ctx, setup.minVersion);
    if (setup.maxVersion)
        SSL_CTX_set_max_proto_version(ctx, setup.maxVersion);
    if (!setup.caFile.empty()) {
        SSL_CTX_load_verify_locations(ctx, setup.caFile.c_str(), nullptr);
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    }
    if (!setup.certificateFile.empty()) {
        SSL_CTX_use_certificate_file(ctx, setup.certificateFile.c_str(), SSL_FILETYPE_PEM);
        SSL_CTX_use_PrivateKey_file(ctx, setup.keyFile.c_str(), SSL_FILETYPE_PEM);
    }
    SSL *ssl = SSL_new(ctx);
    // SSL_set_tlsext_host_name is a macro with an old-style cast.
    SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char *>(setup.sni.c_str()));
    if (!setup.caFile.empty())
        SSL_set1_host(ssl, setup.sni.c_str());
    if (!setup.alpn.empty()) {
        const std::string wire = std::string(1, static_cast<char>(setup.alpn.size())) + setup.alpn;
        SSL_set_alpn_protos(ssl, reinterpret_cast<const unsigned char *>(wire.data()),
                            static_cast<unsigned>(wire.size()));
    }
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) == 1) {
        result.handshake = true;
        if (X509 *peer = SSL_get1_peer_certificate(ssl)) {
            BIO *bio = BIO_new(BIO_s_mem());
            PEM_write_bio_X509(bio, peer);
            char *data = nullptr;
            const long length = BIO_get_mem_data(bio, &data);
            result.peerPem.assign(data, static_cast<std::size_t>(length));
            BIO_free(bio);
            X509_free(peer);
        }
        SSL_write(ssl, request.data(), static_cast<int>(request.size()));
        char buffer[4096];
        int n = 0;
        while ((n = SSL_read(ssl, buffer, sizeof buffer)) > 0)
            result.reply.append(buffer, static_cast<std::size_t>(n));
        result.lastError = SSL_get_error(ssl, n);
    }
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    ::close(fd);
    return result;
}

// A verifying TLS client: connects to 127.0.0.1:port with SNI `name`,
// trusting only `caFile` and checking the certificate is for `name`, then
// sends "GET / HTTP/1.0" and reads until the server closes.
inline TlsProbeResult tlsProbe(int port, const std::string &name, const std::string &caFile)
{
    TlsClientSetup setup;
    setup.sni = name;
    setup.caFile = caFile;
    return tlsExchange(port, setup, "GET / HTTP/1.0\r\n\r\n");
}
