// SPDX-License-Identifier: Apache-2.0
// `switchyard accounts create NAME | list | keys create ACCOUNT`: local admin
// commands on the data dir's store. New API keys are printed once; the
// store keeps only their hashes.
#include "cli/exitcode.h"
#include "cli/globaloptions.h"
#include "commands/commands.h"
#include "common/textdistance.h"
#include "control/api/endpointjson.h"
#include "control/endpointregistry.h"
#include "control/store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <string_view>
#include <vector>

namespace switchyard::cli {

namespace {

constexpr std::string_view Usage = "\nRun 'switchyard accounts --help' for usage.";

int usageError(const std::string &message)
{
    printError("switchyard accounts: " + message + std::string(Usage));
    return ExitUsage;
}

int unknownSubcommand(const std::string &what, const std::string &word, const std::vector<std::string_view> &known)
{
    std::string message = "unknown " + what + " '" + word + "'";
    if (const std::string guess = closestMatch(word, known); !guess.empty())
        message += ". Did you mean '" + guess + "'?";
    return usageError(message);
}

QString q(const std::string &text)
{
    return QString::fromStdString(text);
}

void printJson(const QJsonDocument &doc)
{
    printOut(doc.toJson(QJsonDocument::Indented).toStdString());
}

int printKey(const Account &account, const std::string &key, bool created, bool json)
{
    if (json) {
        QJsonObject out{{"account", QJsonObject{{"id", q(account.id)},
                                                {"name", q(account.name)},
                                                {"created_at", q(EndpointJson::rfc3339(account.createdAt))}}},
                        {"api_key", q(key)}};
        printJson(QJsonDocument(out));
        return ExitOk;
    }
    std::string text;
    if (created)
        text += "Created account '" + account.name + "' (" + account.id + ").\n";
    text += "API key for account '" + account.name + "' (shown only once; store it now):\n" + key;
    printOut(text);
    return ExitOk;
}

int create(Store &store, const QStringList &positional, bool json)
{
    if (positional.size() < 2)
        return usageError("accounts create: expected the account's NAME");
    if (positional.size() > 2)
        return usageError("accounts create: unexpected argument '" + positional.at(2).toStdString() + "'");
    const std::string name = positional.at(1).toStdString();
    if (auto valid = EndpointRegistry::checkAccountName(name); !valid) {
        printError("switchyard accounts create: " + valid.message());
        return ExitInvalidInput;
    }
    Account account;
    account.name = name;
    auto created = store.createAccount(account);
    if (!created) {
        printError("switchyard accounts create: " + created.message());
        return created.message().find("already exists") != std::string::npos ? ExitInvalidInput : ExitRuntime;
    }
    auto key = store.createApiKey(created->id);
    if (!key) {
        printError("switchyard accounts create: account '" + name + "' was created, but its API key was not: "
                   + key.message() + "\nRun 'switchyard accounts keys create " + name + "' to try again.");
        return ExitRuntime;
    }
    return printKey(*created, *key, true, json);
}

int list(Store &store, const QStringList &positional, bool json)
{
    if (positional.size() > 1)
        return usageError("accounts list: unexpected argument '" + positional.at(1).toStdString() + "'");
    auto accounts = store.accounts();
    if (!accounts) {
        printError("switchyard accounts list: " + accounts.message());
        return ExitRuntime;
    }
    QJsonArray array;
    std::vector<std::vector<std::string>> rows{{"ID", "NAME", "KEYS", "CREATED"}};
    for (const Account &account : *accounts) {
        auto keys = store.apiKeys(account.id);
        if (!keys) {
            printError("switchyard accounts list: " + keys.message());
            return ExitRuntime;
        }
        QJsonArray keyList;
        for (const Store::ApiKeyInfo &info : *keys)
            keyList.append(QJsonObject{{"id", q(info.id)},
                                       {"prefix", q(info.prefix)},
                                       {"created_at", q(EndpointJson::rfc3339(info.createdAt))}});
        array.append(QJsonObject{{"id", q(account.id)},
                                 {"name", q(account.name)},
                                 {"created_at", q(EndpointJson::rfc3339(account.createdAt))},
                                 {"api_keys", keyList}});
        rows.push_back({account.id, account.name, std::to_string(keys->size()), EndpointJson::rfc3339(account.createdAt)});
    }
    if (json) {
        printJson(QJsonDocument(QJsonObject{{"accounts", array}}));
        return ExitOk;
    }
    std::vector<std::size_t> widths(rows.front().size(), 0);
    for (const auto &row : rows)
        for (std::size_t i = 0; i < row.size(); ++i)
            widths[i] = std::max(widths[i], row[i].size());
    std::string text;
    for (const auto &row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            std::string cell = row[i];
            if (i + 1 < row.size())
                cell.resize(widths[i] + 2, ' ');
            line += cell;
        }
        text += line + '\n';
    }
    printOut(text);
    return ExitOk;
}

int createKey(Store &store, const QStringList &positional, bool json)
{
    // positional: keys create ACCOUNT
    if (positional.size() < 2)
        return usageError("accounts keys: expected a subcommand: create");
    const std::string sub = positional.at(1).toStdString();
    if (sub != "create")
        return unknownSubcommand("keys subcommand", sub, {"create"});
    if (positional.size() < 3)
        return usageError("accounts keys create: expected the ACCOUNT (name or id)");
    if (positional.size() > 3)
        return usageError("accounts keys create: unexpected argument '" + positional.at(3).toStdString() + "'");
    const std::string wanted = positional.at(2).toStdString();
    auto accounts = store.accounts();
    if (!accounts) {
        printError("switchyard accounts keys create: " + accounts.message());
        return ExitRuntime;
    }
    const auto it = std::find_if(accounts->begin(), accounts->end(),
                                 [&](const Account &a) { return a.name == wanted || a.id == wanted; });
    if (it == accounts->end()) {
        std::vector<std::string_view> names;
        for (const Account &a : *accounts)
            names.push_back(a.name);
        std::string message = "no account named '" + wanted + "'";
        if (const std::string guess = closestMatch(wanted, names); !guess.empty())
            message += ". Did you mean '" + guess + "'?";
        printError("switchyard accounts keys create: " + message);
        return ExitInvalidInput;
    }
    auto key = store.createApiKey(it->id);
    if (!key) {
        printError("switchyard accounts keys create: " + key.message());
        return ExitRuntime;
    }
    return printKey(*it, *key, false, json);
}

} // namespace

