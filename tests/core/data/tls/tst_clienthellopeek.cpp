// SPDX-License-Identifier: Apache-2.0
#include "data/tls/clienthellopeek.h"

#include <openssl/ssl.h>

#include <QTest>

#include <random>

using namespace switchyard;
using Status = ClientHelloPeek::Status;

Q_DECLARE_METATYPE(ClientHelloPeek::Status)

namespace {

// The bytes a real OpenSSL client sends first.
std::string opensslClientHello(const char *sni, const std::string &alpnWire, int maxVersion = TLS1_3_VERSION)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_max_proto_version(ctx, maxVersion);
    SSL *ssl = SSL_new(ctx);
    if (sni != nullptr)
        SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char *>(sni));
    if (!alpnWire.empty())
        SSL_set_alpn_protos(ssl, reinterpret_cast<const unsigned char *>(alpnWire.data()),
                            static_cast<unsigned>(alpnWire.size()));
    BIO *in = BIO_new(BIO_s_mem());
    BIO *out = BIO_new(BIO_s_mem());
    SSL_set_bio(ssl, in, out);
    SSL_set_connect_state(ssl);
    SSL_do_handshake(ssl); // stops wanting the ServerHello
    std::string bytes;
    char buffer[4096];
    int n = 0;
    while ((n = BIO_read(out, buffer, sizeof buffer)) > 0)
        bytes.append(buffer, static_cast<std::size_t>(n));
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    return bytes;
}

std::string record(std::string_view fragment, unsigned char type = 22)
{
    std::string r;
    r += static_cast<char>(type);
    r += '\x03';
    r += '\x01';
    r += static_cast<char>((fragment.size() >> 8) & 0xff);
    r += static_cast<char>(fragment.size() & 0xff);
    r += fragment;
    return r;
}

// The handshake message carried by a single-record ClientHello.
std::string handshakeOf(const std::string &records)
{
    return records.substr(5);
}

// Re-frames one handshake message into records of the given fragment sizes
// (the last record takes the rest).
std::string reframe(const std::string &handshake, const std::vector<std::size_t> &sizes)
{
    std::string out;
    std::size_t at = 0;
    for (std::size_t size : sizes) {
        out += record(std::string_view(handshake).substr(at, size));
        at += size;
    }
    if (at < handshake.size())
        out += record(std::string_view(handshake).substr(at));
    return out;
}

std::string u16(std::size_t v)
{
    return {static_cast<char>((v >> 8) & 0xff), static_cast<char>(v & 0xff)};
}

std::string u24(std::size_t v)
{
    return {static_cast<char>((v >> 16) & 0xff), static_cast<char>((v >> 8) & 0xff), static_cast<char>(v & 0xff)};
}

std::string extension(std::uint16_t type, const std::string &data)
{
    return u16(type) + u16(data.size()) + data;
}

std::string sniExtension(const std::string &host)
{
    const std::string entry = std::string(1, '\0') + u16(host.size()) + host;
    return extension(0, u16(entry.size()) + entry);
}

// A hand-built ClientHello handshake message with the given extensions.
std::string helloMessage(const std::string &extensions, bool withExtensionsBlock = true)
{
    std::string body = "\x03\x03" + std::string(32, 'R') + std::string(1, '\0') + u16(2) + "\x13\x01" + "\x01" + std::string(1, '\0');
    if (withExtensionsBlock)
        body += u16(extensions.size()) + extensions;
    return "\x01" + u24(body.size()) + body;
}

} // namespace

class TestClientHelloPeek : public QObject
{
    Q_OBJECT

private slots:
    void realHello_data();
    void realHello();
    void wholeByteByByteAndSplit();
    void manyTinyRecords();
    void largeHelloAcrossRecords();
    void helloWithoutExtensions();
    void notTls_data();
    void notTls();
    void malformed_data();
    void malformed();
    void truncatedNeedsMore();
    void stopsAfterDecision();
    void mutationsStayInBounds();
};

void TestClientHelloPeek::realHello_data()
{
    QTest::addColumn<QString>("sni");
    QTest::addColumn<int>("maxVersion");
    QTest::newRow("TLS 1.3") << "app.localhost" << TLS1_3_VERSION;
    QTest::newRow("TLS 1.2") << "db.example.internal" << TLS1_2_VERSION;
    QTest::newRow("no SNI") << QString() << TLS1_3_VERSION;
}

