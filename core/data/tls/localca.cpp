// SPDX-License-Identifier: Apache-2.0
#include "data/tls/localca.h"

#include "data/tls/opensslptr.h"
#include "data/tls/privatefile.h"
#include "data/tls/x509util.h"
#include "model/idgenerator.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <utility>

namespace switchyard {

struct LocalCaImpl
{
    std::string directory;
    std::string certificatePath;
    std::string keyPath;
    std::string commonName;
    std::string certificatePem;
    X509Ptr certificate;
    EvpPkeyPtr key;
    bool created = false;
    std::vector<std::string> warnings;
};

namespace {

constexpr std::size_t MaxPemBytes = 64 * 1024;

// Holds an exclusive flock on DATA_DIR/ca/.lock so two processes starting
// at once (the desktop app and a CLI command) cannot both create a CA.
class DirectoryLock
{
public:
    static Result<DirectoryLock> acquire(const std::string &directory)
    {
        const std::string path = directory + "/.lock";
        const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
            return makeError("cannot open lock file '" + path + "': " + std::strerror(errno));
        while (::flock(fd, LOCK_EX) != 0) {
            if (errno != EINTR) {
                const int error = errno;
                ::close(fd);
                return makeError("cannot lock '" + path + "': " + std::strerror(error));
            }
        }
        return DirectoryLock(fd);
    }
    DirectoryLock(DirectoryLock &&other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}
    DirectoryLock(const DirectoryLock &) = delete;
    DirectoryLock &operator=(const DirectoryLock &) = delete;
    DirectoryLock &operator=(DirectoryLock &&) = delete;
    ~DirectoryLock()
    {
        if (m_fd >= 0)
            ::close(m_fd); // releases the flock
    }

private:
    explicit DirectoryLock(int fd) : m_fd(fd) {}
    int m_fd;
};

std::string commonNameOf(X509 *cert)
{
    X509_NAME *name = X509_get_subject_name(cert);
    const int index = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (index < 0)
        return {};
    const ASN1_STRING *value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
    unsigned char *utf8 = nullptr;
    const int length = ASN1_STRING_to_UTF8(&utf8, value);
    if (length < 0)
        return {};
    std::string out(reinterpret_cast<char *>(utf8), static_cast<std::size_t>(length));
    OPENSSL_free(utf8);
    return out;
}

Result<void> create(LocalCaImpl &ca)
{
    auto key = X509Util::generateP256Key();
    if (!key)
        return key.error();
    const auto now = std::chrono::system_clock::now();
    // Backdated like the leaves so a client whose clock is slightly behind
    // still accepts a CA created a moment ago.
    auto cert = X509Util::newCertificate(key->get(), now - std::chrono::hours(1),
                                         now + std::chrono::days(LocalCa::ValidityDays));
    if (!cert)
        return cert.error();
    X509 *x = cert->get();

    ca.commonName = "Switchyard Local CA " + IdGenerator::make("").substr(0, 8);
    X509_NAME *name = X509_get_subject_name(x);
    if (auto r = X509Util::setCommonName(name, "Switchyard", ca.commonName); !r)
        return r.error();
    if (X509_set_issuer_name(x, name) != 1)
        return makeError("cannot set the CA issuer name: " + takeOpenSslErrors());
    for (const auto &[nid, value] : {std::pair{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
                                     std::pair{NID_key_usage, "critical,keyCertSign,cRLSign"},
                                     std::pair{NID_subject_key_identifier, "hash"}}) {
        if (auto r = X509Util::addExtension(x, x, nid, value); !r)
            return r.error();
    }
    if (X509_sign(x, key->get(), EVP_sha256()) == 0)
        return makeError("cannot sign the CA certificate: " + takeOpenSslErrors());

    auto keyPem = X509Util::privateKeyToPem(key->get());
    if (!keyPem)
        return keyPem.error();
    auto certPem = X509Util::certificateToPem(x);
    if (!certPem)
        return certPem.error();
    // Key first: a crash between the two renames leaves a key without a
    // certificate, which loading reports instead of guessing.
    if (auto r = PrivateFile::writeAtomically(ca.keyPath, *keyPem, 0600); !r)
        return r.error();
    if (auto r = PrivateFile::writeAtomically(ca.certificatePath, *certPem, 0644); !r)
        return r.error();

    ca.certificatePem = std::move(*certPem);
    ca.certificate = std::move(*cert);
    ca.key = std::move(*key);
    ca.created = true;
    return {};
}

Result<void> load(LocalCaImpl &ca)
{
    const std::string remedy = "; move the directory '" + ca.directory
        + "' away to create a new CA (and trust the new certificate again)";

    auto keyFile = PrivateFile::read(ca.keyPath, MaxPemBytes);
    if (!keyFile)
        return makeError("local CA key: " + keyFile.message());
    if ((keyFile->mode & 077) != 0) {
        if (auto r = PrivateFile::setMode(ca.keyPath, 0600); !r)
            return makeError("local CA key '" + ca.keyPath + "' is readable by other users and "
                             + r.message());
        char octal[8];
        std::snprintf(octal, sizeof octal, "%04o", keyFile->mode);
        ca.warnings.push_back("local CA key '" + ca.keyPath + "' had permissions " + octal
                              + "; changed them to 0600");
    }
    auto key = X509Util::privateKeyFromPem(keyFile->data);
    if (!key)
        return makeError("local CA key '" + ca.keyPath + "' is unreadable (" + key.message() + ")" + remedy);

    auto certFile = PrivateFile::read(ca.certificatePath, MaxPemBytes);
    if (!certFile)
        return makeError("local CA certificate: " + certFile.message() + remedy);
    auto cert = X509Util::certificateFromPem(certFile->data);
    if (!cert)
        return makeError("local CA certificate '" + ca.certificatePath + "' is unreadable (" + cert.message() + ")"
                         + remedy);
    if (X509_check_private_key(cert->get(), key->get()) != 1) {
        ERR_clear_error();
        return makeError("local CA certificate '" + ca.certificatePath + "' does not match the key '" + ca.keyPath
                         + "'" + remedy);
    }
    if (X509_check_ca(cert->get()) < 1)
        return makeError("'" + ca.certificatePath + "' is not a CA certificate (basicConstraints CA:TRUE and keyCertSign are required)"
                         + remedy);
    if (X509Util::notAfter(cert->get()) <= std::chrono::system_clock::now())
        return makeError("local CA certificate '" + ca.certificatePath + "' has expired" + remedy);

    ca.commonName = commonNameOf(cert->get());
    ca.certificatePem = std::move(certFile->data);
    ca.certificate = std::move(*cert);
    ca.key = std::move(*key);
    return {};
}

} // namespace

Result<LocalCa> LocalCa::loadOrCreate(const std::string &dataDir)
{
    if (dataDir.empty())
        return makeError("no data directory given for the local CA");
    std::error_code ec;
    const std::filesystem::path root = std::filesystem::absolute(dataDir, ec);
    if (ec)
        return makeError("cannot resolve data directory '" + dataDir + "': " + ec.message());
    std::filesystem::create_directories(root, ec);
    if (ec)
        return makeError("cannot create data directory '" + root.string() + "': " + ec.message());

    auto impl = std::make_shared<LocalCaImpl>();
    impl->directory = (root / DirectoryName).lexically_normal().string();
    impl->keyPath = impl->directory + "/" + KeyFileName;
    impl->certificatePath = impl->directory + "/" + CertificateFileName;
    if (auto r = PrivateFile::ensureDirectory(impl->directory, 0700); !r)
        return r.error();
    auto lock = DirectoryLock::acquire(impl->directory);
    if (!lock)
        return lock.error();

    const bool haveKey = PrivateFile::exists(impl->keyPath);
    const bool haveCert = PrivateFile::exists(impl->certificatePath);
    if (!haveKey && !haveCert) {
        if (auto r = create(*impl); !r)
            return makeError("cannot create the local CA in '" + impl->directory + "': " + r.message());
    } else if (haveKey != haveCert) {
        return makeError("local CA in '" + impl->directory + "' is incomplete: '"
                         + (haveKey ? impl->certificatePath : impl->keyPath) + "' is missing; move the directory away to create a new CA");
    } else if (auto r = load(*impl); !r) {
        return r.error();
    }
    return LocalCa(std::move(impl));
}

LocalCa::LocalCa(std::shared_ptr<const LocalCaImpl> impl) : m_d(std::move(impl)) {}

const std::string &LocalCa::directory() const { return m_d->directory; }
const std::string &LocalCa::caCertificatePath() const { return m_d->certificatePath; }
const std::string &LocalCa::caKeyPath() const { return m_d->keyPath; }
const std::string &LocalCa::commonName() const { return m_d->commonName; }
const std::string &LocalCa::certificatePem() const { return m_d->certificatePem; }
bool LocalCa::created() const { return m_d->created; }
const std::vector<std::string> &LocalCa::warnings() const { return m_d->warnings; }
x509_st *LocalCa::certificateHandle() const { return m_d->certificate.get(); }
evp_pkey_st *LocalCa::privateKeyHandle() const { return m_d->key.get(); }

std::chrono::system_clock::time_point LocalCa::notBefore() const
{
    return X509Util::notBefore(m_d->certificate.get());
}

std::chrono::system_clock::time_point LocalCa::notAfter() const
{
    return X509Util::notAfter(m_d->certificate.get());
}

} // namespace switchyard
