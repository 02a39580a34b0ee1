// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QCommandLineParser>
#include <QStringList>

#include <string>

namespace switchyard {
class DiagnosticList;
}

namespace switchyard::cli {

// `switchyard policy simulate` (policysimulatecommand.cpp); `positional`
// starts with "simulate". Returns the exit code.
int runPolicySimulate(const QCommandLineParser &parser, const QStringList &positional);

// CONTRACT.md's {"valid", "diagnostics": [{"line", "column", "severity",
// "message", "path"}]} for `policy validate --json` and `policy simulate
// --json` on an invalid policy (policycommand.cpp).
std::string policyDiagnosticsJson(bool valid, const DiagnosticList &diagnostics);

} // namespace switchyard::cli