void TestClientHelloPeek::realHello()
{
    QFETCH(QString, sni);
    QFETCH(int, maxVersion);
    const QByteArray host = sni.toLatin1();
    const std::string hello = opensslClientHello(sni.isEmpty() ? nullptr : host.constData(),
                                                 std::string("\x02h2\x08http/1.1", 12), maxVersion);
    QVERIFY(hello.size() > 100);
    ClientHelloPeek peek;
    QCOMPARE(peek.feed(hello), Status::Done);
    QCOMPARE(QString::fromStdString(peek.serverName()), sni);
    QCOMPARE(peek.alpn(), (std::vector<std::string>{"h2", "http/1.1"}));
}

void TestClientHelloPeek::wholeByteByByteAndSplit()
{
    const std::string hello = opensslClientHello("app.localhost", std::string("\x08http/1.1", 9));

    ClientHelloPeek whole;
    QCOMPARE(whole.feed(hello), Status::Done);
    QCOMPARE(whole.serverName(), std::string("app.localhost"));
    QCOMPARE(whole.alpn(), std::vector<std::string>{"http/1.1"});

    ClientHelloPeek bytewise;
    for (std::size_t i = 0; i + 1 < hello.size(); ++i)
        QCOMPARE(bytewise.feed(std::string_view(hello).substr(i, 1)), Status::NeedMore);
    QCOMPARE(bytewise.feed(std::string_view(hello).substr(hello.size() - 1)), Status::Done);
    QCOMPARE(bytewise.serverName(), std::string("app.localhost"));
    QCOMPARE(bytewise.alpn(), std::vector<std::string>{"http/1.1"});

    // Two records, split inside the extensions; fed in chunks that cut
    // through the second record's header.
    const std::string handshake = handshakeOf(hello);
    const std::string twoRecords = reframe(handshake, {handshake.size() / 2});
    QCOMPARE(twoRecords.size(), hello.size() + 5);
    const std::size_t cut = 5 + handshake.size() / 2 + 2;
    ClientHelloPeek split;
    QCOMPARE(split.feed(std::string_view(twoRecords).substr(0, cut)), Status::NeedMore);
    QCOMPARE(split.feed(std::string_view(twoRecords).substr(cut)), Status::Done);
    QCOMPARE(split.serverName(), std::string("app.localhost"));
    QCOMPARE(split.alpn(), std::vector<std::string>{"http/1.1"});

    // Split inside the 4-byte handshake header.
    ClientHelloPeek headerSplit;
    QCOMPARE(headerSplit.feed(reframe(handshake, {2})), Status::Done);
    QCOMPARE(headerSplit.serverName(), std::string("app.localhost"));
}

void TestClientHelloPeek::manyTinyRecords()
{
    const std::string handshake = handshakeOf(opensslClientHello("tiny.localhost", {}));
    const std::string records = reframe(handshake, std::vector<std::size_t>(handshake.size() - 1, 1));
    ClientHelloPeek peek;
    QCOMPARE(peek.feed(records), Status::Done);
    QCOMPARE(peek.serverName(), std::string("tiny.localhost"));
    QVERIFY(peek.alpn().empty());
}

void TestClientHelloPeek::largeHelloAcrossRecords()
{
    // A padding extension (21) makes a 15000-byte hello, as post-quantum
    // key shares do; it needs two records.
    const std::string message = helloMessage(extension(21, std::string(14900, '\0')) + sniExtension("big.localhost"));
    QVERIFY(message.size() > 14900 && message.size() - 4 <= ClientHelloPeek::MaxHandshakeBytes);
    ClientHelloPeek peek;
    QCOMPARE(peek.feed(reframe(message, {10000})), Status::Done);
    QCOMPARE(peek.serverName(), std::string("big.localhost"));
}

void TestClientHelloPeek::helloWithoutExtensions()
{
    ClientHelloPeek peek;
    QCOMPARE(peek.feed(record(helloMessage({}, false))), Status::Done);
    QVERIFY(peek.serverName().empty());
    QVERIFY(peek.alpn().empty());
}

