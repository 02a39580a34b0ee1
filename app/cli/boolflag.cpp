// SPDX-License-Identifier: Apache-2.0
#include "cli/boolflag.h"

namespace switchyard::cli {

std::optional<std::string> takeBoolFlag(QStringList &args, const QString &name, std::optional<bool> &value)
{
    for (qsizetype i = 0; i < args.size();) {
        const QString &arg = args.at(i);
        if (arg == "--") // positional arguments follow
            break;
        const QString prefix = "--" + name + "=";
        const QString singleDash = "-" + name + "=";
        if (!arg.startsWith(prefix) && !arg.startsWith(singleDash)) {
            ++i;
            continue;
        }
        const QString text = arg.mid(arg.indexOf('=') + 1).toLower();
        if (text == "true" || text == "1" || text == "yes")
            value = true;
        else if (text == "false" || text == "0" || text == "no")
            value = false;
        else
            return "--" + name.toStdString() + " takes true or false, not '" + arg.mid(arg.indexOf('=') + 1).toStdString()
                   + "'";
        args.removeAt(i);
    }
    return std::nullopt;
}

} // namespace switchyard::cli
