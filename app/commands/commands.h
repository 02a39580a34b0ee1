// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QStringList>

// Entry points of the subcommands (cli/commandtable.cpp lists them). Each
// takes the arguments after its name and returns the exit code.
namespace switchyard::cli {

int runHttpCommand(const QStringList &args);
int runTcpCommand(const QStringList &args);
int runTlsCommand(const QStringList &args);
int runStartCommand(const QStringList &args);
int runConfigCommand(const QStringList &args);
int runApiCommand(const QStringList &args);
int runPolicyCommand(const QStringList &args);
int runExprCommand(const QStringList &args);
int runCaCommand(const QStringList &args);
int runAccountsCommand(const QStringList &args);
int runInspectCommand(const QStringList &args);
int runVersionCommand(const QStringList &args);

} // namespace switchyard::cli
