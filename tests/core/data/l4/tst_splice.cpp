// SPDX-License-Identifier: Apache-2.0
#include "data/l4/splice.h"

#include "l4testsupport.h"

#include <QtTest>

using namespace switchyard;
using namespace l4test;

Q_DECLARE_METATYPE(switchyard::SpliceMode)

namespace {

// Accepts on 127.0.0.1, connects each client to the upstream port and
// splices the two; the stats of every finished relay land in `finished`.
class SpliceFront
{
public:
    SpliceFront(IoThread &io, unsigned short upstreamPort, SpliceOptions options, std::string prefix = {})
        : m_acceptor(io.io(), tcp::endpoint(asio::ip::address_v4::loopback(), 0)),
          m_upstreamPort(upstreamPort),
          m_options(options),
          m_prefix(std::move(prefix))
    {
        port = m_acceptor.local_endpoint().port();
        accept();
    }
    ~SpliceFront()
    {
        std::promise<void> closed;
        asio::post(m_acceptor.get_executor(), [&] {
            m_acceptor.close();
            closed.set_value();
        });
        closed.get_future().wait();
    }

    std::shared_ptr<Splice> current()
    {
        std::lock_guard lock(m_mutex);
        return m_current;
    }

    unsigned short port = 0;
    Mailbox<SpliceStats> finished;

private:
    void accept()
    {
        m_acceptor.async_accept([this](std::error_code ec, tcp::socket client) {
            if (ec)
                return;
            tcp::socket upstream(m_acceptor.get_executor());
            upstream.connect(tcp::endpoint(asio::ip::address_v4::loopback(), m_upstreamPort));
            auto splice = Splice::start(std::move(client), std::move(upstream), m_options, m_prefix,
                                        [this](const SpliceStats &stats) { finished.put(stats); });
            {
                std::lock_guard lock(m_mutex);
                m_current = splice;
            }
            accept();
        });
    }

    tcp::acceptor m_acceptor;
    unsigned short m_upstreamPort;
    SpliceOptions m_options;
    std::string m_prefix;
    std::mutex m_mutex;
    std::shared_ptr<Splice> m_current;
};

SpliceOptions optionsFor(SpliceMode mode)
{
    SpliceOptions options;
    options.mode = mode;
    options.idleTimeout = std::chrono::seconds(20);
    return options;
}

} // namespace

class TestSplice : public QObject
{
    Q_OBJECT

private:
    void modes()
    {
        QTest::addColumn<SpliceMode>("mode");
        QTest::newRow("kernel") << SpliceMode::Kernel;
        QTest::newRow("copy") << SpliceMode::Copy;
    }

private slots:
    void echoWithClientHalfClose_data() { modes(); }
    void echoWithClientHalfClose()
    {
        QFETCH(SpliceMode, mode);
        IoThread io;
        ThreadServer upstream(echoSession);
        SpliceFront front(io, upstream.port(), optionsFor(mode));

        asio::io_context client;
        tcp::socket socket = connectTo(client, front.port);
        asio::write(socket, asio::buffer(std::string("hello, upstream")));
        socket.shutdown(tcp::socket::shutdown_send);
        std::error_code end;
        QCOMPARE(readAll(socket, &end), std::string("hello, upstream"));
        QCOMPARE(end, std::error_code(asio::error::eof));

        SpliceStats stats;
        QVERIFY(front.finished.take(&stats));
        QCOMPARE(stats.end, SpliceEnd::Closed);
        QCOMPARE(stats.clientToUpstream, std::uint64_t(15));
        QCOMPARE(stats.upstreamToClient, std::uint64_t(15));
        QCOMPARE(stats.kernelSplice, mode == SpliceMode::Kernel);
    }

