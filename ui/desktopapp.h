// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>

#include <memory>

namespace switchyard {
class EndpointRegistry;
}

namespace switchyard::ui {

// Runs the desktop app over `registry` until the last window closes and
// returns the exit code. Creates the QApplication, so call it on the main
// thread with none existing yet. `configPath` is shown to the user.
int runDesktopApp(int &argc, char **argv, std::shared_ptr<EndpointRegistry> registry, const QString &configPath);

} // namespace switchyard::ui