int runAccountsCommand(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "Accounts and API keys in the data directory's store (local admin commands).\n\n"
        "Subcommands:\n"
        "  create NAME          create an account and its first API key (printed once)\n"
        "  list                 list accounts and how many keys each has\n"
        "  keys create ACCOUNT  create another API key for an account (name or id; printed once)\n\n"
        "Names use lower-case letters, digits, '-' and '_' (1-64 characters). Keys are stored hashed:\n"
        "a lost key cannot be shown again; create a new one.");
    parser.addPositionalArgument("SUBCOMMAND", "create, list or keys");
    parser.addOption({"json", "Print JSON instead of text."});
    GlobalOptions::addTo(parser);
    bool help = false;
    if (!parseCommandLine(parser, "accounts", args, help))
        return ExitUsage;
    if (help)
        return ExitOk;

    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty())
        return usageError("expected a subcommand: create, list or keys");
    const std::string sub = positional.first().toStdString();
    if (sub != "create" && sub != "list" && sub != "keys")
        return unknownSubcommand("subcommand", sub, {"create", "list", "keys"});

    GlobalOptions options;
    if (auto problem = GlobalOptions::read(parser, options))
        return usageError(*problem);
    options.resolveDefaults();
    auto store = Store::open(options.dataDir);
    if (!store) {
        printError("switchyard accounts: " + store.message());
        return ExitRuntime;
    }
    const bool json = parser.isSet("json");
    if (sub == "create")
        return create(**store, positional, json);
    if (sub == "list")
        return list(**store, positional, json);
    return createKey(**store, positional, json);
}

} // namespace switchyard::cli
