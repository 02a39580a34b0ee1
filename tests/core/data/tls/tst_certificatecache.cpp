// SPDX-License-Identifier: Apache-2.0
#include "data/tls/certificatecache.h"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

#include <latch>
#include <thread>

using namespace switchyard;
using namespace std::chrono_literals;

namespace {

// A fixed, second-aligned start time so validity can be compared exactly.
const auto T0 = std::chrono::system_clock::from_time_t(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()));

struct FakeClock
{
    std::shared_ptr<std::atomic<std::chrono::system_clock::time_point>> now =
        std::make_shared<std::atomic<std::chrono::system_clock::time_point>>(T0);
    std::function<std::chrono::system_clock::time_point()> function() const
    {
        return [n = now] { return n->load(); };
    }
};

std::vector<std::string> sans(X509 *cert)
{
    std::vector<std::string> out;
    auto *names = static_cast<GENERAL_NAMES *>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names); ++i) {
        const GENERAL_NAME *n = sk_GENERAL_NAME_value(names, i);
        if (n->type == GEN_DNS)
            out.push_back("DNS:" + std::string(reinterpret_cast<const char *>(ASN1_STRING_get0_data(n->d.dNSName)),
                                               static_cast<std::size_t>(ASN1_STRING_length(n->d.dNSName))));
        else if (n->type == GEN_IPADD)
            out.push_back("IP:" + std::to_string(ASN1_STRING_length(n->d.iPAddress)) + "bytes");
    }
    GENERAL_NAMES_free(names);
    return out;
}

// X509_verify_cert against a store holding only the CA, as a client would.
int verifyAgainstCa(const LocalCa &ca, X509 *leaf, const char *host, std::chrono::system_clock::time_point at)
{
    X509_STORE *store = X509_STORE_new();
    X509_STORE_add_cert(store, ca.certificateHandle());
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    X509_STORE_CTX_init(ctx, store, leaf, nullptr);
    X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
    X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
    X509_VERIFY_PARAM_set_time(param, std::chrono::system_clock::to_time_t(at));
    if (host != nullptr)
        X509_VERIFY_PARAM_set1_host(param, host, 0);
    const int ok = X509_verify_cert(ctx);
    const int error = ok == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    return error;
}

unsigned modeOf(const QString &path)
{
    struct stat st{};
    return ::stat(path.toLocal8Bit().constData(), &st) == 0 ? (st.st_mode & 07777) : 0;
}

} // namespace

class TestCertificateCache : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void leafVerifiesAgainstCa();
    void sanForNames_data();
    void sanForNames();
    void cachedInMemory();
    void concurrentRequestsMintOnce();
    void reloadedFromDisk();
    void diskLeafOfAnotherCaIsReplaced();
    void renewedWhenAThirdRemains();
    void hostileNamesRejected_data();
    void hostileNamesRejected();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::optional<LocalCa> m_ca;
};

void TestCertificateCache::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    auto ca = LocalCa::loadOrCreate(m_dir->path().toStdString());
    QVERIFY(ca.ok());
    m_ca.emplace(*ca);
}

void TestCertificateCache::leafVerifiesAgainstCa()
{
    FakeClock clock;
    CertificateCache cache(*m_ca, {.clock = clock.function()});
    auto leaf = cache.leafFor("app.localhost");
    QVERIFY2(leaf.ok(), leaf.ok() ? "" : leaf.message().c_str());
    X509 *x = (*leaf)->certificateHandle();

    QCOMPARE(verifyAgainstCa(*m_ca, x, "app.localhost", T0), X509_V_OK);
    QCOMPARE(verifyAgainstCa(*m_ca, x, "other.localhost", T0), X509_V_ERR_HOSTNAME_MISMATCH);
    QCOMPARE(verifyAgainstCa(*m_ca, x, nullptr, T0 + 31 * 24h), X509_V_ERR_CERT_HAS_EXPIRED);
    QCOMPARE(verifyAgainstCa(*m_ca, x, nullptr, T0 - 2h), X509_V_ERR_CERT_NOT_YET_VALID);

    QCOMPARE(sans(x), std::vector<std::string>{"DNS:app.localhost"});
    QVERIFY((X509_get_extension_flags(x) & EXFLAG_XKUSAGE) != 0);
    QCOMPARE(X509_get_extended_key_usage(x), static_cast<uint32_t>(XKU_SSL_SERVER));
    QCOMPARE(X509_get_key_usage(x), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
    QCOMPARE(X509_check_ca(x), 0);
    QVERIFY(X509_get0_authority_key_id(x) != nullptr);
    QCOMPARE(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(x), X509_get0_subject_key_id(m_ca->certificateHandle())), 0);
    BIGNUM *serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), nullptr);
    QCOMPARE(BN_num_bits(serial), 127); // 128 random bits, top bit cleared, next one set
    BN_free(serial);
    QVERIFY((*leaf)->notBefore() == T0 - 1h);
    QVERIFY((*leaf)->notAfter() == T0 + 30 * 24h);
    QCOMPARE((*leaf)->hostname(), std::string("app.localhost"));
}

