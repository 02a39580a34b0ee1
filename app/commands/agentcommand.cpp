// SPDX-License-Identifier: Apache-2.0
// `switchyard http|tcp|tls UPSTREAM`: one agent endpoint in an embedded,
// headless core, or attached to a running one (agentsession.h). tcp and tls
// relay bytes (core/data/l4 through the engine).
#include "cli/boolflag.h"
#include "cli/exitcode.h"
#include "cli/globaloptions.h"
#include "commands/agentsession.h"
#include "commands/apiclient.h"
#include "commands/commands.h"
#include "commands/configdefaults.h"
#include "commands/headlessrunner.h"
#include "commands/policyfilereloader.h"
#include "common/textfile.h"
#include "control/api/apipolicycheck.h"
#include "control/endpointregistry.h"
#include "model/endpointurl.h"
#include "model/upstream.h"

#include <openssl/rand.h>

#include <array>

namespace switchyard::cli {

namespace {

// `http` without --url: https://<word>-<word>.localhost, as CONTRACT.md says.
std::string generatedHost()
{
    static constexpr std::array<const char *, 16> adjectives{"amber", "brisk", "calm",  "dusty", "eager", "fuzzy",
                                                             "gentle", "hazy", "icy",  "jolly", "keen",  "lucky",
                                                             "mellow", "nimble", "proud", "quiet"};
    static constexpr std::array<const char *, 16> nouns{"badger", "comet", "delta", "ember", "falcon", "garden",
                                                        "harbor", "island", "jetty", "kettle", "lantern", "meadow",
                                                        "otter",  "pepper", "quarry", "river"};
    unsigned char random[2] = {0, 0};
    RAND_bytes(random, sizeof random);
    return std::string(adjectives[random[0] % adjectives.size()]) + "-" + nouns[random[1] % nouns.size()]
           + ".localhost";
}

int runAgent(Scheme scheme, QStringList args)
{
    const QString command = QString::fromUtf8(toString(scheme).data());
    std::optional<bool> pooling;
    std::optional<bool> verifyUpstream;
    if (auto bad = takeBoolFlag(args, "pooling-enabled", pooling)) {
        printError("switchyard " + command.toStdString() + ": " + *bad);
        return ExitUsage;
    }
    if (auto bad = takeBoolFlag(args, "upstream-tls-verify", verifyUpstream)) {
        printError("switchyard " + command.toStdString() + ": " + *bad);
        return ExitUsage;
    }
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
        {"upstream-tls-verify", "Verify the upstream's TLS certificate (https:// and tls:// upstreams; off by default)."},
        {"upstream-tls-verify-cas", "PEM file of the CAs to verify upstream certificates with (implies "
                                    "--upstream-tls-verify; default: the system store).",
         "FILE"},
    });
    GlobalOptions::addTo(parser);
    addLimitOption(parser);
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
    Endpoint endpoint;
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
        auto b = EndpointUrl::resolveBinding(*url, binding);
        if (!b) {
            printError("switchyard " + command.toStdString() + ": " + b.message());
            return ExitInvalidInput;
        }
        endpoint.url = *url;
        endpoint.binding = *b;
    }
    auto upstream = Upstream::parse(positional.first().toStdString(), scheme);
    if (!upstream) {
        printError("switchyard " + command.toStdString() + ": " + upstream.message());
        return ExitInvalidInput;
    }
    // A tls:// endpoint is routed by SNI, so its name cannot be made up.
    if (scheme == Scheme::Tls && !parser.isSet("url")) {
        printError("switchyard tls: --url tls://HOST[:PORT] is required (clients reach it by that name)\n"
                   "Run 'switchyard tls --help' for usage.");
        return ExitUsage;
    }
    EngineLimits limits;
    if (!readLimits(parser, command.toStdString(), limits))
        return ExitUsage;
    if (!parser.isSet("url")) {
        // tcp:// without a port: the engine picks a free one.
        auto url = EndpointUrl::parse((scheme == Scheme::Tcp ? "tcp://" : "https://") + generatedHost());
        endpoint.url = *url;
        endpoint.binding = Binding::Public;
    }
    endpoint.type = EndpointType::Agent;
    endpoint.name = parser.isSet("name") ? parser.value("name").toStdString() : command.toStdString();
    endpoint.upstream = *upstream;
    endpoint.poolingEnabled = pooling.value_or(parser.isSet("pooling-enabled"));
    endpoint.description = parser.value("description").toStdString();
    endpoint.metadata = parser.value("metadata").toStdString();
    if (parser.isSet("traffic-policy-file")) {
        const std::string file = parser.value("traffic-policy-file").toStdString();
        auto text = TextFile::read(file);
        if (!text) {
            printError("switchyard " + command.toStdString() + ": " + text.message());
            return ExitInvalidInput;
        }
        endpoint.trafficPolicy = *text;
        // Checked on its own here, as the agent API and a reload check it,
        // so an embedded core never starts serving a policy it cannot run.
        // Other endpoints are not known yet: a forward-internal target that
        // is not online is a warning, which does not block.
        const EndpointRegistry alone;
        if (const auto invalid = ApiPolicyCheck::check(endpoint, *alone.snapshot(), nullptr)) {
            const ApiResponse response = invalid->toResponse();
            printError(ApiClient::errorText({response.status, response.body}, file));
            return ExitInvalidInput;
        }
    }
    if (parser.isSet("upstream-tls-verify"))
        verifyUpstream = verifyUpstream.value_or(true);
    globals.upstreamTlsVerify = verifyUpstream;
    if (parser.isSet("upstream-tls-verify-cas")) {
        globals.upstreamTlsVerifyCas = parser.value("upstream-tls-verify-cas").toStdString();
        if (auto readable = TextFile::read(globals.upstreamTlsVerifyCas); !readable) {
            printError("switchyard " + command.toStdString() + ": --upstream-tls-verify-cas: " + readable.message());
            return ExitInvalidInput;
        }
    }
    // The config file's `agent:` settings apply when there is one;
    // `agent.limits` sit under the --limit flags (checked above).
    if (!applyConfigFileDefaults(globals, &limits))
        return ExitInvalidInput;
    readLimits(parser, command.toStdString(), limits);

    // One core per machine: when one already answers on --api-addr, this
    // process becomes an agent of it instead of starting a second one.
    switch (AgentSession::probe(globals.apiAddr)) {
    case AgentSession::Probe::Core:
        for (const char *coreFlag : {"limit", "upstream-tls-verify", "upstream-tls-verify-cas"})
            if (parser.isSet(coreFlag) || (std::string_view(coreFlag) == "upstream-tls-verify" && verifyUpstream))
                printError("switchyard " + command.toStdString() + ": note: --" + coreFlag
                           + " is the core's setting; attached to " + globals.apiAddr + ", it is ignored");
        return AgentSession(command.toStdString(), globals.apiAddr)
            .run(endpoint, parser.isSet("name"), parser.value("traffic-policy-file").toStdString());
    case AgentSession::Probe::Foreign:
        printError("switchyard " + command.toStdString() + ": something that is not a Switchyard core answers on "
                   + globals.apiAddr + "; stop it or pass another --api-addr");
        return ExitRuntime;
    case AgentSession::Probe::NoCore:
        break;
    }

    if (parser.isSet("traffic-policy-file")) {
        PolicyFileReloader reloader(parser.value("traffic-policy-file").toStdString());
        return runHeadless(command.toStdString(), globals, {endpoint}, limits, &reloader);
    }
    return runHeadless(command.toStdString(), globals, {endpoint}, limits);
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
