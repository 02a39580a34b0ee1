// SPDX-License-Identifier: Apache-2.0
#pragma once

// Blocking test clients for the engine's integration tests: a raw TCP
// connection to 127.0.0.1 with timeouts, responses parsed by the project's
// own strict HttpResponseParser, and a child-process origin server.

#include "data/http/httpresponseparser.h"

#include <QProcess>
#include <QString>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <memory>
#include <string>
#include <string_view>

struct RawResponse
{
    bool ok = false;     // a complete response was read
    bool closed = false; // the server closed the connection (during or after it)
    int status = 0;
    switchyard::HttpHeaders headers;
    std::string body;
    std::string header(std::string_view name) const { return std::string(headers.value(name).value_or("")); }
};

class RawConnection
{
public:
    RawConnection() = default;
    explicit RawConnection(int port) { connectTo(port); }
    ~RawConnection() { close(); }
    RawConnection(const RawConnection &) = delete;
    RawConnection &operator=(const RawConnection &) = delete;

    bool connectTo(int port)
    {
        close();
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(m_fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
            close();
            return false;
        }
        int one = 1;
        ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        return true;
    }
    bool connected() const { return m_fd >= 0; }
    int fd() const { return m_fd; }
    void close()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }
    void shutdownSend() { ::shutdown(m_fd, SHUT_WR); }

    bool send(std::string_view data)
    {
        while (!data.empty()) {
            const ssize_t n = ::send(m_fd, data.data(), data.size(), MSG_NOSIGNAL);
            if (n <= 0)
                return false;
            data.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }

    // Some bytes (appended to the internal buffer first if any are pending);
    // empty on EOF, error or timeout. eof() tells which.
    std::string receiveSome(int timeoutMs = 5000)
    {
        if (!m_buffer.empty())
            return std::exchange(m_buffer, {});
        pollfd p{m_fd, POLLIN, 0};
        if (::poll(&p, 1, timeoutMs) <= 0)
            return {};
        char chunk[65536];
        const ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
        if (n <= 0) {
            m_eof = true;
            return {};
        }
        return std::string(chunk, static_cast<std::size_t>(n));
    }
    bool eof() const { return m_eof; }

    // True when the peer closes within the time (EOF or reset), discarding data.
    bool waitClosed(int timeoutMs = 5000)
    {
        const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
        m_buffer.clear();
        while (std::chrono::steady_clock::now() < end) {
            pollfd p{m_fd, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0)
                continue;
            char chunk[65536];
            const ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
            if (n <= 0)
                return true;
        }
        return false;
    }

    // Reads one response to `method` (1xx responses count as one).
    RawResponse readResponse(std::string_view method = "GET", int timeoutMs = 5000, bool upgrade = false)
    {
        Collector collector;
        switchyard::HttpResponseParser parser(collector);
        parser.setPauseAfterMessage(true);
        parser.expectResponse(method, upgrade);
        const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
        while (!collector.response.ok) {
            std::string data = std::exchange(m_buffer, {});
            if (data.empty()) {
                const int left = static_cast<int>(
                    std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now())
                        .count());
                if (left <= 0)
                    break;
                data = receiveSome(left);
                if (data.empty()) {
                    if (m_eof) {
                        collector.response.closed = true;
                        parser.finish();
                    }
                    break;
                }
            }
            const auto result = parser.feed(data);
            if (result.status == switchyard::HttpFeedStatus::Error)
                break;
            if (result.consumed < data.size())
                m_buffer = data.substr(result.consumed);
            if (result.status == switchyard::HttpFeedStatus::Upgraded)
                break;
        }
        if (collector.response.status == 101)
            collector.response.ok = true;
        return std::move(collector.response);
    }

private:
    struct Collector : switchyard::HttpResponseHandler
    {
        RawResponse response;
        void onResponseHead(switchyard::HttpResponseHead head) override
        {
            response.status = head.status;
            response.headers = std::move(head.headers);
        }
        void onBody(std::string_view data) override { response.body.append(data); }
        void onTrailers(switchyard::HttpHeaders) override {}
        void onMessageComplete() override { response.ok = true; }
    };

    int m_fd = -1;
    bool m_eof = false;
    std::string m_buffer;
};

// `testorigin NAME` as a child process; killed on destruction.
class OriginProcess
{
public:
    explicit OriginProcess(const QString &name)
    {
        // Dies with the test even when the test is killed (no stray origins).
        m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
        m_process.start(SWITCHYARD_TEST_ORIGIN, {name});
        if (!m_process.waitForStarted(5000))
            return;
        QByteArray line;
        while (!line.contains('\n') && m_process.waitForReadyRead(5000))
            line += m_process.readAllStandardOutput();
        if (line.startsWith("port "))
            m_port = line.mid(5).trimmed().toInt();
    }
    ~OriginProcess()
    {
        m_process.kill();
        m_process.waitForFinished(3000);
    }
    int port() const { return m_port; }

    // "connections=N requests=M", asked directly (not through the proxy).
    std::string stats() const
    {
        RawConnection c(m_port);
        c.send("GET /_stats HTTP/1.1\r\nHost: origin\r\nConnection: close\r\n\r\n");
        return c.readResponse().body;
    }

private:
    QProcess m_process;
    int m_port = 0;
};

inline std::string pattern(std::size_t n)
{
    std::string s(n, 'a');
    for (std::size_t i = 0; i < n; ++i)
        s[i] = static_cast<char>('a' + i % 26);
    return s;
}
