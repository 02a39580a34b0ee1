// SPDX-License-Identifier: Apache-2.0
#include "policy/exec/tlsfacts.h"

#include "policy/exec/exchangevalues.h"

namespace switchyard {

namespace {

using Entries = std::vector<cel::MapValue::Entry>;

cel::Value key(const char *name)
{
    return cel::Value::string(std::string(name));
}

cel::Value stringList(const std::vector<std::string> &items)
{
    std::vector<cel::Value> out;
    out.reserve(items.size());
    for (const std::string &item : items)
        out.push_back(cel::Value::string(item));
    return cel::Value::list(std::move(out));
}

cel::Value mapOf(Entries entries)
{
    return cel::Value::map(cel::MapValue::makeUnchecked(std::move(entries)));
}

} // namespace

cel::Value TlsFacts::certificateValue(const TlsCertificateFacts &c, bool withPem)
{
    Entries san{{key("dns_names"), stringList(c.dnsNames)},
                {key("email_addresses"), stringList(c.emailAddresses)},
                {key("ip_addresses"), stringList(c.ipAddresses)},
                {key("uris"), stringList(c.uris)}};
    Entries validity{{key("not_before"), ExchangeValues::timestamp(c.notBefore)},
                     {key("not_after"), ExchangeValues::timestamp(c.notAfter)}};
    Entries entries{{key("subject"), cel::Value::string(c.subject)},
                    {key("issuer"), cel::Value::string(c.issuer)},
                    {key("serial_number"), cel::Value::string(c.serialNumber)},
                    {key("signature_algorithm"), cel::Value::string(c.signatureAlgorithm)},
                    {key("san"), mapOf(std::move(san))},
                    {key("validity"), mapOf(std::move(validity))}};
    if (withPem)
        entries.emplace_back(key("pem"), cel::Value::string(c.pem));
    return mapOf(std::move(entries));
}

const cel::Value &TlsFacts::value() const
{
    std::call_once(m_once, [this] {
        Entries entries{{key("version"), cel::Value::string(version)},
                        {key("cipher_suite"), cel::Value::string(cipherSuite)},
                        {key("sni"), cel::Value::string(sni)},
                        {key("negotiated_alpn"), cel::Value::string(alpn)},
                        {key("ja4_fingerprint"), cel::Value::string(std::string())},
                        {key("session_resumed"), cel::Value::boolean(sessionResumed)}};
        if (serverCertificate)
            if (const auto server = serverCertificate())
                entries.emplace_back(key("server"), certificateValue(*server, false));
        if (clientCertificate)
            if (const auto client = clientCertificate())
                entries.emplace_back(key("client"), certificateValue(*client, true));
        m_value = mapOf(std::move(entries));
    });
    return m_value;
}

} // namespace switchyard
