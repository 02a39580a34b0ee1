// SPDX-License-Identifier: Apache-2.0
#include "desktopapp.h"

#include "app/endpointsource.h"
#include "control/endpointregistry.h"
#include "mainwindow/mainwindow.h"

#include <QApplication>

namespace switchyard::ui {

int runDesktopApp(int &argc, char **argv, std::shared_ptr<EndpointRegistry> registry, const QString &configPath)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Switchyard"));
    QApplication::setOrganizationName(QStringLiteral("Switchyard"));
    QApplication::setApplicationVersion(QStringLiteral(SWITCHYARD_VERSION));

    EndpointSource source(std::move(registry));
    MainWindow window(&source, configPath);
    window.show();
    return QApplication::exec();
}

} // namespace switchyard::ui
