// SPDX-License-Identifier: Apache-2.0
// `switchyard http|tcp|tls UPSTREAM`: parses and validates everything the
// agent endpoint needs. Running it needs the forwarding engine (issue 4).
#include "cli/exitcode.h"
#include "cli/globaloptions.h"
#include "commands/commands.h"
#include "model/endpointurl.h"
#include "model/upstream.h"

namespace switchyard::cli {

namespace {

int runAgent(Scheme scheme, const QStringList &args)
{
    const QString command = QString::fromUtf8(toString(scheme).data());
    QCommandLineParser parser;
    parser.setApplicationDescription("Start one agent endpoint that forwards to UPSTREAM, until SIGINT/SIGTERM.");
    parser.addPositionalArgument("UPSTREAM", scheme == Scheme::Http ? "8080, host:port or http(s)://host:port"
                                                                    : "port or host:port");
    parser.addOptions({
        {"url", "Endpoint URL, e.g. https://example.internal or tcp://db.internal:5432.", "URL"},
        {"binding", "public or internal (default: inferred from the URL).", "BINDING"},
        {"traffic-policy-file", "Traffic policy (YAML or JSON).", "FILE"},
        {"pooling-enabled", "Let this endpoint share its URL with other pooled endpoints."},
        {"name", "Endpoint name.", "NAME"},
        {"description", "Description.", "TEXT"},
        {"metadata", "Metadata.", "TEXT"},
    });
    GlobalOptions::addTo(parser);
    bool help = false;
    if (!parseCommandLine(parser, command, args, help))
        return ExitUsage;
    if (help)
        return ExitOk;
    GlobalOptions globals;
    if (auto bad = GlobalOptions::read(parser, globals)) {
        printError("switchyard " + command.toStdString() + ": " + *bad);
        return ExitUsage;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1) {
        printError("switchyard " + command.toStdString() + ": expected exactly one UPSTREAM argument, got "
                   + std::to_string(positional.size()) + "\nRun 'switchyard " + command.toStdString()
                   + " --help' for usage.");
        return ExitUsage;
    }

    std::optional<Binding> binding;
    if (parser.isSet("binding")) {
        binding = bindingFromString(parser.value("binding").toStdString());
        if (!binding) {
            printError("switchyard " + command.toStdString() + ": --binding must be public or internal, not '"
                       + parser.value("binding").toStdString() + "'");
            return ExitUsage;
        }
    }
    if (parser.isSet("url")) {
        auto url = EndpointUrl::parse(parser.value("url").toStdString());
        if (!url) {
            printError("switchyard " + command.toStdString() + ": invalid --url: " + url.message());
            return ExitInvalidInput;
        }
        if (url->scheme() != scheme && !(scheme == Scheme::Http && url->scheme() == Scheme::Https)) {
            printError("switchyard " + command.toStdString() + ": --url " + url->toString() + " is a "
                       + std::string(toString(url->scheme())) + " URL; use 'switchyard "
                       + std::string(toString(url->scheme() == Scheme::Https ? Scheme::Http : url->scheme()))
                       + "' for it");
            return ExitInvalidInput;
        }
        if (auto b = EndpointUrl::resolveBinding(*url, binding); !b) {
            printError("switchyard " + command.toStdString() + ": " + b.message());
            return ExitInvalidInput;
        }
    }
    auto upstream = Upstream::parse(positional.first().toStdString(), scheme);
    if (!upstream) {
        printError("switchyard " + command.toStdString() + ": " + upstream.message());
        return ExitInvalidInput;
    }
    printError("switchyard " + command.toStdString()
               + ": the forwarding engine is not part of this build yet; the endpoint was validated but not started");
    return ExitRuntime;
}

} // namespace

int runHttpCommand(const QStringList &args)
{
    return runAgent(Scheme::Http, args);
}

int runTcpCommand(const QStringList &args)
{
    return runAgent(Scheme::Tcp, args);
}

int runTlsCommand(const QStringList &args)
{
    return runAgent(Scheme::Tls, args);
}

} // namespace switchyard::cli
