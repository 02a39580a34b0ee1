// SPDX-License-Identifier: Apache-2.0
#include "data/tls/localca.h"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace switchyard;

namespace {

unsigned modeOf(const QString &path)
{
    struct stat st{};
    if (::stat(path.toLocal8Bit().constData(), &st) != 0)
        return 0;
    return st.st_mode & 07777;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeAll(const QString &path, const QByteArray &data)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(data);
}

X509 *parseCert(const QByteArray &pem)
{
    BIO *bio = BIO_new_mem_buf(pem.constData(), static_cast<int>(pem.size()));
    X509 *cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    return cert;
}

} // namespace

class TestLocalCa : public QObject
{
    Q_OBJECT

private slots:
    void createsFilesWithModes();
    void reloadsIdentical();
    void certificateIsRootCa();
    void brokenFiles_data();
    void brokenFiles();
    void looseKeyPermissionsAreTightened();
    void unusableDataDir();
};

void TestLocalCa::createsFilesWithModes()
{
    QTemporaryDir tmp;
    const QString dataDir = tmp.path() + "/data";
    auto ca = LocalCa::loadOrCreate(dataDir.toStdString());
    QVERIFY2(ca.ok(), ca.ok() ? "" : ca.message().c_str());
    QVERIFY(ca->created());
    QCOMPARE(QString::fromStdString(ca->directory()), dataDir + "/ca");
    QCOMPARE(QString::fromStdString(ca->caCertificatePath()), dataDir + "/ca/switchyard-ca.pem");
    QCOMPARE(QString::fromStdString(ca->caKeyPath()), dataDir + "/ca/switchyard-ca.key");
    QCOMPARE(modeOf(dataDir + "/ca"), 0700u);
    QCOMPARE(modeOf(dataDir + "/ca/switchyard-ca.key"), 0600u);
    QCOMPARE(modeOf(dataDir + "/ca/switchyard-ca.pem"), 0644u);
    QCOMPARE(readAll(dataDir + "/ca/switchyard-ca.pem"), QByteArray::fromStdString(ca->certificatePem()));
    QVERIFY(readAll(dataDir + "/ca/switchyard-ca.key").startsWith("-----BEGIN PRIVATE KEY-----"));
    QVERIFY(ca->warnings().empty());
    // No temporary files left behind by the atomic writes.
    QCOMPARE(QDir(dataDir + "/ca").entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot),
             QStringList({".lock", "switchyard-ca.key", "switchyard-ca.pem"}));
}

void TestLocalCa::reloadsIdentical()
{
    QTemporaryDir tmp;
    auto first = LocalCa::loadOrCreate(tmp.path().toStdString());
    QVERIFY(first.ok());
    const QByteArray keyBytes = readAll(QString::fromStdString(first->caKeyPath()));
    auto second = LocalCa::loadOrCreate(tmp.path().toStdString());
    QVERIFY2(second.ok(), second.ok() ? "" : second.message().c_str());
    QVERIFY(!second->created());
    QCOMPARE(second->certificatePem(), first->certificatePem());
    QCOMPARE(second->commonName(), first->commonName());
    QCOMPARE(readAll(QString::fromStdString(second->caKeyPath())), keyBytes);
    QVERIFY(second->notAfter() == first->notAfter());
}

