#include "desktop_app.h"

#include <QApplication>
#include <QMessageBox>
#include <QTimer>

#include "camera_manager.h"
#include "icons.h"
#include "common/log.h"
#include "main_window.h"
#include "theme.h"

namespace vigil {

int runDesktop(const DesktopOptions& options)
{
    auto* app = qobject_cast<QApplication*>(QCoreApplication::instance());
    if (!app) {
        qCCritical(lcApp) << "runDesktop() needs a QApplication";
        return 1;
    }
    qRegisterMetaType<vigil::CameraState>("vigil::CameraState");
    theme::apply(*app);
    app->setWindowIcon(icons::appIcon());
    app->setApplicationDisplayName(QStringLiteral("Vigil"));
    app->setDesktopFileName(QStringLiteral("vigil"));

    int status = 0;
    {
        // The manager outlives the window: tiles detach their sinks from cameras that still exist.
        // The pipeline applies the command line (extra cameras, demo, overrides) itself.
        CameraManager manager(options.configPath, options.overrides);
        const QString configProblem = manager.load();
        QString demoError;
        for (const QString& problem : manager.startProblems())
            if (problem.startsWith(QStringLiteral("Demo camera: ")))
                demoError = problem.mid(13);

        MainWindow window(&manager);
        window.show();
        if (!configProblem.isEmpty()) {
            // After the window is up, so the message has a parent and the app is usable behind it.
            QTimer::singleShot(0, &window, [&window, configProblem] {
                auto* box = new QMessageBox(QMessageBox::Warning, QObject::tr("Configuration problem"),
                                            QObject::tr("Your saved configuration could not be fully loaded."),
                                            QMessageBox::Ok, &window);
                box->setInformativeText(configProblem);
                box->setAttribute(Qt::WA_DeleteOnClose);
                box->open();
            });
        }
        if (!demoError.isEmpty())
            QMessageBox::warning(&window, QObject::tr("Demo camera"),
                                 QObject::tr("The demo camera could not start: %1").arg(demoError));
        status = app->exec();
    }
    // Readers of the cameras just destroyed finish on their own threads: let them, briefly.
    Camera::waitForFinishedReaders(QDeadlineTimer(3000));
    return status;
}

} // namespace vigil
