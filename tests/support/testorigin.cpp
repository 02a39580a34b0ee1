// SPDX-License-Identifier: Apache-2.0
// A small origin server for the engine's integration tests, run as a child
// process: `testorigin NAME` listens on 127.0.0.1 (a free port, printed as
// "port N" on stdout) and answers:
//   /echo            the request body            /count      "bytes=N fnv=H" of the body
//   /status/N        status N                     /bytes/N    N pattern bytes (content-length)
//   /chunked/N       N pattern bytes, chunked     /until-close/N  N bytes, no framing, then close
//   /slow/MS         answers after MS ms          /close      answers with connection: close
//   /drop            closes without answering     /headers    the request head as it arrived
//   /ws              WebSocket handshake, then echoes raw bytes
//   /stall           stops reading after the head's first bytes and never answers
//   /_stats          "connections=N requests=M" (complete requests so far, /_stats not counted)
// Every response carries x-origin-name, x-origin-conn (connection number) and
// x-origin-req (request number on that connection). Expect: 100-continue is
// answered with a 100 first. Pattern byte i is 'a' + i % 26.
#include "data/http/httprequestparser.h"
#include "data/http/httpserializer.h"

#include <asio.hpp>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

using namespace switchyard;

namespace {

std::string g_name;
std::size_t g_connections = 0;
std::size_t g_requests = 0;

std::string pattern(std::size_t n)
{
    std::string s(n, 'a');
    for (std::size_t i = 0; i < n; ++i)
        s[i] = static_cast<char>('a' + i % 26);
    return s;
}

std::size_t numberAfter(const std::string &path, const std::string &prefix)
{
    return static_cast<std::size_t>(std::stoull(path.substr(prefix.size())));
}

std::string websocketAccept(const std::string &key)
{
    const std::string input = key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char *>(input.data()), input.size(), digest);
    unsigned char out[64];
    const int n = EVP_EncodeBlock(out, digest, SHA_DIGEST_LENGTH);
    return std::string(reinterpret_cast<char *>(out), static_cast<std::size_t>(n));
}

class Connection : public std::enable_shared_from_this<Connection>, private HttpRequestHandler
{
public:
    explicit Connection(asio::ip::tcp::socket socket)
        : m_socket(std::move(socket)), m_timer(m_socket.get_executor()), m_parser(*this), m_id(++g_connections)
    {
        m_parser.setPauseAfterMessage(true);
    }

    void start() { read(); }

private:
    void read()
    {
        m_socket.async_read_some(asio::buffer(m_in), [self = shared_from_this()](std::error_code ec, std::size_t n) {
            if (ec)
                return;
            if (self->m_tunnel) {
                self->send(std::string(self->m_in.data(), n), [self] { self->read(); });
                return;
            }
            self->m_pending.assign(self->m_in.data(), n);
            self->feed();
        });
    }

    void feed()
    {
        const HttpFeedResult r = m_parser.feed(m_pending);
        if (m_head.pathAndQuery == "/stall") {
            // Never reads again, so the proxy's writes back up; kept open for good.
            static std::vector<std::shared_ptr<Connection>> stalled;
            stalled.push_back(shared_from_this());
            return;
        }
        if (r.status == HttpFeedStatus::Error) {
            send("HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n", [] {});
            return;
        }
        m_pending.erase(0, r.consumed);
        if (!m_complete) {
            read();
            return;
        }
        m_complete = false;
        respond();
    }

    void onRequestHead(HttpRequestHead head) override
    {
        m_head = std::move(head);
        m_body.clear();
        m_bodyBytes = 0;
        m_fnv = 1469598103934665603ull;
        if (m_head.expectContinue)
            send("HTTP/1.1 100 Continue\r\n\r\n", [] {});
    }
    void onBody(std::string_view data) override
    {
        m_bodyBytes += data.size();
        for (const char c : data) {
            m_fnv ^= static_cast<unsigned char>(c);
            m_fnv *= 1099511628211ull;
        }
        if (m_head.pathAndQuery == "/echo")
            m_body.append(data);
    }
    void onTrailers(HttpHeaders) override {}
    void onMessageComplete() override
    {
        m_complete = true;
        if (m_head.pathAndQuery != "/_stats")
            ++g_requests;
        ++m_served;
    }