void TestLocalCa::certificateIsRootCa()
{
    QTemporaryDir tmp;
    auto ca = LocalCa::loadOrCreate(tmp.path().toStdString());
    QVERIFY(ca.ok());
    const QString cn = QString::fromStdString(ca->commonName());
    QVERIFY2(QRegularExpression("^Switchyard Local CA [A-Z0-9]{8}$").match(cn).hasMatch(), qPrintable(cn));

    X509 *cert = parseCert(QByteArray::fromStdString(ca->certificatePem()));
    QVERIFY(cert != nullptr);
    int critical = -1;
    auto *bc = static_cast<BASIC_CONSTRAINTS *>(X509_get_ext_d2i(cert, NID_basic_constraints, &critical, nullptr));
    QVERIFY(bc != nullptr);
    QCOMPARE(critical, 1);
    QVERIFY(bc->ca != 0);
    QVERIFY(bc->pathlen != nullptr);
    QCOMPARE(ASN1_INTEGER_get(bc->pathlen), 0L);
    BASIC_CONSTRAINTS_free(bc);
    QCOMPARE(X509_get_key_usage(cert), static_cast<uint32_t>(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
    QVERIFY(X509_get0_subject_key_id(cert) != nullptr);
    QCOMPARE(X509_check_ca(cert), 1);
    QCOMPARE(X509_verify(cert, X509_get0_pubkey(cert)), 1); // self-signed
    QCOMPARE(EVP_PKEY_get_id(X509_get0_pubkey(cert)), EVP_PKEY_EC);
    QCOMPARE(X509_NAME_cmp(X509_get_subject_name(cert), X509_get_issuer_name(cert)), 0);

    int days = 0;
    int seconds = 0;
    QCOMPARE(ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(cert), X509_get0_notAfter(cert)), 1);
    QCOMPARE(days, LocalCa::ValidityDays); // plus the one-hour backdate
    QCOMPARE(seconds, 3600);
    const auto age = std::chrono::system_clock::now() - ca->notBefore();
    QVERIFY(age >= std::chrono::minutes(59) && age <= std::chrono::minutes(61));
    X509_free(cert);
}

void TestLocalCa::brokenFiles_data()
{
    QTest::addColumn<QString>("damage");
    QTest::addColumn<QString>("expectedError");
    QTest::newRow("garbage key") << "garbage-key" << "switchyard-ca.key' is unreadable";
    QTest::newRow("empty key") << "empty-key" << "switchyard-ca.key' is unreadable";
    QTest::newRow("garbage cert") << "garbage-cert" << "switchyard-ca.pem' is unreadable";
    QTest::newRow("other CA's key") << "other-key" << "does not match the key";
    QTest::newRow("key only") << "no-cert" << "is incomplete: '";
    QTest::newRow("cert only") << "no-key" << "is incomplete: '";
    QTest::newRow("key is a symlink") << "symlink-key" << "is a symbolic link";
}

void TestLocalCa::brokenFiles()
{
    QFETCH(QString, damage);
    QFETCH(QString, expectedError);
    QTemporaryDir tmp;
    auto ca = LocalCa::loadOrCreate(tmp.path().toStdString());
    QVERIFY(ca.ok());
    const QString key = QString::fromStdString(ca->caKeyPath());
    const QString cert = QString::fromStdString(ca->caCertificatePath());

    if (damage == "garbage-key") {
        writeAll(key, "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n");
    } else if (damage == "empty-key") {
        writeAll(key, "");
    } else if (damage == "garbage-cert") {
        writeAll(cert, "hello");
    } else if (damage == "other-key") {
        QTemporaryDir other;
        auto otherCa = LocalCa::loadOrCreate(other.path().toStdString());
        QVERIFY(otherCa.ok());
        writeAll(key, readAll(QString::fromStdString(otherCa->caKeyPath())));
    } else if (damage == "no-cert") {
        QVERIFY(QFile::remove(cert));
    } else if (damage == "no-key") {
        QVERIFY(QFile::remove(key));
    } else if (damage == "symlink-key") {
        QVERIFY(QFile::rename(key, key + ".real"));
        QVERIFY(QFile::link(key + ".real", key));
    }
    const QByteArray keyBefore = readAll(key);
    const QByteArray certBefore = readAll(cert);

    auto again = LocalCa::loadOrCreate(tmp.path().toStdString());
    QVERIFY(!again.ok());
    QVERIFY2(QString::fromStdString(again.message()).contains(expectedError), again.message().c_str());
    // Never silently replaced.
    QCOMPARE(readAll(key), keyBefore);
    QCOMPARE(readAll(cert), certBefore);
}

void TestLocalCa::looseKeyPermissionsAreTightened()
{
    QTemporaryDir tmp;
    auto ca = LocalCa::loadOrCreate(tmp.path().toStdString());
    QVERIFY(ca.ok());
    const QString key = QString::fromStdString(ca->caKeyPath());
    QVERIFY(::chmod(key.toLocal8Bit().constData(), 0644) == 0);
    auto again = LocalCa::loadOrCreate(tmp.path().toStdString());
    QVERIFY(again.ok());
    QCOMPARE(modeOf(key), 0600u);
    QCOMPARE(again->warnings().size(), std::size_t(1));
    QVERIFY2(QString::fromStdString(again->warnings().front()).contains("had permissions 0644; changed them to 0600"),
             again->warnings().front().c_str());
}

void TestLocalCa::unusableDataDir()
{
    QTemporaryDir tmp;
    writeAll(tmp.path() + "/file", "x");
    auto ca = LocalCa::loadOrCreate((tmp.path() + "/file/data").toStdString());
    QVERIFY(!ca.ok());
    QVERIFY2(QString::fromStdString(ca.message()).contains("cannot create data directory"), ca.message().c_str());
    QVERIFY(!LocalCa::loadOrCreate("").ok());
}

QTEST_GUILESS_MAIN(TestLocalCa)
#include "tst_localca.moc"
