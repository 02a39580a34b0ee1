// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QCommandLineParser>
#include <QStringList>

namespace switchyard::cli {

// `switchyard policy simulate` (policysimulatecommand.cpp); `positional`
// starts with "simulate". Returns the exit code.
int runPolicySimulate(const QCommandLineParser &parser, const QStringList &positional);

} // namespace switchyard::cli
