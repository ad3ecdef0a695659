// vigil: the desktop app, or with --headless a command-line runner.
#include <QApplication>
#include <QCoreApplication>
#include <cstdio>
#include <memory>

#include "cli_options.h"
#include "desktop_app.h"
#include "headless_runner.h"
#include "list_events.h"

int main(int argc, char* argv[])
{
    QStringList args;
    for (int i = 0; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    const bool headless = args.contains(QStringLiteral("--headless"));
    bool textOnly = false;  // --help / --version print and exit
    for (const char* opt : {"-h", "--help", "--help-all", "-v", "--version", "--list-events"})
        textOnly = textOnly || args.contains(QLatin1String(opt));

    // The headless mode (and printing help) needs no display at all.
    std::unique_ptr<QCoreApplication> app;
    if (headless || textOnly)
        app = std::make_unique<QCoreApplication>(argc, argv);
    else
        app = std::make_unique<QApplication>(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Vigil"));
    QCoreApplication::setApplicationName(QStringLiteral("vigil"));
    QCoreApplication::setApplicationVersion(QStringLiteral(VIGIL_VERSION));

    const vigil::CliParseResult parsed = vigil::parseCommandLine(QCoreApplication::arguments());
    if (parsed.exitNow)
        return 0;
    if (!parsed.error.isEmpty()) {
        std::fprintf(stderr, "vigil: %s\nTry 'vigil --help' for the options.\n", qPrintable(parsed.error));
        return 2;
    }
    const vigil::CliOptions& o = parsed.options;
    if (o.listEvents)
        return vigil::runListEvents(o);
    if (o.headless)
        return vigil::runHeadless(o);

    vigil::DesktopOptions d;
    d.configPath = o.configPath;
    d.overrides = o.overrides;
    return vigil::runDesktop(d);
}