    // The upstream finishes sending first; the client must still be able to
    // send afterwards, and the upstream must get every byte.
    void upstreamHalfCloseKeepsClientDirection_data() { modes(); }
    void upstreamHalfCloseKeepsClientDirection()
    {
        QFETCH(SpliceMode, mode);
        IoThread io;
        Mailbox<std::string> received;
        ThreadServer upstream([&](tcp::socket &s) {
            asio::write(s, asio::buffer(std::string("banner")));
            s.shutdown(tcp::socket::shutdown_send);
            received.put(readAll(s));
        });
        SpliceFront front(io, upstream.port(), optionsFor(mode));

        asio::io_context client;
        tcp::socket socket = connectTo(client, front.port);
        std::error_code end;
        QCOMPARE(readAll(socket, &end), std::string("banner"));
        QCOMPARE(end, std::error_code(asio::error::eof));
        const std::string late(300000, 'x');
        asio::write(socket, asio::buffer(late));
        socket.shutdown(tcp::socket::shutdown_send);

        std::string got;
        QVERIFY(received.take(&got));
        QCOMPARE(got.size(), late.size());
        QCOMPARE(got, late);
        SpliceStats stats;
        QVERIFY(front.finished.take(&stats));
        QCOMPARE(stats.end, SpliceEnd::Closed);
        QCOMPARE(stats.clientToUpstream, std::uint64_t(late.size()));
        QCOMPARE(stats.upstreamToClient, std::uint64_t(6));
    }

    void prefixGoesFirst_data() { modes(); }
    void prefixGoesFirst()
    {
        QFETCH(SpliceMode, mode);
        IoThread io;
        ThreadServer upstream(echoSession);
        SpliceFront front(io, upstream.port(), optionsFor(mode), "PEEKED:");

        asio::io_context client;
        tcp::socket socket = connectTo(client, front.port);
        asio::write(socket, asio::buffer(std::string("rest")));
        socket.shutdown(tcp::socket::shutdown_send);
        QCOMPARE(readAll(socket), std::string("PEEKED:rest"));
        SpliceStats stats;
        QVERIFY(front.finished.take(&stats));
        QCOMPARE(stats.clientToUpstream, std::uint64_t(4)); // the prefix is not client traffic
        QCOMPARE(stats.upstreamToClient, std::uint64_t(11));
    }

    // 64 MiB each way through an echo upstream, checksummed on both ends.
    void largeTransferChecksum_data() { modes(); }
    void largeTransferChecksum()
    {
        QFETCH(SpliceMode, mode);
        constexpr std::uint64_t Total = 64ull * 1024 * 1024;
        IoThread io;
        ThreadServer upstream(echoSession);
        SpliceFront front(io, upstream.port(), optionsFor(mode));

        asio::io_context client;
        tcp::socket socket = connectTo(client, front.port);
        Checksum sent;
        std::thread writer([&] {
            std::vector<char> chunk(256 * 1024);
            for (std::uint64_t offset = 0; offset < Total; offset += chunk.size()) {
                for (std::size_t i = 0; i < chunk.size(); ++i)
                    chunk[i] = patternByte(offset + i, 7);
                sent.add(chunk.data(), chunk.size());
                asio::write(socket, asio::buffer(chunk));
            }
            socket.shutdown(tcp::socket::shutdown_send);
        });
        Checksum got;
        std::vector<char> buffer(256 * 1024);
        for (;;) {
            std::error_code ec;
            const std::size_t n = socket.read_some(asio::buffer(buffer), ec);
            got.add(buffer.data(), n);
            if (ec)
                break;
        }
        writer.join();
        QCOMPARE(got.bytes, Total);
        QCOMPARE(got.value, sent.value);
        SpliceStats stats;
        QVERIFY(front.finished.take(&stats));
        QCOMPARE(stats.end, SpliceEnd::Closed);
        QCOMPARE(stats.clientToUpstream, Total);
        QCOMPARE(stats.upstreamToClient, Total);
    }

