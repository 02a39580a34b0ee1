// SPDX-License-Identifier: Apache-2.0
#include "cli/commandtable.h"

#include "commands/commands.h"
#include "common/textdistance.h"

#include <array>

namespace switchyard::cli {

namespace {

constexpr std::array<Command, 12> Commands{{
    {"http", "Start an agent endpoint forwarding HTTP to an upstream", &runHttpCommand},
    {"tcp", "Start an agent endpoint forwarding TCP to an upstream", &runTcpCommand},
    {"tls", "Start an agent endpoint forwarding TLS to an upstream", &runTlsCommand},
    {"start", "Run the headless core with the config file's endpoints", &runStartCommand},
    {"config", "Work with the config file (check)", &runConfigCommand},
    {"api", "Call the management API (endpoints create|list|get|update|delete)", &runApiCommand},
    {"policy", "Validate or simulate a traffic policy", &runPolicyCommand},
    {"expr", "Evaluate a CEL expression", &runExprCommand},
    {"ca", "Local certificate authority (path)", &runCaCommand},
    {"inspect", "Export captured traffic from a running core (export --har FILE)", &runInspectCommand},
    {"accounts", "Accounts and API keys (create|list|keys create)", &runAccountsCommand},
    {"version", "Print the version", &runVersionCommand},
}};

} // namespace

std::span<const Command> commandTable()
{
    return Commands;
}

const Command *findCommand(std::string_view name)
{
    for (const Command &c : Commands)
        if (c.name == name)
            return &c;
    return nullptr;
}

std::string suggestCommand(std::string_view name)
{
    std::vector<std::string_view> names;
    for (const Command &c : Commands)
        names.push_back(c.name);
    return closestMatch(name, names);
}

std::string mainHelpText()
{
    std::string text =
        "Switchyard — a local endpoint manager: agent and cloud endpoints, traffic policy,\n"
        "a forwarding engine and a traffic inspector.\n\n"
        "Usage:\n"
        "  switchyard                      open the desktop app (core embedded)\n"
        "  switchyard COMMAND [flags]      run a command headless\n"
        "  switchyard --version | --help\n\n"
        "Commands:\n";
    for (const Command &c : Commands) {
        std::string line = "  " + std::string(c.name);
        line.resize(18, ' ');
        text += line + std::string(c.summary) + '\n';
    }
    text +=
        "\nFlags every headless command takes:\n"
        "  --config FILE         config file (default $XDG_CONFIG_HOME/switchyard/switchyard.yml)\n"
        "  --data-dir DIR        data directory (default $XDG_DATA_HOME/switchyard)\n"
        "  --api-addr HOST:PORT  API address (default 127.0.0.1:4040)\n"
        "  --edge-http HOST:PORT public http:// listener (default 127.0.0.1:7080)\n"
        "  --edge-https HOST:PORT public https:// and tls:// listener (default 127.0.0.1:7443)\n"
        "  --workers N           data-plane I/O threads (default: CPU cores)\n"
        "  --log-level LEVEL     debug|info|warn|error (default info)\n"
        "  --log-format FORMAT   text|json (default text)\n\n"
        "Run 'switchyard COMMAND --help' for a command's own flags.\n";
    return text;
}

} // namespace switchyard::cli
