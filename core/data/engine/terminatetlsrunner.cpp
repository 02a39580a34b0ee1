// SPDX-License-Identifier: Apache-2.0
#include "data/engine/terminatetlsrunner.h"

#include "policy/bodyrunners/actionconfigtext.h"
#include "policy/policynode.h"

namespace switchyard {

namespace {

ActionRunResult failed(std::string why)
{
    ActionRunResult result;
    result.kind = ActionRunResult::Kind::Close;
    result.error = true;
    result.summary = "terminate-tls: " + std::move(why);
    return result;
}

// A scalar field as written or rendered; `fallback` when absent.
bool text(const ActionRunContext &context, std::string_view key, std::string fallback, std::string &out,
          std::string &error)
{
    const PolicyNode *node = ActionConfigText::field(context, key);
    if (!node || node->isNull()) {
        out = std::move(fallback);
        return true;
    }
    return ActionConfigText::render(context, *node, out, error);
}

} // namespace

ActionRunResult TerminateTlsRunner::run(const ActionRunContext &context) const
{
    TlsTerminationSettings settings;
    std::string error;
    std::string strategy;
    if (!text(context, "min_version", "1.2", settings.minVersion, error)
        || !text(context, "max_version", "1.3", settings.maxVersion, error)
        || !text(context, "server_certificate", {}, settings.serverCertificatePem, error)
        || !text(context, "server_private_key", {}, settings.serverPrivateKeyPem, error)
        || !text(context, "mutual_tls_verification_strategy", "require-and-verify", strategy, error))
        return failed(error);
    if (settings.serverCertificatePem.empty() != settings.serverPrivateKeyPem.empty())
        return failed("server_certificate and server_private_key go together");
    if (settings.minVersion > settings.maxVersion)
        return failed("min_version " + settings.minVersion + " is above max_version " + settings.maxVersion);
    if (strategy == "require-any")
        settings.clientAuth = TlsTerminationSettings::ClientAuth::RequireAny;
    else if (strategy == "request")
        settings.clientAuth = TlsTerminationSettings::ClientAuth::Request;
    if (const PolicyNode *cas = ActionConfigText::field(context, "mutual_tls_certificate_authorities");
        cas && cas->isSequence()) {
        for (const PolicyNode &item : cas->children) {
            std::string pem;
            if (!ActionConfigText::render(context, item, pem, error))
                return failed(error);
            if (pem.find("-----BEGIN CERTIFICATE-----") == std::string::npos)
                return failed("mutual_tls_certificate_authorities takes PEM certificates; CA IDs are not supported");
            settings.mutualTlsCas.push_back(std::move(pem));
        }
    }

    ActionRunResult result;
    result.summary = "terminate TLS " + settings.minVersion + "-" + settings.maxVersion
                     + (settings.serverCertificatePem.empty() ? ", local CA leaf" : ", own certificate")
                     + (settings.mutualTlsCas.empty() ? "" : ", mutual TLS " + strategy);
    context.exchange.tlsTermination = std::move(settings);
    return result;
}

} // namespace switchyard
