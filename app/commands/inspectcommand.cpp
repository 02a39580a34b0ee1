// SPDX-License-Identifier: Apache-2.0
// `switchyard inspect export --har FILE`: the captured traffic of a running
// core as an HTTP Archive, fetched from GET /api/requests/http?format=har.
#include "cli/exitcode.h"
#include "cli/globaloptions.h"
#include "commands/apiclient.h"
#include "commands/commands.h"
#include "control/api/apiquery.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <charconv>

namespace switchyard::cli {

int runInspectCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription("Work with the traffic a running core captured.\n"
                                     "  inspect export --har FILE [--limit N] [--endpoint NAME]\n"
                                     "FILE '-' writes to stdout.");
    parser.addPositionalArgument("command", "export");
    parser.addOptions({
        {"har", "Write an HTTP Archive (HAR 1.2) to FILE.", "FILE"},
        {"limit", "At most N requests, newest first (default 10000).", "N"},
        {"endpoint", "Only the requests of this endpoint (name or URL).", "NAME"},
    });
    GlobalOptions::addTo(parser);
    bool help = false;
    if (!parseCommandLine(parser, "inspect", args, help))
        return ExitUsage;
    if (help)
        return ExitOk;
    const QStringList positional = parser.positionalArguments();
    if (positional != QStringList{"export"}) {
        printError("switchyard inspect: expected 'export', got '" + positional.join(' ').toStdString()
                   + "'\nRun 'switchyard inspect --help' for usage.");
        return ExitUsage;
    }
    if (!parser.isSet("har")) {
        printError("switchyard inspect export: --har FILE is required\nRun 'switchyard inspect --help' for usage.");
        return ExitUsage;
    }
    std::string limit = parser.isSet("limit") ? parser.value("limit").toStdString() : "10000";
    unsigned long long n = 0;
    const auto [end, ec] = std::from_chars(limit.data(), limit.data() + limit.size(), n);
    if (ec != std::errc() || end != limit.data() + limit.size() || n == 0) {
        printError("switchyard inspect export: --limit needs a positive number, not '" + limit + "'");
        return ExitUsage;
    }
    GlobalOptions options;
    if (auto problem = GlobalOptions::read(parser, options)) {
        printError("switchyard inspect: " + *problem);
        return ExitUsage;
    }
    options.resolveDefaults();

    std::string target = "/api/requests/http?format=har&limit=" + limit;
    if (parser.isSet("endpoint"))
        target += "&endpoint_name=" + ApiQuery::encode(parser.value("endpoint").toStdString());
    ApiClient client(options.apiAddr, {}, 60000);
    const auto reply = client.send("GET", target);
    if (!reply) {
        printError("switchyard inspect export: no Switchyard core answering on " + options.apiAddr + " ("
                   + client.error() + "). Start one with 'switchyard start', or pass --api-addr.");
        return ExitRuntime;
    }
    const QJsonDocument document = QJsonDocument::fromJson(QByteArray::fromStdString(reply->body));
    if (reply->status != 200) {
        const std::string message = document.object().value("msg").toString().toStdString();
        printError("switchyard inspect export: " + (message.empty() ? reply->body : message));
        return reply->status >= 500 ? ExitRuntime : ExitInvalidInput;
    }
    const QByteArray har = document.toJson(QJsonDocument::Indented);
    const QString file = parser.value("har");
    if (file == "-") {
        printOut(har.toStdString());
        return ExitOk;
    }
    QFile out(file);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate) || out.write(har) != har.size()) {
        printError("switchyard inspect export: cannot write " + file.toStdString() + ": "
                   + out.errorString().toStdString());
        return ExitRuntime;
    }
    return ExitOk;
}

} // namespace switchyard::cli
