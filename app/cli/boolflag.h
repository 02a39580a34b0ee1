// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QStringList>

#include <optional>
#include <string>

namespace switchyard::cli {

// QCommandLineParser has no optional values, so `--NAME=true|false` (the
// reference CLI's spelling, e.g. --pooling-enabled=false) is taken out of
// `args` before parsing; a bare `--NAME` stays for the parser. `value` gets
// the last one given. Returns a usage message for a value other than
// true/false (also 1/0, yes/no).
std::optional<std::string> takeBoolFlag(QStringList &args, const QString &name, std::optional<bool> &value);

} // namespace switchyard::cli
