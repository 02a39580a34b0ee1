// SPDX-License-Identifier: Apache-2.0
#include "data/l4/upstreamdialer.h"

#include "l4testsupport.h"

#include <asio/ip/v6_only.hpp>

#include <QtTest>

#include <sys/socket.h>
#include <unistd.h>

using namespace switchyard;
using namespace l4test;

namespace {

struct Dialed
{
    bool ok = false;
    DialFailure failure = DialFailure::Other;
    std::string code;
    std::string message;
    tcp::endpoint remote;
};

Dialed dialAndWait(IoThread &io, const std::string &host, int port, DialOptions options = {},
                   std::function<void(const std::shared_ptr<UpstreamDialer> &)> afterStart = {})
{
    Mailbox<Dialed> box;
    auto dialer = UpstreamDialer::dial(io.executor(), host, port, options, [&box](UpstreamDialer::Outcome outcome) {
        Dialed d;
        d.ok = outcome.socket.ok();
        if (d.ok) {
            d.remote = outcome.socket->remote_endpoint();
        } else {
            d.failure = outcome.failure;
            d.code = outcome.socket.error().code;
            d.message = outcome.socket.message();
        }
        box.put(d);
    });
    if (afterStart)
        afterStart(dialer);
    Dialed result;
    if (!box.take(&result, std::chrono::seconds(10)))
        result.message = "no callback";
    return result;
}

// A listener whose accept queue is full: it drops further SYNs, so a
// connect to it hangs until the dialer's timeout.
struct FullBacklog
{
    FullBacklog() : acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0), true)
    {
        acceptor.listen(0);
        port = acceptor.local_endpoint().port();
        // These connects complete in the kernel and are never accepted;
        // raw non-blocking sockets because asio's sync connect would wait.
        const tcp::endpoint target(asio::ip::address_v4::loopback(), port);
        for (int i = 0; i < 3; ++i) {
            const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
            [[maybe_unused]] const int rc = ::connect(fd, target.data(), static_cast<socklen_t>(target.size()));
            fillers.push_back(fd);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ~FullBacklog()
    {
        for (int fd : fillers)
            ::close(fd);
    }
    asio::io_context io;
    tcp::acceptor acceptor;
    std::vector<int> fillers;
    unsigned short port = 0;
};

bool ipv6LoopbackAvailable()
{
    asio::io_context io;
    std::error_code ec;
    tcp::acceptor acceptor(io);
    acceptor.open(tcp::v6(), ec);
    if (!ec)
        acceptor.bind(tcp::endpoint(asio::ip::address_v6::loopback(), 0), ec);
    return !ec;
}

} // namespace

class TestUpstreamDialer : public QObject
{
    Q_OBJECT

private slots:
    void connectsToIpLiteral()
    {
        IoThread io;
        ThreadServer server(echoSession);
        const Dialed d = dialAndWait(io, "127.0.0.1", server.port());
        QVERIFY2(d.ok, d.message.c_str());
        QCOMPARE(d.remote, tcp::endpoint(asio::ip::address_v4::loopback(), server.port()));
    }

    // Local servers bind 127.0.0.1 or ::1; "localhost" must reach either.
    void localhostReachesIpv4()
    {
        IoThread io;
        ThreadServer server(echoSession);
        const Dialed d = dialAndWait(io, "LocalHost", server.port());
        QVERIFY2(d.ok, d.message.c_str());
        QVERIFY(d.remote.address().is_v4());
    }

    void localhostReachesIpv6()
    {
        if (!ipv6LoopbackAvailable())
            QSKIP("no IPv6 loopback here");
        IoThread io;
        asio::io_context serverIo;
        tcp::acceptor acceptor(serverIo);
        acceptor.open(tcp::v6());
        acceptor.set_option(asio::ip::v6_only(true));
        acceptor.bind(tcp::endpoint(asio::ip::address_v6::loopback(), 0));
        acceptor.listen();
        const Dialed d = dialAndWait(io, "localhost", acceptor.local_endpoint().port());
        QVERIFY2(d.ok, d.message.c_str());
        QVERIFY(d.remote.address().is_v6());
    }

    void refusedIsMappedTo8012()
    {
        IoThread io;
        const unsigned short port = deadPort();
        const Dialed d = dialAndWait(io, "127.0.0.1", port);
        QVERIFY(!d.ok);
        QCOMPARE(d.failure, DialFailure::Refused);
        QCOMPARE(d.code, std::string("ERR_SWITCHYARD_8012"));
        const std::string expected = "could not connect to the upstream 127.0.0.1:" + std::to_string(port)
                                     + ": Connection refused (tried 127.0.0.1:" + std::to_string(port) + ")";
        QCOMPARE(d.message, expected);
    }

    void localhostRefusedNamesBothAddresses()
    {
        IoThread io;
        const unsigned short port = deadPort();
        const Dialed d = dialAndWait(io, "localhost", port);
        QVERIFY(!d.ok);
        QCOMPARE(d.failure, DialFailure::Refused);
        const std::string p = std::to_string(port);
        QVERIFY2(d.message.find("(tried 127.0.0.1:" + p + ", [::1]:" + p + ")") != std::string::npos,
                 d.message.c_str());
    }

    void connectTimeout()
    {
        IoThread io;
        FullBacklog full;
        const unsigned short port = full.port;
        DialOptions options;
        options.connectTimeout = std::chrono::milliseconds(300);
        const auto started = std::chrono::steady_clock::now();
        const Dialed d = dialAndWait(io, "127.0.0.1", port, options);
        const auto elapsed = std::chrono::steady_clock::now() - started;
        QVERIFY(!d.ok);
        QCOMPARE(d.failure, DialFailure::Timeout);
        QCOMPARE(d.code, std::string("ERR_SWITCHYARD_8012"));
        QVERIFY2(d.message.find("no connection within 300 ms") != std::string::npos, d.message.c_str());
        QVERIFY(elapsed >= std::chrono::milliseconds(280));
        QVERIFY(elapsed < std::chrono::milliseconds(2000));
    }

    void invalidPort()
    {
        IoThread io;
        const Dialed d = dialAndWait(io, "127.0.0.1", 0);
        QVERIFY(!d.ok);
        QCOMPARE(d.failure, DialFailure::Other);
        QCOMPARE(d.message, std::string("could not connect to the upstream 127.0.0.1:0: invalid address"));
    }

    void cancel()
    {
        IoThread io;
        FullBacklog full;
        const unsigned short port = full.port;
        const Dialed d = dialAndWait(io, "127.0.0.1", port, {}, [](const std::shared_ptr<UpstreamDialer> &dialer) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            dialer->cancel();
        });
        QVERIFY(!d.ok);
        QCOMPARE(d.failure, DialFailure::Cancelled);
    }

    void displayAddress()
    {
        QCOMPARE(UpstreamDialer::displayAddress("::1", 80), std::string("[::1]:80"));
        QCOMPARE(UpstreamDialer::displayAddress("[::1]", 80), std::string("[::1]:80"));
        QCOMPARE(UpstreamDialer::displayAddress("db.internal", 5432), std::string("db.internal:5432"));
    }
};

QTEST_GUILESS_MAIN(TestUpstreamDialer)
#include "tst_upstreamdialer.moc"