    void respond()
    {
        const std::string &path = m_head.pathAndQuery;
        HttpResponseHead head;
        head.status = 200;
        std::string body;
        bool close = !m_head.keepAlive;
        bool chunked = false;
        bool untilClose = false;
        if (path == "/drop") {
            m_socket.close();
            return;
        }
        if (path == "/echo") {
            body = m_body;
        } else if (path == "/count") {
            body = "bytes=" + std::to_string(m_bodyBytes) + " fnv=" + std::to_string(m_fnv);
        } else if (path.starts_with("/status/")) {
            head.status = static_cast<int>(numberAfter(path, "/status/"));
            body = "status " + std::to_string(head.status);
        } else if (path.starts_with("/bytes/")) {
            body = pattern(numberAfter(path, "/bytes/"));
        } else if (path.starts_with("/chunked/")) {
            body = pattern(numberAfter(path, "/chunked/"));
            chunked = true;
        } else if (path.starts_with("/until-close/")) {
            body = pattern(numberAfter(path, "/until-close/"));
            untilClose = close = true;
        } else if (path.starts_with("/slow/")) {
            m_timer.expires_after(std::chrono::milliseconds(numberAfter(path, "/slow/")));
            m_head.pathAndQuery = "/status/200";
            m_timer.async_wait([self = shared_from_this()](std::error_code ec) {
                if (!ec)
                    self->respond();
            });
            return;
        } else if (path == "/close") {
            body = "closing";
            close = true;
        } else if (path == "/headers") {
            body = m_head.method + " " + m_head.target + " " + toString(m_head.version) + "\n";
            for (const HttpHeaderField &f : m_head.headers.fields())
                body += f.lowerName + ": " + f.value + "\n";
        } else if (path == "/_stats") {
            body = "connections=" + std::to_string(g_connections) + " requests=" + std::to_string(g_requests);
        } else if (path == "/ws") {
            head.status = 101;
            head.reason = "Switching Protocols";
            head.headers.append("Upgrade", "websocket");
            head.headers.append("Connection", "Upgrade");
            head.headers.append("Sec-WebSocket-Accept",
                                websocketAccept(std::string(m_head.headers.value("sec-websocket-key").value_or(""))));
            std::string out = HttpSerializer::responseHead(head);
            m_tunnel = true;
            std::string rest = m_pending;
            m_pending.clear();
            send(out + rest, [self = shared_from_this()] { self->read(); });
            return;
        } else {
            head.status = 404;
            body = "no route " + path;
        }
        head.reason = HttpSerializer::reasonPhrase(head.status);
        head.headers.append("x-origin-name", g_name);
        head.headers.append("x-origin-conn", std::to_string(m_id));
        head.headers.append("x-origin-req", std::to_string(m_served));
        std::string out;
        if (chunked) {
            head.headers.append("transfer-encoding", "chunked");
            HttpSerializer::appendResponseHead(out, head);
            for (std::size_t i = 0; i < body.size(); i += 1000)
                HttpSerializer::appendChunk(out, std::string_view(body).substr(i, 1000));
            HttpSerializer::appendLastChunk(out);
        } else {
            if (!untilClose)
                head.headers.append("content-length", std::to_string(body.size()));
            if (close)
                head.headers.append("connection", "close");
            HttpSerializer::appendResponseHead(out, head);
            out += body;
        }
        send(std::move(out), [self = shared_from_this(), close] {
            if (close) {
                std::error_code ignored;
                self->m_socket.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
                return;
            }
            self->m_parser.resume();
            if (!self->m_pending.empty())
                self->feed();
            else
                self->read();
        });
    }

    template<typename Then>
    void send(std::string data, Then then)
    {
        auto buffer = std::make_shared<std::string>(std::move(data));
        asio::async_write(m_socket, asio::buffer(*buffer),
                          [self = shared_from_this(), buffer, then](std::error_code ec, std::size_t) {
                              if (!ec)
                                  then();
                          });
    }

    asio::ip::tcp::socket m_socket;
    asio::steady_timer m_timer;
    HttpRequestParser m_parser;
    std::array<char, 65536> m_in{};
    std::string m_pending;
    HttpRequestHead m_head;
    std::string m_body;
    std::size_t m_bodyBytes = 0;
    unsigned long long m_fnv = 0;
    bool m_complete = false;
    bool m_tunnel = false;
    std::size_t m_id;
    std::size_t m_served = 0;
};

void acceptLoop(asio::ip::tcp::acceptor &acceptor)
{
    acceptor.async_accept([&acceptor](std::error_code ec, asio::ip::tcp::socket socket) {
        if (!ec)
            std::make_shared<Connection>(std::move(socket))->start();
        acceptLoop(acceptor);
    });
}

} // namespace

int main(int argc, char **argv)
{
    g_name = argc > 1 ? argv[1] : "origin";
    asio::io_context context;
    asio::ip::tcp::acceptor acceptor(context, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    std::printf("port %u\n", static_cast<unsigned>(acceptor.local_endpoint().port()));
    std::fflush(stdout);
    acceptLoop(acceptor);
    context.run();
    return 0;
}