void TestClientHelloPeek::notTls_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::newRow("HTTP") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    QTest::newRow("HTTP first byte only") << QByteArray("G");
    QTest::newRow("SSLv2 hello") << QByteArray("\x80\x2e\x01\x03\x01\x00\x15", 7);
    QTest::newRow("SSH") << QByteArray("SSH-2.0-OpenSSH_9.2\r\n");
    QTest::newRow("handshake type, wrong version") << QByteArray("\x16\x04\x01\x00\x10", 5);
    QTest::newRow("zero byte") << QByteArray(1, '\0');
}

void TestClientHelloPeek::notTls()
{
    QFETCH(QByteArray, input);
    ClientHelloPeek peek;
    QCOMPARE(peek.feed(std::string_view(input.constData(), static_cast<std::size_t>(input.size()))), Status::NotTls);
    QVERIFY(!peek.reason().empty());
}

void TestClientHelloPeek::malformed_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("reason");
    const std::string good = helloMessage(sniExtension("app.localhost"));
    auto bytes = [](const std::string &s) { return QByteArray(s.data(), static_cast<qsizetype>(s.size())); };

    QTest::newRow("empty record") << bytes(std::string("\x16\x03\x01\x00\x00", 5)) << "empty handshake record";
    QTest::newRow("oversized record") << bytes(std::string("\x16\x03\x01\x40\x01", 5)) << "exceeds the TLS limit";
    QTest::newRow("not a ClientHello") << bytes(record("\x02" + good.substr(1))) << "not ClientHello";
    QTest::newRow("hello length over limit") << bytes(record(std::string("\x01\x00\x40\x01", 4) + std::string(100, '\0')))
                                             << "exceeds the limit of 16384";
    QTest::newRow("hello longer than the limit in records")
        << bytes(reframe(helloMessage(extension(21, std::string(16380, '\0'))), {16000})) << "exceeds the limit";
    QTest::newRow("alert record in between") << bytes(record(good.substr(0, 10)) + record("\x02\x28", 21))
                                             << "record of type 21";
    QTest::newRow("version change in between") << bytes(record(good.substr(0, 10)) + std::string("\x16\x02\x01\x00\x05", 5))
                                                << "record version changed";
    QTest::newRow("body too short") << bytes(record("\x01" + u24(10) + std::string(10, '\3'))) << "too short";
    std::string badVersion = good;
    badVersion[4] = '\x02';
    QTest::newRow("hello version") << bytes(record(badVersion)) << "version is not TLS";
    std::string longSession = good;
    longSession[4 + 2 + 32] = '\x21';
    QTest::newRow("session id 33") << bytes(record(longSession)) << "session id";
    std::string hugeSession = good;
    hugeSession[4 + 2 + 32] = '\x7f';
    QTest::newRow("session id past end") << bytes(record(hugeSession)) << "session id";
    std::string oddCiphers = good;
    oddCiphers[4 + 2 + 32 + 1 + 1] = '\x03';
    QTest::newRow("odd cipher list") << bytes(record(oddCiphers)) << "cipher suite";
    const std::size_t extLengthAt = 4 + 2 + 32 + 1 + 2 + 2 + 1 + 1;
    std::string extTooLong = good;
    extTooLong[extLengthAt + 1] = static_cast<char>(extTooLong[extLengthAt + 1] + 1);
    QTest::newRow("extensions length overflows") << bytes(record(extTooLong)) << "extensions length";
    std::string extTooShort = good;
    extTooShort[extLengthAt + 1] = static_cast<char>(extTooShort[extLengthAt + 1] - 1);
    QTest::newRow("extensions length short") << bytes(record(extTooShort)) << "extensions length";
    QTest::newRow("extension runs past block") << bytes(record(helloMessage(std::string("\x00\x00\x00\x10\x00", 5))))
                                               << "runs past the extensions block";
    QTest::newRow("duplicate extension") << bytes(record(helloMessage(sniExtension("a.b") + sniExtension("a.b"))))
                                         << "appears twice";
    QTest::newRow("sni list overflows") << bytes(record(helloMessage(extension(0, u16(50) + std::string(1, '\0') + u16(3) + "a.b"))))
                                        << "bad server_name extension length";
    QTest::newRow("sni name overflows") << bytes(record(helloMessage(extension(0, u16(6) + std::string(1, '\0') + u16(9) + "a.b"))))
                                        << "runs past the server_name list";
    QTest::newRow("empty sni extension") << bytes(record(helloMessage(extension(0, "")))) << "server_name";
    QTest::newRow("empty host name") << bytes(record(helloMessage(extension(0, u16(3) + std::string(1, '\0') + u16(0)))))
                                     << "empty or not printable";
    QTest::newRow("host name with NUL") << bytes(record(helloMessage(sniExtension(std::string("a\0b", 3)))))
                                        << "empty or not printable";
    QTest::newRow("two host names") << bytes(record(helloMessage(extension(
                                            0, u16(12) + std::string(1, '\0') + u16(3) + "a.b" + std::string(1, '\0') + u16(3) + "c.d"))))
                                    << "more than one host_name";
    QTest::newRow("alpn empty list") << bytes(record(helloMessage(extension(16, u16(0))))) << "bad ALPN extension length";
    QTest::newRow("alpn name overflows") << bytes(record(helloMessage(extension(16, u16(4) + "\x05h2x"))))
                                         << "bad ALPN protocol name length";
    QTest::newRow("alpn empty name") << bytes(record(helloMessage(extension(16, u16(1) + std::string(1, '\0')))))
                                     << "bad ALPN protocol name length";
}

