// SPDX-License-Identifier: Apache-2.0
// `switchyard api`: the management API from the command line (CONTRACT.md).
// Prints the API's JSON on stdout; an API error prints its msg and any
// policy diagnostics on stderr and exits 1 (3 for a 5xx or no core).
#include "cli/boolflag.h"
#include "cli/exitcode.h"
#include "cli/globaloptions.h"
#include "commands/apiclient.h"
#include "commands/commands.h"
#include "commands/configdefaults.h"
#include "common/textdistance.h"
#include "control/api/apikeyfile.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

namespace switchyard::cli {

namespace {

constexpr std::string_view Usage = "\nRun 'switchyard api --help' for usage.";

int usageError(const std::string &message)
{
    printError("switchyard api: " + message + std::string(Usage));
    return ExitUsage;
}

QString q(const std::string &text)
{
    return QString::fromStdString(text);
}

// The fields of create/update from the flags; `policySource` names the
// policy for diagnostics (the file, or "traffic-policy" for inline text).
struct EndpointFlags
{
    QJsonObject body;
    std::string policySource;
};

// Returns an exit code on failure. `pooling` is --pooling-enabled=true|false.
std::optional<int> readEndpointFlags(const QCommandLineParser &parser, std::optional<bool> pooling,
                                     EndpointFlags &out)
{
    if (parser.isSet("traffic-policy") && parser.isSet("traffic-policy-file"))
        return usageError("--traffic-policy and --traffic-policy-file exclude each other");
    if (parser.isSet("type"))
        out.body.insert("type", parser.value("type"));
    if (parser.isSet("url"))
        out.body.insert("url", parser.value("url"));
    if (parser.isSet("binding"))
        out.body.insert("bindings", QJsonArray{parser.value("binding")});
    if (parser.isSet("traffic-policy")) {
        out.body.insert("traffic_policy", parser.value("traffic-policy"));
        out.policySource = "traffic-policy";
    }
    if (parser.isSet("traffic-policy-file")) {
        const std::string file = parser.value("traffic-policy-file").toStdString();
        std::ifstream in(file, std::ios::binary);
        if (!in) {
            printError("switchyard api: cannot read " + file);
            return ExitInvalidInput;
        }
        std::ostringstream text;
        text << in.rdbuf();
        out.body.insert("traffic_policy", q(text.str()));
        out.policySource = file;
    }
    if (pooling)
        out.body.insert("pooling_enabled", *pooling);
    else if (parser.isSet("pooling-enabled"))
        out.body.insert("pooling_enabled", true);
    if (parser.isSet("description"))
        out.body.insert("description", parser.value("description"));
    if (parser.isSet("metadata"))
        out.body.insert("metadata", parser.value("metadata"));
    return std::nullopt;
}

// --api-key, then SWITCHYARD_API_KEY, then DATA_DIR/api_key. Empty when
// none is found; `why` then says what was tried, for a 401.
std::string apiKey(const QCommandLineParser &parser, const std::string &dataDir, std::string &why)
{
    if (parser.isSet("api-key"))
        return parser.value("api-key").toStdString();
    if (const char *env = std::getenv("SWITCHYARD_API_KEY"); env && *env)
        return env;
    auto key = ApiKeyFile::read(dataDir);
    if (key)
        return *key;
    why = key.message();
    return {};
}

int reportApiError(const ApiClient::Reply &reply, const EndpointFlags &flags, const std::string &keyProblem)
{
    std::string text = "switchyard api: "
                       + ApiClient::errorText(reply, flags.policySource.empty() ? "traffic-policy" : flags.policySource);
    if (reply.status == 401 && !keyProblem.empty())
        text += "\n(no API key: " + keyProblem + "; pass --api-key or set SWITCHYARD_API_KEY)";
    printError(text);
    return reply.status >= 500 ? ExitRuntime : ExitInvalidInput;
}

std::string urlEncodeId(const std::string &id)
{
    return QUrl::toPercentEncoding(q(id)).toStdString();
}

// GET /endpoints page by page along next_page_uri; prints one list of all.
int listAll(ApiClient &client, const std::string &apiAddr, const std::string &keyProblem)
{
    constexpr int MaxPages = 10000;
    QJsonArray all;
    QJsonObject first;
    std::string target = "/endpoints";
    for (int page = 0; page < MaxPages && !target.empty(); ++page) {
        const auto reply = client.send("GET", target);
        if (!reply) {
            printError("switchyard api: no Switchyard core answering on " + apiAddr + " (" + client.error() + ")");
            return ExitRuntime;
        }
        if (reply->status >= 400)
            return reportApiError(*reply, EndpointFlags{}, keyProblem);
        const QJsonObject object = QJsonDocument::fromJson(QByteArray::fromStdString(reply->body)).object();
        if (page == 0)
            first = object;
        for (const QJsonValue &endpoint : object.value("endpoints").toArray())
            all.append(endpoint);
        // next_page_uri is absolute; the request goes to the same core.
        const QUrl next(object.value("next_page_uri").toString());
        const std::string nextTarget =
            next.isEmpty() ? std::string() : next.path(QUrl::FullyEncoded).toStdString()
                                                  + (next.hasQuery() ? "?" + next.query(QUrl::FullyEncoded).toStdString()
                                                                     : std::string());
        target = nextTarget == target ? std::string() : nextTarget;
    }
    first.insert("endpoints", all);
    first.insert("next_page_uri", QJsonValue::Null);
    printOut(QJsonDocument(first).toJson(QJsonDocument::Indented).toStdString());
    return ExitOk;
}

} // namespace

int runApiCommand(const QStringList &arguments)
{
    QStringList args = arguments;
    std::optional<bool> pooling;
    if (auto bad = takeBoolFlag(args, "pooling-enabled", pooling))
        return usageError(*bad);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Call the management API of a running core.\n"
        "  api endpoints create --url URL [--type cloud] [--binding B] [--traffic-policy TEXT |\n"
        "      --traffic-policy-file FILE] [--pooling-enabled] [--description TEXT] [--metadata TEXT]\n"
        "  api endpoints list | get ID | update ID [flags] | delete ID\n"
        "  api create ...   (alias of api endpoints create)\n"
        "The key comes from --api-key, SWITCHYARD_API_KEY or DATA_DIR/api_key.");
    parser.addPositionalArgument("command", "endpoints create|list|get|update|delete, or create");
    parser.addOptions({
        {"type", "Endpoint type (only 'cloud' can be created).", "TYPE"},
        {"url", "The endpoint's URL.", "URL"},
        {"binding", "public or internal (default: inferred from the URL).", "BINDING"},
        {"traffic-policy", "Traffic policy as YAML or JSON text.", "TEXT"},
        {"traffic-policy-file", "Read the traffic policy from FILE.", "FILE"},
        {"pooling-enabled", "Pool this endpoint with others on the same URL (--pooling-enabled=false turns it off)."},
        {"description", "Description (up to 255 bytes).", "TEXT"},
        {"metadata", "Metadata (up to 4096 bytes).", "TEXT"},
        {"api-key", "API key (default SWITCHYARD_API_KEY, then DATA_DIR/api_key).", "KEY"},
    });
    GlobalOptions::addTo(parser);
    bool help = false;
    if (!parseCommandLine(parser, "api", args, help))
        return ExitUsage;
    if (help)
        return ExitOk;

