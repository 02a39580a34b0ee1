// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "common/result.h"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

// Opaque OpenSSL types (X509, EVP_PKEY); only the TLS implementation
// files dereference them.
struct x509_st;
struct evp_pkey_st;

namespace switchyard {

struct LocalCaImpl;

// The local certificate authority in DATA_DIR/ca/: an EC P-256 key
// (switchyard-ca.key, 0600) and a self-signed root certificate
// (switchyard-ca.pem) that users add to their trust store. P-256 rather
// than RSA because leaves are minted on demand inside a TLS handshake: an
// EC key is generated in well under a millisecond (RSA-2048 takes tens to
// hundreds), and every client we care about accepts ECDSA.
//
// Immutable once loaded; copies share the same key and certificate and may
// be used from any thread.
class LocalCa
{
public:
    static constexpr const char *DirectoryName = "ca";
    static constexpr const char *KeyFileName = "switchyard-ca.key";
    static constexpr const char *CertificateFileName = "switchyard-ca.pem";
    static constexpr int ValidityDays = 3650;

    // Loads the CA from DATA_DIR/ca/, creating the directory (0700), key
    // and certificate on first use. Creation is serialised between processes
    // by a lock file, and each file is written atomically. Existing files are
    // never replaced: a key or certificate that does not parse, a pair that
    // does not match, a certificate that is not a CA or has expired, or only
    // one of the two files present, is an error that says which file and why.
    // A key file readable by group or others is tightened to 0600 and a
    // warning is recorded (warnings()).
    static Result<LocalCa> loadOrCreate(const std::string &dataDir);

    const std::string &directory() const;         // absolute DATA_DIR/ca
    const std::string &caCertificatePath() const; // absolute path of switchyard-ca.pem
    const std::string &caKeyPath() const;
    const std::string &commonName() const;        // "Switchyard Local CA <id>"
    const std::string &certificatePem() const;
    std::chrono::system_clock::time_point notBefore() const;
    std::chrono::system_clock::time_point notAfter() const;
    // True when this loadOrCreate call created the CA.
    bool created() const;
    // Problems that were repaired while loading, for the caller to log.
    const std::vector<std::string> &warnings() const;

    // Borrowed OpenSSL handles for signing leaves; valid while any copy of
    // this LocalCa lives. Read-only use from several threads is safe.
    x509_st *certificateHandle() const;
    evp_pkey_st *privateKeyHandle() const;

private:
    explicit LocalCa(std::shared_ptr<const LocalCaImpl> impl);
    std::shared_ptr<const LocalCaImpl> m_d;
};

} // namespace switchyard