void TestClientHelloPeek::malformed()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, reason);
    ClientHelloPeek peek;
    QCOMPARE(peek.feed(std::string_view(input.constData(), static_cast<std::size_t>(input.size()))), Status::Malformed);
    QVERIFY2(QString::fromStdString(peek.reason()).contains(reason), peek.reason().c_str());
    QVERIFY(peek.serverName().empty());
}

void TestClientHelloPeek::truncatedNeedsMore()
{
    const std::string hello = opensslClientHello("app.localhost", {});
    for (std::size_t length : {std::size_t(1), std::size_t(4), std::size_t(5), std::size_t(9), hello.size() / 2,
                               hello.size() - 1}) {
        ClientHelloPeek peek;
        QCOMPARE(peek.feed(std::string_view(hello).substr(0, length)), Status::NeedMore);
        QVERIFY(peek.serverName().empty());
    }
}

void TestClientHelloPeek::stopsAfterDecision()
{
    const std::string hello = opensslClientHello("app.localhost", {});
    ClientHelloPeek peek;
    QCOMPARE(peek.feed(hello + "trailing application bytes"), Status::Done);
    QCOMPARE(peek.feed("GET / HTTP/1.1\r\n"), Status::Done);
    QCOMPARE(peek.serverName(), std::string("app.localhost"));

    ClientHelloPeek http;
    QCOMPARE(http.feed("GET"), Status::NotTls);
    QCOMPARE(http.feed(hello), Status::NotTls);
    QCOMPARE(http.status(), Status::NotTls);
}

void TestClientHelloPeek::mutationsStayInBounds()
{
    // Every single-byte change of a real hello must end in a definite
    // status without reading out of bounds (run under ASan to check the
    // latter); a fuzz target does the same at scale.
    const std::string hello = opensslClientHello("app.localhost", std::string("\x08http/1.1", 9));
    int done = 0;
    for (std::size_t i = 0; i < hello.size(); ++i) {
        for (unsigned char value : {0x00, 0x01, 0x7f, 0xff}) {
            std::string mutated = hello;
            mutated[i] = static_cast<char>(value);
            ClientHelloPeek whole;
            const Status s = whole.feed(mutated);
            done += s == Status::Done ? 1 : 0;
            // Chunking never changes the outcome.
            ClientHelloPeek bytewise;
            for (std::size_t j = 0; j < mutated.size() && bytewise.status() == Status::NeedMore; ++j)
                (void)bytewise.feed(std::string_view(mutated).substr(j, 1));
            QCOMPARE(bytewise.status(), s);
            QCOMPARE(bytewise.serverName(), whole.serverName());
            QCOMPARE(bytewise.alpn(), whole.alpn());
        }
    }
    QVERIFY(done > 0);
    std::mt19937 random(42);
    for (int round = 0; round < 2000; ++round) {
        std::string junk = "\x16\x03\x01";
        const std::size_t length = random() % 600;
        for (std::size_t i = 0; i < length; ++i)
            junk += static_cast<char>(random() & 0xff);
        ClientHelloPeek peek;
        (void)peek.feed(junk);
    }
}

QTEST_GUILESS_MAIN(TestClientHelloPeek)
#include "tst_clienthellopeek.moc"