    QStringList positional = parser.positionalArguments();
    if (positional.isEmpty())
        return usageError("expected 'endpoints' or 'create'");
    if (positional.first() == "endpoints")
        positional.removeFirst();
    else if (positional.first() != "create") {
        const std::string word = positional.first().toStdString();
        std::string message = "unknown resource '" + word + "'";
        static const std::vector<std::string_view> resources{"endpoints", "create"};
        if (const std::string guess = closestMatch(word, resources); !guess.empty())
            message += ". Did you mean '" + guess + "'?";
        return usageError(message);
    }
    if (positional.isEmpty())
        return usageError("expected an action: create, list, get, update or delete");
    const std::string action = positional.first().toStdString();
    static const std::vector<std::string_view> actions{"create", "list", "get", "update", "delete"};
    if (std::find(actions.begin(), actions.end(), action) == actions.end()) {
        std::string message = "unknown action '" + action + "'";
        if (const std::string guess = closestMatch(action, actions); !guess.empty())
            message += ". Did you mean '" + guess + "'?";
        return usageError(message);
    }
    const bool needsId = action == "get" || action == "update" || action == "delete";
    const qsizetype expected = needsId ? 2 : 1;
    if (positional.size() < expected)
        return usageError(action + ": expected the endpoint ID");
    if (positional.size() > expected)
        return usageError(action + ": unexpected argument '" + positional.at(expected).toStdString() + "'");
    const bool takesFields = action == "create" || action == "update";
    for (const char *flag : {"type", "url", "binding", "traffic-policy", "traffic-policy-file", "pooling-enabled",
                             "description", "metadata"})
        if (!takesFields && (parser.isSet(flag) || (pooling && std::string_view(flag) == "pooling-enabled")))
            return usageError(action + " takes no --" + flag);
    if (action == "create" && !parser.isSet("url"))
        return usageError("create: --url is required");

    GlobalOptions options;
    if (auto problem = GlobalOptions::read(parser, options))
        return usageError(*problem);
    if (!applyConfigFileDefaults(options))
        return ExitInvalidInput;

    EndpointFlags flags;
    if (takesFields)
        if (auto failed = readEndpointFlags(parser, pooling, flags))
            return *failed;

    std::string method = "GET";
    std::string target = "/endpoints";
    if (needsId)
        target += "/" + urlEncodeId(positional.at(1).toStdString());
    if (action == "create")
        method = "POST";
    else if (action == "update")
        method = "PATCH";
    else if (action == "delete")
        method = "DELETE";
    const std::string body =
        takesFields ? QJsonDocument(flags.body).toJson(QJsonDocument::Compact).toStdString() : std::string();

    std::string keyProblem;
    ApiClient client(options.apiAddr, apiKey(parser, options.dataDir, keyProblem));
    if (action == "list")
        return listAll(client, options.apiAddr, keyProblem);
    const auto reply = client.send(method, target, body);
    if (!reply) {
        printError("switchyard api: no Switchyard core answering on " + options.apiAddr + " (" + client.error()
                   + "). Start one with 'switchyard start', or pass --api-addr.");
        return ExitRuntime;
    }
    if (reply->status >= 400)
        return reportApiError(*reply, flags, keyProblem);
    if (!reply->body.empty()) {
        // Re-indented: the API answers compact JSON.
        const QJsonDocument document = QJsonDocument::fromJson(QByteArray::fromStdString(reply->body));
        printOut(document.isNull() ? reply->body + "\n" : document.toJson(QJsonDocument::Indented).toStdString());
    }
    return ExitOk;
}

} // namespace switchyard::cli
