// SPDX-License-Identifier: Apache-2.0
#include "control/inspect/replayclient.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <memory>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace switchyard {

namespace {

struct Fd
{
    int fd = -1;
    ~Fd()
    {
        if (fd >= 0)
            ::close(fd);
    }
};

struct SslDeleter
{
    void operator()(SSL *ssl) const { SSL_free(ssl); }
    void operator()(SSL_CTX *ctx) const { SSL_CTX_free(ctx); }
};

} // namespace

Result<std::string> ReplayClient::send(const Target &target, const std::string &request,
                                       const std::function<void(const std::string &)> &connected,
                                       std::chrono::milliseconds timeout)
{
    Fd socket{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
    if (socket.fd < 0)
        return makeError(std::string("cannot create a socket: ") + std::strerror(errno));
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    ::setsockopt(socket.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(socket.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(target.port));
    if (::connect(socket.fd, reinterpret_cast<const sockaddr *>(&addr), sizeof addr) != 0)
        return makeError("cannot connect to 127.0.0.1:" + std::to_string(target.port) + ": " + std::strerror(errno));
    sockaddr_in local{};
    socklen_t length = sizeof local;
    ::getsockname(socket.fd, reinterpret_cast<sockaddr *>(&local), &length);
    connected("127.0.0.1:" + std::to_string(ntohs(local.sin_port)));

    std::unique_ptr<SSL_CTX, SslDeleter> ctx;
    std::unique_ptr<SSL, SslDeleter> ssl;
    if (target.tls) {
        ctx.reset(SSL_CTX_new(TLS_client_method()));
        if (ctx && !target.caFile.empty()) {
            if (SSL_CTX_load_verify_locations(ctx.get(), target.caFile.c_str(), nullptr) != 1)
                return makeError("cannot read the CA certificate " + target.caFile);
            SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
        }
        ssl.reset(ctx ? SSL_new(ctx.get()) : nullptr);
        if (!ssl)
            return makeError("cannot set up TLS for the replay");
        SSL_set_fd(ssl.get(), socket.fd);
        // SSL_set_tlsext_host_name is a macro with a C-style cast.
        SSL_ctrl(ssl.get(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 const_cast<char *>(target.serverName.c_str()));
        if (!target.caFile.empty())
            SSL_set1_host(ssl.get(), target.serverName.c_str());
        if (SSL_connect(ssl.get()) != 1) {
            const long verify = SSL_get_verify_result(ssl.get());
            return makeError("the TLS handshake with 127.0.0.1:" + std::to_string(target.port) + " failed"
                             + (verify != X509_V_OK ? std::string(": ") + X509_verify_cert_error_string(verify)
                                                    : std::string()));
        }
    }
    const auto write = [&](const char *data, std::size_t size) -> long {
        if (ssl)
            return SSL_write(ssl.get(), data, static_cast<int>(size));
        return ::send(socket.fd, data, size, MSG_NOSIGNAL);
    };
    const auto read = [&](char *data, std::size_t size) -> long {
        if (ssl)
            return SSL_read(ssl.get(), data, static_cast<int>(size));
        return ::recv(socket.fd, data, size, 0);
    };
    std::size_t sent = 0;
    while (sent < request.size()) {
        const long n = write(request.data() + sent, request.size() - sent);
        if (n <= 0)
            return makeError("the replay could not be sent to 127.0.0.1:" + std::to_string(target.port));
        sent += static_cast<std::size_t>(n);
    }
    std::string response;
    char buffer[16384];
    while (true) {
        const long n = read(buffer, sizeof buffer);
        if (n <= 0)
            break;
        response.append(buffer, static_cast<std::size_t>(n));
    }
    if (response.empty())
        return makeError("no response to the replay from 127.0.0.1:" + std::to_string(target.port));
    return response;
}

} // namespace switchyard