    void idleTimeout_data() { modes(); }
    void idleTimeout()
    {
        QFETCH(SpliceMode, mode);
        IoThread io;
        ThreadServer upstream(echoSession);
        SpliceOptions options = optionsFor(mode);
        options.idleTimeout = std::chrono::milliseconds(300);
        SpliceFront front(io, upstream.port(), options);

        asio::io_context client;
        tcp::socket socket = connectTo(client, front.port);
        const auto started = std::chrono::steady_clock::now();
        // Traffic every 100 ms keeps the relay alive past the timeout.
        for (int i = 0; i < 6; ++i) {
            asio::write(socket, asio::buffer(std::string("p")));
            char echoed = 0;
            asio::read(socket, asio::buffer(&echoed, 1));
            QCOMPARE(echoed, 'p');
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        QCOMPARE(front.finished.size(), std::size_t(0));
        std::error_code end;
        QCOMPARE(readAll(socket, &end), std::string());
        QVERIFY(end);
        const auto elapsed = std::chrono::steady_clock::now() - started;
        QVERIFY(elapsed >= std::chrono::milliseconds(750));
        QVERIFY(elapsed < std::chrono::milliseconds(3000));
        SpliceStats stats;
        QVERIFY(front.finished.take(&stats));
        QCOMPARE(stats.end, SpliceEnd::IdleTimeout);
        QCOMPARE(stats.clientToUpstream, std::uint64_t(6));
    }

    // A client that does not read stalls the upstream's writes: the relay
    // holds at most its fixed buffer, the rest waits in the kernel and then
    // in the upstream, which cannot write more.
    void slowReaderBackpressure_data() { modes(); }
    void slowReaderBackpressure()
    {
        QFETCH(SpliceMode, mode);
        constexpr std::uint64_t Total = 256ull * 1024 * 1024;
        IoThread io;
        std::atomic<std::uint64_t> written{0};
        ThreadServer upstream([&](tcp::socket &s) {
            std::vector<char> chunk(64 * 1024, 'z');
            while (written.load() < Total) {
                std::error_code ec;
                asio::write(s, asio::buffer(chunk), ec);
                if (ec)
                    return;
                written += chunk.size();
            }
        });
        SpliceFront front(io, upstream.port(), optionsFor(mode));

        asio::io_context client;
        tcp::socket socket = connectTo(client, front.port);
        std::this_thread::sleep_for(std::chrono::milliseconds(600));
        const std::uint64_t stalledAt = written.load();
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        // Socket buffers on loopback can take several MiB per socket; the
        // relay itself adds only its 64 KiB.
        QVERIFY2(stalledAt < 48ull * 1024 * 1024, qPrintable(QString::number(stalledAt)));
        QCOMPARE(written.load(), stalledAt);
        auto splice = front.current();
        QVERIFY(splice);

        // Now drain 32 MiB: everything arrives and the writer moves again.
        std::vector<char> buffer(256 * 1024);
        std::uint64_t got = 0;
        while (got < 32ull * 1024 * 1024)
            got += socket.read_some(asio::buffer(buffer));
        QVERIFY(waitFor([&] { return written.load() > stalledAt; }));
        socket.close();
        SpliceStats stats;
        QVERIFY(front.finished.take(&stats));
        QVERIFY(stats.end == SpliceEnd::ClientError || stats.end == SpliceEnd::Closed);
        QVERIFY(stats.upstreamToClient >= got);
    }

    void upstreamResetIsUpstreamError_data() { modes(); }
    void upstreamResetIsUpstreamError()
    {
        QFETCH(SpliceMode, mode);
        IoThread io;
        ThreadServer upstream([](tcp::socket &s) {
            char byte = 0;
            asio::read(s, asio::buffer(&byte, 1));
            // SO_LINGER 0: close() sends an RST instead of a FIN.
            s.set_option(asio::socket_base::linger(true, 0));
        });
        SpliceFront front(io, upstream.port(), optionsFor(mode));
        asio::io_context client;
        tcp::socket socket = connectTo(client, front.port);
        asio::write(socket, asio::buffer(std::string("x")));
        std::error_code end;
        readAll(socket, &end);
        QVERIFY(end);
        SpliceStats stats;
        QVERIFY(front.finished.take(&stats));
        QCOMPARE(stats.end, SpliceEnd::UpstreamError);
        QVERIFY2(stats.error == std::error_code(asio::error::connection_reset), stats.error.message().c_str());
    }

    void stopEndsRelay_data() { modes(); }
    void stopEndsRelay()
    {
        QFETCH(SpliceMode, mode);
        IoThread io;
        ThreadServer upstream(echoSession);
        SpliceFront front(io, upstream.port(), optionsFor(mode));
        asio::io_context client;
        tcp::socket socket = connectTo(client, front.port);
        QVERIFY(waitFor([&] { return front.current() != nullptr; }));
        front.current()->stop();
        front.current()->stop(); // a second stop is harmless
        std::error_code end;
        readAll(socket, &end);
        QVERIFY(end);
        SpliceStats stats;
        QVERIFY(front.finished.take(&stats));
        QCOMPARE(stats.end, SpliceEnd::Stopped);
        QVERIFY(!front.finished.take(&stats, std::chrono::milliseconds(100)));
    }
};

QTEST_GUILESS_MAIN(TestSplice)
#include "tst_splice.moc"