void TestCertificateCache::sanForNames_data()
{
    QTest::addColumn<QString>("request");
    QTest::addColumn<QString>("hostname");
    QTest::addColumn<QString>("san");
    QTest::addColumn<QString>("fileName");
    QTest::newRow("dns") << "app.localhost" << "app.localhost" << "DNS:app.localhost" << "app.localhost.pem";
    QTest::newRow("upper case") << "API.Example.Internal" << "api.example.internal" << "DNS:api.example.internal"
                                << "api.example.internal.pem";
    QTest::newRow("single label") << "localhost" << "localhost" << "DNS:localhost" << "localhost.pem";
    QTest::newRow("wildcard") << "*.foo.internal" << "*.foo.internal" << "DNS:*.foo.internal" << "_.foo.internal.pem";
    QTest::newRow("ipv4") << "127.0.0.1" << "127.0.0.1" << "IP:4bytes" << "127.0.0.1.pem";
    QTest::newRow("ipv6 canonical") << "0:0:0:0:0:0:0:1" << "::1" << "IP:16bytes" << "::1.pem";
}

void TestCertificateCache::sanForNames()
{
    QFETCH(QString, request);
    QFETCH(QString, hostname);
    QFETCH(QString, san);
    QFETCH(QString, fileName);
    CertificateCache cache(*m_ca);
    auto leaf = cache.leafFor(request.toStdString());
    QVERIFY2(leaf.ok(), leaf.ok() ? "" : leaf.message().c_str());
    QCOMPARE(QString::fromStdString((*leaf)->hostname()), hostname);
    QCOMPARE(sans((*leaf)->certificateHandle()), std::vector<std::string>{san.toStdString()});
    const QString path = QString::fromStdString(m_ca->directory()) + "/leaves/" + fileName;
    QVERIFY2(QFile::exists(path), qPrintable(path));
    QCOMPARE(modeOf(path), 0600u);
    QCOMPARE(modeOf(QString::fromStdString(m_ca->directory()) + "/leaves"), 0700u);
    if (san.startsWith("IP:4"))
        QCOMPARE(X509_check_ip_asc((*leaf)->certificateHandle(), "127.0.0.1", 0), 1);
    else if (!hostname.startsWith("*") && !san.startsWith("IP"))
        QCOMPARE(X509_check_host((*leaf)->certificateHandle(), hostname.toLatin1().constData(), 0, 0, nullptr), 1);
}

void TestCertificateCache::cachedInMemory()
{
    CertificateCache cache(*m_ca);
    auto first = cache.leafFor("app.localhost");
    auto second = cache.leafFor("APP.localhost");
    QVERIFY(first.ok() && second.ok());
    QCOMPARE(second->get(), first->get());
    QCOMPARE(cache.mintCount(), std::size_t(1));
    auto other = cache.leafFor("web.localhost");
    QVERIFY(other.ok());
    QVERIFY(other->get() != first->get());
    QCOMPARE(cache.mintCount(), std::size_t(2));
}

void TestCertificateCache::concurrentRequestsMintOnce()
{
    CertificateCache cache(*m_ca);
    constexpr int Threads = 8;
    std::latch start(Threads);
    std::vector<CertificateCache::LeafPtr> results(Threads);
    std::vector<std::thread> threads;
    for (int i = 0; i < Threads; ++i) {
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            auto leaf = cache.leafFor(i % 2 == 0 ? "busy.localhost" : "BUSY.localhost");
            if (leaf)
                results[static_cast<std::size_t>(i)] = *leaf;
        });
    }
    for (std::thread &t : threads)
        t.join();
    QCOMPARE(cache.mintCount(), std::size_t(1));
    QVERIFY(results[0] != nullptr);
    for (const auto &leaf : results)
        QCOMPARE(leaf.get(), results[0].get());
}

void TestCertificateCache::reloadedFromDisk()
{
    std::string pem;
    {
        CertificateCache cache(*m_ca);
        auto leaf = cache.leafFor("app.localhost");
        QVERIFY(leaf.ok());
        pem = (*leaf)->certificatePem();
    }
    auto reloadedCa = LocalCa::loadOrCreate(m_dir->path().toStdString());
    QVERIFY(reloadedCa.ok());
    CertificateCache cache(*reloadedCa);
    auto leaf = cache.leafFor("app.localhost");
    QVERIFY(leaf.ok());
    QCOMPARE(cache.mintCount(), std::size_t(0));
    QCOMPARE((*leaf)->certificatePem(), pem);

    // A damaged file is just re-minted.
    QFile f(QString::fromStdString(cache.leafPath("web.localhost")));
    QVERIFY(QDir().mkpath(QFileInfo(f).path()));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("-----BEGIN PRIVATE KEY-----\ngarbage\n");
    f.close();
    auto web = cache.leafFor("web.localhost");
    QVERIFY(web.ok());
    QCOMPARE(cache.mintCount(), std::size_t(1));
}

