// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QStringList>

#include <span>
#include <string>
#include <string_view>

namespace switchyard::cli {

// One top-level subcommand. `run` receives the arguments after the command
// name and returns the process exit code (cli/exitcode.h).
struct Command
{
    std::string_view name;
    std::string_view summary;
    int (*run)(const QStringList &args);
};

// The explicit table of subcommands, in the order --help lists them.
std::span<const Command> commandTable();
const Command *findCommand(std::string_view name);
// The closest command name for a "did you mean" hint, or empty.
std::string suggestCommand(std::string_view name);
// Text of `switchyard --help`.
std::string mainHelpText();

} // namespace switchyard::cli
