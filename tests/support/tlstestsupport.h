// SPDX-License-Identifier: Apache-2.0
#pragma once

// For engine tests over TLS: endpoints from URL strings, PEM in YAML
// policies, and certificates made with the `openssl` command line.

#include "model/endpoint.h"

#include <QFile>
#include <QProcess>
#include <QStringList>

#include <functional>
#include <string>

namespace switchyard::test {

inline Endpoint tlsTestEndpoint(const std::string &url, const std::string &upstream, const std::string &policy = {})
{
    Endpoint e;
    e.name = "e" + std::to_string(std::hash<std::string>{}(url) % 100000);
    e.url = *EndpointUrl::parse(url);
    e.binding = *EndpointUrl::resolveBinding(e.url, std::nullopt);
    e.upstream = *Upstream::parse(upstream, e.url.scheme());
    e.trafficPolicy = policy;
    return e;
}

// Lines of `pem` indented for a YAML block scalar.
inline std::string pemBlock(const std::string &pem, int indent)
{
    std::string out = "|\n";
    std::size_t start = 0;
    while (start < pem.size()) {
        const std::size_t end = pem.find('\n', start);
        const std::string line = pem.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!line.empty())
            out += std::string(static_cast<std::size_t>(indent), ' ') + line + "\n";
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    return out;
}

inline std::string readTextFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll().toStdString() : std::string();
}

// Runs `openssl args…`; false (with its output as a warning) on failure.
inline bool runOpenssl(const QStringList &args)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start("openssl", args);
    const bool ok = p.waitForFinished(20000) && p.exitCode() == 0;
    if (!ok)
        qWarning("openssl %s: %s", qPrintable(args.join(' ')), p.readAll().constData());
    return ok;
}

// DIR/NAME.pem + DIR/NAME.key: a P-256 CA certificate with subject /CN=NAME.
inline bool makeTestCa(const QString &dir, const QString &name)
{
    return runOpenssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                       dir + "/" + name + ".key", "-out", dir + "/" + name + ".pem", "-days", "2", "-subj",
                       "/CN=" + name, "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
                       "keyUsage=keyCertSign"});
}

// DIR/NAME.pem + DIR/NAME.key: a client certificate signed by the CA
// DIR/CA.pem with the given subject and serial.
inline bool makeTestClient(const QString &dir, const QString &name, const QString &ca, const QString &subject,
                           const QString &serial)
{
    const QString base = dir + "/" + name;
    return runOpenssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                       base + ".key", "-out", base + ".csr", "-subj", subject})
           && runOpenssl({"x509", "-req", "-in", base + ".csr", "-CA", dir + "/" + ca + ".pem", "-CAkey",
                          dir + "/" + ca + ".key", "-set_serial", serial, "-days", "2", "-out", base + ".pem"});
}

} // namespace switchyard::test