void TestCertificateCache::diskLeafOfAnotherCaIsReplaced()
{
    QTemporaryDir otherDir;
    auto otherCa = LocalCa::loadOrCreate(otherDir.path().toStdString());
    QVERIFY(otherCa.ok());
    CertificateCache other(*otherCa);
    QVERIFY(other.leafFor("app.localhost").ok());

    CertificateCache cache(*m_ca);
    QVERIFY(QDir().mkpath(QString::fromStdString(m_ca->directory()) + "/leaves"));
    QVERIFY(QFile::copy(QString::fromStdString(other.leafPath("app.localhost")),
                        QString::fromStdString(cache.leafPath("app.localhost"))));
    auto leaf = cache.leafFor("app.localhost");
    QVERIFY(leaf.ok());
    QCOMPARE(cache.mintCount(), std::size_t(1));
    QCOMPARE(verifyAgainstCa(*m_ca, (*leaf)->certificateHandle(), "app.localhost", std::chrono::system_clock::now()),
             X509_V_OK);
}

void TestCertificateCache::renewedWhenAThirdRemains()
{
    FakeClock clock;
    CertificateCache cache(*m_ca, {.clock = clock.function()});
    auto first = cache.leafFor("app.localhost");
    QVERIFY(first.ok());

    clock.now->store(T0 + 19 * 24h); // 11 of 30 days left
    auto same = cache.leafFor("app.localhost");
    QVERIFY(same.ok());
    QCOMPARE(same->get(), first->get());
    QCOMPARE(cache.mintCount(), std::size_t(1));

    clock.now->store(T0 + 21 * 24h); // 9 days left: renew
    auto renewed = cache.leafFor("app.localhost");
    QVERIFY(renewed.ok());
    QVERIFY(renewed->get() != first->get());
    QCOMPARE(cache.mintCount(), std::size_t(2));
    QVERIFY((*renewed)->notAfter() == T0 + 51 * 24h);

    // A restart at that time does not pick up the stale file either: the
    // disk now holds the renewed leaf.
    CertificateCache restarted(*m_ca, {.clock = clock.function()});
    auto reloaded = restarted.leafFor("app.localhost");
    QVERIFY(reloaded.ok());
    QCOMPARE(restarted.mintCount(), std::size_t(0));
    QCOMPARE((*reloaded)->certificatePem(), (*renewed)->certificatePem());

    // A short lifetime parameter renews on the same rule.
    CertificateCache shortLived(*m_ca, {.lifetime = 3h, .backdate = 0s, .clock = clock.function(), .persist = false});
    auto a = shortLived.leafFor("short.localhost");
    clock.now->store(T0 + 21 * 24h + 2h + 1s);
    auto b = shortLived.leafFor("short.localhost");
    QVERIFY(a.ok() && b.ok());
    QVERIFY(a->get() != b->get());
    QVERIFY((*a)->notAfter() - (*a)->notBefore() == 3h);
}

void TestCertificateCache::hostileNamesRejected_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::newRow("traversal") << QByteArray("../../etc/passwd");
    QTest::newRow("slash") << QByteArray("a/b.localhost");
    QTest::newRow("empty") << QByteArray("");
    QTest::newRow("300 chars") << QByteArray(300, 'a');
    QTest::newRow("300 chars with dots") << (QByteArray(60, 'a') + "." + QByteArray(60, 'b') + "." + QByteArray(60, 'c') + "."
                                             + QByteArray(60, 'd') + "." + QByteArray(60, 'e'));
    QTest::newRow("double dot") << QByteArray("a..b");
    QTest::newRow("dot") << QByteArray(".");
    QTest::newRow("dotdot") << QByteArray("..");
    QTest::newRow("leading dot") << QByteArray(".localhost");
    QTest::newRow("trailing dot") << QByteArray("app.localhost.");
    QTest::newRow("nul") << QByteArray("app.localhost\0/x", 16);
    QTest::newRow("ip with nul") << QByteArray("127.0.0.1\0/../x", 15);
    QTest::newRow("bare star") << QByteArray("*");
    QTest::newRow("inner star") << QByteArray("a.*.localhost");
    QTest::newRow("underscore") << QByteArray("a_b.localhost");
    QTest::newRow("space") << QByteArray("a b");
    QTest::newRow("utf8") << QByteArray("caf\xc3\xa9.localhost");
    QTest::newRow("bracketed ipv6") << QByteArray("[::1]");
}

void TestCertificateCache::hostileNamesRejected()
{
    QFETCH(QByteArray, name);
    CertificateCache cache(*m_ca);
    auto leaf = cache.leafFor(std::string_view(name.constData(), static_cast<std::size_t>(name.size())));
    QVERIFY(!leaf.ok());
    QCOMPARE(cache.mintCount(), std::size_t(0));
    QVERIFY(!QDir(QString::fromStdString(m_ca->directory()) + "/leaves").exists());
}

QTEST_GUILESS_MAIN(TestCertificateCache)
#include "tst_certificatecache.moc"
